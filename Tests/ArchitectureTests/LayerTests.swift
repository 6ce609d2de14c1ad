import Foundation
import XCTest

/// The layers of docs/ARCHITECTURE.md, checked on the sources: each module imports only what
/// its row allows, so a dependency pointing the wrong way (the terminal backend knowing the app,
/// the explorer's core doing I/O or running a model) fails here before review.
final class LayerTests: XCTestCase {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized

    /// What each module may import. The explorer's core and view import no Foundation, no
    /// platform library and no engine: they cannot do I/O or model maths.
    static let allowed: [String: Set<String>] = [
        "Genomics": ["Foundation"],
        "Inference": ["Foundation", "Dispatch", "Accelerate", "CDNNL", "Synchronization", "CVectorMath", "ONNXProto", "SwiftProtobuf", "ZIPFoundation"],
        "Interpretation": ["Foundation", "Dispatch", "Genomics", "Inference", "Alignments"],
        "Alignments": ["Foundation", "Dispatch", "CLBFGS", "Genomics"],
        "Rendering": ["Foundation", "Genomics"],
        "ModiscoHDF5": ["Foundation", "CHDF5", "Genomics"],
        "GenomeIO": ["Foundation", "CHTSlib", "CBigWig", "Genomics"],
        "Interactive": ["Rendering"],
        "ExplorerCore": ["Genomics", "Rendering", "Interactive"],
        "ExplorerView": ["ExplorerCore", "Genomics", "Rendering"],
        "ExplorerRuntime": ["Foundation", "Dispatch", "ExplorerCore", "ExplorerView", "Interactive", "Genomics", "GenomeIO", "Inference", "Interpretation", "Rendering", "Alignments"],
        "TerminalUI": ["Foundation", "Glibc", "Darwin", "CNcurses", "Interactive", "Rendering"],
        "ONNXProto": ["Foundation", "FoundationEssentials", "SwiftProtobuf"],
        "seqlens": ["Foundation", "ArgumentParser", "Genomics", "Inference", "Interpretation", "Rendering", "Interactive",
                    "ExplorerCore", "ExplorerView", "ExplorerRuntime", "TerminalUI", "ModiscoHDF5", "GenomeIO", "Alignments", "CMimalloc"],
    ]

    func testEveryModuleImportsOnlyItsLowerLayers() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { name in
            let folder = Self.sources.appendingPathComponent(name)
            return FileManager.default.enumerator(atPath: folder.path)?.contains { ($0 as? String)?.hasSuffix(".swift") == true } == true
        }
        XCTAssertFalse(modules.isEmpty)
        for module in modules.sorted() {
            guard let allowed = Self.allowed[module] else {
                XCTFail("Sources/\(module) is not in the layer table: add its row here and in docs/ARCHITECTURE.md")
                continue
            }
            for (file, imported) in try Self.imports(of: module) where !allowed.contains(imported) {
                XCTFail("Sources/\(module)/\(file) imports \(imported), which its layer may not (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// (file, module) for every import statement under Sources/<module>.
    static func imports(of module: String) throws -> [(String, String)] {
        let folder = sources.appendingPathComponent(module)
        var result: [(String, String)] = []
        for case let file as String in FileManager.default.enumerator(atPath: folder.path)! where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
                guard words.first == "import", words.count >= 2 else { continue }
                result.append((file, String(words.last!)))
            }
        }
        return result
    }
}
