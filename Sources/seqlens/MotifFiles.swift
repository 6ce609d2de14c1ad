import Foundation
import Genomics

/// What a motif file may be, for refusals: the formats MotifReader reads.
let motifFileKind = "a MEME, JASPAR, HOMER or TRANSFAC motif file"

/// The motifs in the file at `path`, refusing a directory, pipe or device first.
func readMotifs(_ path: String, pseudocount: Double = MotifReader.defaultPseudocount) throws -> [Motif] {
    try refuseIfNotRegularFile(path, kind: motifFileKind)
    return try MotifReader.read(contentsOf: URL(fileURLWithPath: path), pseudocount: pseudocount)
}

/// A motif file as a TOMTOM database, errors naming the file.
func loadMotifDatabase(_ path: String) throws -> Tomtom {
    let motifs = try readMotifs(path)
    do { return try Tomtom(targets: motifs) } catch let error as GenomicsError {
        throw GenomicsError("\(path): \(error.description.hasPrefix("tomtom: ") ? String(error.description.dropFirst(8)) : error.description)")
    }
}
