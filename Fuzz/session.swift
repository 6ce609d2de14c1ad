// libFuzzer harness: session and recovery files (SessionFile.decode, then the checks `explore
// --session` and `--recover` run against the records: checkedView, histories).
// Built by Fuzz/build.sh; see docs/FUZZING.md.
import ExplorerRuntime
import Foundation
import Genomics

/// Two records like the ones the seed sessions were saved with (assets/sequences/multitask.fa ids).
private let records = [
    SequenceRecord(id: "mt_test_04056", sequence: String(repeating: "ACGTTGCA", count: 25)),
    SequenceRecord(id: "second", sequence: "ACGTACGTAC"),
]
private let windows = [ModelWindow.whole(200), ModelWindow(recordLength: 10, inputLength: 200, start: -95)]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSession(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let file = try? SessionFile.decode(Data(bytes: data, count: size), source: "fuzz.session.json") else { return 0 }
    _ = try? file.checkedView(records: records, windows: windows, taskCount: 3, source: "fuzz.session.json")
    _ = try? file.histories(for: records, source: "fuzz.session.json")
    return 0
}
