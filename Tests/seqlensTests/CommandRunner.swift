import Foundation
import XCTest

/// Runs the built `seqlens` binary (it sits next to the test bundle) and captures its output.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func seqlensBinary() -> URL {
    // The xctest bundle and the executable share the build products directory.
    var directory = Bundle.main.bundleURL
    if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        directory = bundle.bundleURL.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("seqlens")
}

/// - Parameters:
///   - environment: exactly this environment (colour detection reads TERM, COLORTERM,
///     NO_COLOR); nil inherits the test's.
///   - addressSpaceLimit: run under `ulimit -v` of this many kilobytes, killed after 120 s
///     (status 124) should it hang.
func runSeqlens(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil, addressSpaceLimit: Int? = nil) throws -> CommandResult {
    let process = Process()
    if let addressSpaceLimit {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v \(addressSpaceLimit) && exec timeout 120 \"$0\" \"$@\"", seqlensBinary().path] + arguments
    } else {
        process.executableURL = seqlensBinary()
        process.arguments = arguments
    }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    if let stdin {
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
    } else {
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }
    // Read before waiting so a large output cannot fill the pipe and block the child.
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
}

/// Asserts a refusal: exit status 2, exactly this one-line error, nothing on stdout.
func assertRefusal(_ result: CommandResult, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(result.status, 2, result.stderr, file: file, line: line)
    XCTAssertEqual(result.stderr, "seqlens: error: \(message)\n", file: file, line: line)
    XCTAssertEqual(result.stdout, "", file: file, line: line)
}
