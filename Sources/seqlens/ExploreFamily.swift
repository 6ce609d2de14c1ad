import Alignments
import ExplorerCore
import ExplorerRuntime
import Foundation
import Genomics
import Interpretation

/// `seqlens explore FAMILY.params [FASTA]`: a Potts model or PSSM in plmc's parameter format,
/// explored as a model of its energy H. Without a FASTA file the record is the model's focus
/// sequence, written to PREFIX.focus.fa so the session names its sequences as any other.
struct ExploredFamily {
    let model: SequenceModel
    let potts: PottsModel

    /// plmc's parameter files go by these extensions (plmc's examples, EVcouplings' pipeline).
    static func matches(_ path: String) -> Bool {
        ["params", "model_params"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
    }

    init(path: String) throws {
        try refuseIfNotRegularFile(path, kind: "a plmc parameter file")
        let url = URL(fileURLWithPath: path)
        potts = try PlmcParameterFile(contentsOf: url).model
        model = try SequenceModel(potts: potts, url: url)
    }

    /// Writes the focus sequence (its focus columns) to PREFIX.focus.fa, atomically, and returns
    /// the path; its id is the file's name and the focus residues' numbers, as Pfam names a domain.
    func writeFocus(modelPath: String, prefix: String?) throws -> String {
        let name = URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent
        let path = (prefix ?? name) + ".focus.fa"
        let id = "\(name)/\(potts.positions.first ?? 0)-\(potts.positions.last ?? 0)"
        do {
            try Data(">\(id)\n\(String(decoding: potts.focusSequence, as: UTF8.self))\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ExplorerError("cannot write the focus sequence to \(path): \(error.localizedDescription); give a FASTA file or --save-as PREFIX in a writable folder")
        }
        return path
    }

    /// Every letter of the records must be one of the model's states (an X or B has no energy).
    func checkLetters(_ records: [SequenceRecord], source: String, modelPath: String) throws {
        for record in records {
            if let position = record.sequence.firstIndex(where: { model.alphabet.index(of: $0) == nil }) {
                throw ExplorerError("\(source): record \(record.id) has '\(Character(Unicode.Scalar(record.sequence[position])))' at position \(position), which \(Explore.fileName(modelPath)) has no state for (\(model.alphabet.lettersString)); replace it, e.g. by the gap '-'")
            }
        }
    }
}
