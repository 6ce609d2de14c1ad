import Alignments
import ArgumentParser
import Foundation
import Inference

struct MSAFit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msa-fit",
        abstract: "Fit a Potts model (pseudo-likelihood, as plmc) or a PSSM to a protein alignment; write plmc's parameter file.",
        discussion: """
        --model potts (default) fits fields h_i and couplings J_ij by maximising the weighted \
        pseudo-likelihood with L2 penalties, plmc's objective, start and L-BFGS settings: \
        λ_h Σ h² + λ_J Σ J², with λ_J = --lambda-j × (q − 1) × (L − 1) as EVcouplings scales it \
        (q = 21 states, L focus columns). --model pssm writes the site-independent model (fields \
        ln(q f_i(a)) from frequencies with one pseudocount per state) in the same format, its \
        couplings 0.

        The output is plmc's binary parameter file (plmc -o, EVcouplings' plmc_v2): \
        EVcouplings' CouplingsModel reads it, and `seqlens score` and `seqlens explore` read \
        plmc's. A summary line (N, N_eff, L, q, iterations, time) goes to stdout.

        \(AlignmentOptions.discussion)

        Examples:
          seqlens msa-fit ww_sequences.fa --focus B7G9D5 -o ww.params
          seqlens msa-fit ww_sequences.fa --focus B7G9D5 --model pssm -o ww-pssm.params
        """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case potts, pssm }

    @OptionGroup var input: AlignmentOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write the parameter file here.", valueName: "family.params"))
    var output: String

    @Option(help: ArgumentHelp("potts: fields and couplings; pssm: fields only.", valueName: "potts|pssm"))
    var model: Kind = .potts

    @Option(name: .customLong("lambda-h"), help: ArgumentHelp("L2 strength on the fields (plmc's -lh).", valueName: "λ"))
    var lambdaH = 0.01

    @Option(name: .customLong("lambda-j"), help: ArgumentHelp("L2 strength on the couplings, times (q − 1)(L − 1) as EVcouplings' lambda_J.", valueName: "λ"))
    var lambdaJ = 0.01

    @Option(help: "Most L-BFGS iterations, EVcouplings' default; 0 runs until plmc's convergence test passes.")
    var iterations = 100

    @Option(name: .customLong("threads"), help: "CPU threads sharing the sites, at most 256 (default: all cores).")
    var requestedThreads: Int?

    func validate() throws {
        guard lambdaH.isFinite, lambdaH >= 0 else { throw ValidationError("--lambda-h must be a finite number, 0 or more, such as 0.01") }
        guard lambdaJ.isFinite, lambdaJ >= 0 else { throw ValidationError("--lambda-j must be a finite number, 0 or more, such as 0.01") }
        guard iterations >= 0, iterations <= 100_000 else { throw ValidationError("--iterations must be from 0 (until convergence) to 100000") }
        if let requestedThreads { try OptionLimits.check(requestedThreads, in: OptionLimits.threads, option: "--threads") }
    }

    func run() throws {
        // plmc's file lists every sequence of the alignment, those left out with weight 0.
        let (read, focus) = try input.read()
        let alignment = read.encoded(focus: focus, identity: input.identity)
        let skipped = read.sequencesOutsideAlphabet(at: focus)
        guard alignment.count > 0 else {
            throw CommandFailure("\(input.alignment): no sequence left to fit (every one has a letter outside the 20 amino acids); check the alignment")
        }
        let start = Date()
        let file: PlmcParameterFile
        var summary: String
        switch model {
        case .potts:
            let threads = ThreadBudget.threads(requested: requestedThreads, cores: ProcessInfo.processInfo.activeProcessorCount)
            let options = PseudolikelihoodOptions(lambdaH: lambdaH, lambdaJ: lambdaJ, maxIterations: iterations, threads: threads)
            let bar = ProgressBar(total: iterations == 0 ? 1000 : iterations, label: "fitting")
            let fit = PottsModel.fitPseudolikelihood(to: alignment, options: options) { bar.update($0) }
            bar.finish()
            file = PlmcParameterFile(model: fit.model, alignment: alignment, skippedSequences: skipped, identity: input.identity, lambdaH: lambdaH,
                                     lambdaJ: options.scaledLambdaJ(length: alignment.length, states: alignment.stateCount), maxIterations: iterations)
            summary = "Potts model, \(fit.iterations) iterations (\(fit.ending)), \(threads) thread\(threads == 1 ? "" : "s")"
        case .pssm:
            file = PlmcParameterFile(model: PSSM.fit(alignment), alignment: alignment, skippedSequences: skipped, identity: input.identity, lambdaH: 0, lambdaJ: 0, maxIterations: 0)
            summary = "PSSM"
        }
        try file.write(to: URL(fileURLWithPath: output))
        let seconds = Date().timeIntervalSince(start)
        print("\(output): \(summary); N = \(alignment.count), N_eff = \(String(format: "%.1f", alignment.effectiveCount)), "
              + "L = \(alignment.length), q = \(alignment.stateCount), \(String(format: "%.2f", seconds)) s")
    }
}
