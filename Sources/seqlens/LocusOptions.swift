import ArgumentParser
import Genomics
import Interpretation

/// `explore --locus [--stride N]`: one record, a locus longer than the model, along which the
/// fixed-length model is tiled (the explorer's locus view, ExplorerCore/Locus.swift).
struct LocusOptions: ParsableArguments {
    @Flag(help: "Tile the fixed-length model along one record (a locus of up to a megabase, --record picks it): prediction and attribution tracks of the whole locus, zoom, jumps and live edits.")
    var locus = false

    @Option(help: ArgumentHelp("With --locus: bases between the starts of consecutive tiles (default: half the model's length; at most its length).", valueName: "n"))
    var stride: Int?

    func validate() throws {
        if stride != nil && !locus { throw ValidationError("--stride sets the tiling of --locus; give --locus too") }
        if let stride, stride < 1 { throw ValidationError("--stride must be a positive number of bases, e.g. 100") }
    }

    /// The one record to tile (--record, else the only or first one), checked against the model.
    func locusRecord(_ records: [SequenceRecord], choosing record: String?, model: SequenceModel, source: String) throws -> SequenceRecord {
        let chosen = try records[record.map { try recordIndex($0, in: records, source: source) } ?? 0]
        guard let length = model.fixedLength else {
            throw CommandFailure("--locus tiles a fixed-length model, and \(model.url.lastPathComponent) takes any length: explore \(chosen.id) without --locus")
        }
        guard chosen.length >= length else {
            throw CommandFailure("--locus: \(chosen.id) in \(source) is \(chosen.length) nt, shorter than the model's \(length); a locus holds at least one tile")
        }
        if let stride, stride > length {
            throw CommandFailure("--stride \(stride) leaves gaps between \(length)-nt tiles; give at most \(length)")
        }
        return chosen
    }

    /// The tiling of `record` by the model's windows.
    func tiling(of record: SequenceRecord, tileLength: Int) -> LocusTiling {
        LocusTiling(locusLength: record.length, tileLength: tileLength, stride: stride ?? max(1, tileLength / 2))
    }
}
