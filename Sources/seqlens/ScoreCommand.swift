import Alignments
import ArgumentParser
import Foundation
import Genomics

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score mutants of a protein family's focus sequence (ΔH, as EVmutation) and its contacts, from a plmc parameter file.",
        discussion: """
        Reads plmc's binary parameter file (plmc -o, EVcouplings' plmc_v2, seqlens msa-fit -o). \
        A mutant's effect is ΔH = H(mutant) − H(focus sequence), with H(σ) = Σ h_i(σ_i) + \
        Σ_{i<j} J_ij(σ_i, σ_j): negative is less fit, as EVcouplings' delta_hamiltonian.

        Mutants are named as EVcouplings and EVmutation name them: wild-type letter, residue \
        number, new letter (A24G), the substitutions of a multiple mutant joined by commas \
        (A24G,K30R). Residue numbers are the focus sequence's own (its /start-end range, as \
        EVcouplings numbers them), not 0-based columns. Without --mutants or --mutants-file \
        every single substitution of the focus sequence to another amino acid is scored.

        The table (TSV) has mutant, delta_H, singles_sum (the sum of the ΔH of the mutant's \
        single substitutions) and epistasis (delta_H − singles_sum; 0 for a single).

        --contacts writes EVcouplings' coupling scores, one row per pair of columns sorted by \
        cn: i, A_i, j, A_j (residue numbers and focus letters), fn (Frobenius norm of the \
        couplings in the zero-sum gauge) and cn (fn after the average product correction). \
        With --contacts and none of --mutants, --mutants-file, -o, only the contacts are written.

        Examples:
          seqlens score ww.params -o singles.tsv
          seqlens score ww.params --mutants W254F Y266F W254F,Y266F
          seqlens score ww.params --contacts ww-contacts.tsv
        """
    )

    @Argument(help: ArgumentHelp("A plmc parameter file (plmc -o, seqlens msa-fit).", valueName: "family.params"))
    var parameters: String

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Mutants to score, e.g. A24G K30R A24G,K30R (a comma joins one mutant's substitutions).", valueName: "mutant"))
    var mutants: [String] = []

    @Option(name: .customLong("mutants-file"), help: ArgumentHelp("A file of mutants, one per line (first column; '#' lines and a 'mutant' header are skipped).", valueName: "file"))
    var mutantsFile: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Write the mutant table here instead of stdout.", valueName: "file.tsv"))
    var output: String?

    @Option(help: ArgumentHelp("Write the contact scores (fn, cn) of every pair of columns here.", valueName: "file.tsv"))
    var contacts: String?

    func validate() throws {
        if !mutants.isEmpty, mutantsFile != nil { throw ValidationError("give --mutants or --mutants-file, not both") }
    }

    func run() throws {
        try refuseIfNotRegularFile(parameters, kind: "a plmc parameter file")
        let model = try PlmcParameterFile(contentsOf: URL(fileURLWithPath: parameters)).model
        if let contacts {
            guard !model.isSiteIndependent else {
                throw CommandFailure("\(parameters): a site-independent model (PSSM) has no couplings to score contacts from; fit a Potts model with seqlens msa-fit")
            }
            try writeTextFile(ContactScores(model: model).tsv(for: model), to: contacts)
            if mutants.isEmpty, mutantsFile == nil, output == nil { return }
        }
        let effects = try scoredMutants(model)
        let table = MutationEffectTable.tsv(effects)
        if let output { try writeTextFile(table, to: output) } else { print(table, terminator: "") }
    }

    /// The mutants asked for, each checked against the model before any is written.
    private func scoredMutants(_ model: PottsModel) throws -> [MutationEffect] {
        if let mutantsFile {
            try refuseIfNotRegularFile(mutantsFile, kind: "a file of mutants")
            let text: String
            do { text = try String(contentsOfFile: mutantsFile, encoding: .utf8) } catch {
                throw CommandFailure("\(mutantsFile): cannot read (\(fileErrorReason(error))); check the path")
            }
            var effects = [MutationEffect]()
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard let name = line.split(whereSeparator: { $0 == "\t" || $0 == " " || $0 == "\r" }).first,
                      !name.hasPrefix("#"), !(index == 0 && name == "mutant") else { continue }
                do { effects.append(try model.effect(of: Mutant(parsing: name))) } catch {
                    throw CommandFailure("\(mutantsFile):\(index + 1): \(error)")
                }
            }
            guard !effects.isEmpty else { throw CommandFailure("\(mutantsFile): no mutants in the file; write one per line, e.g. A24G") }
            return effects
        }
        if mutants.isEmpty {
            guard model.focusStates != nil else {
                throw CommandFailure("\(parameters): the model has no focus sequence to mutate; fit it with --focus (plmc -f)")
            }
            return try model.singleMutants().map { try model.effect(of: $0) }
        }
        return try mutants.map { name in
            do { return try model.effect(of: Mutant(parsing: name)) } catch { throw CommandFailure("--mutants: \(error)") }
        }
    }
}
