import ArgumentParser
#if canImport(CMimalloc)
import CMimalloc
#endif
import Foundation
import Inference

@main
struct Seqlens: ParsableCommand {
    /// The one place the version is written; `seqlens --version` prints it.
    static let version = "0.9.0"

    static let configuration = CommandConfiguration(
        commandName: "seqlens",
        abstract: "Explore what a DNA/RNA sequence model learned: predictions, attributions, mutagenesis.",
        discussion: """
        Models are ONNX files (exported from PyTorch with torch.onnx.export, or from Keras with \
        tf2onnx). Loading an ONNX file cannot run code, unlike a pickled checkpoint. Task names, \
        alphabet and a description come from the model's metadata or from a sidecar MODEL.json \
        next to it (the sidecar wins).

        Sequences are FASTA files. Letters other than ACGT (N, IUPAC codes) become all-zero columns.

        Positions are 0-based and ranges exclude their end (--range 40:50 is ten bases), as \
        in Python and tangermeme. Attribution and ISM arrays are float32 (N, A, L) in alphabet \
        order whatever the model's layout.

        Errors, including mistyped commands and options, are one line on stderr with exit \
        status 2.

        Examples, with a bundled sample model and its demo sequences:
          M=sample-models/multitask-deep-relu.onnx F=assets/sequences/multitask.fa
          seqlens explore $M $F --annotations assets/sequences/multitask.tsv
          seqlens inspect $M
          seqlens predict $M $F -o predictions.tsv
          seqlens logo $M $F --record mt_test_04056 --target CEBPB --range 20:100
          seqlens attr $M $F --method ig --target CEBPB -o ig.npy
          seqlens ism $M $F --target all -o ism.npz
        """,
        version: "seqlens \(version)",
        subcommands: [Explore.self, Demo.self, Inspect.self, Predict.self, Attr.self, ISM.self, Dependency.self, RobustnessCommand.self, Variant.self, DesignCommand.self, LogoCommand.self, HeatmapCommand.self, Benchmark.self, Show.self, MotifCommand.self, Scan.self, SeqletsCommand.self, FiltersCommand.self, ModiscoCommand.self, GIA.self, CREMECommand.self, Merge.self, MSAFit.self, ScoreCommand.self]
    )

    /// Parses and runs a command; every failure, usage errors included, leaves through `exit(reporting:)`.
    /// Errors are thrown up to here rather than exiting where they happen, so `defer` blocks (the
    /// explorer stopping its background lanes) run first: exiting while a lane is inside a matrix product
    /// can crash in the library's teardown.
    static func main() {
        keepFreedMemory()
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            if let command = command as? TakesModelAndFASTA { try command.checkArgumentOrder() }
            if let command = command as? TakesModelAndFASTAOrGenome { try command.checkArgumentOrder() }
            try ThreadBudget.checkAddressSpace()
            if let command = command as? RunsModel, command.compute.threads > 1 { BLAS.prepareInBackground() }
            try command.run()
            BLAS.waitUntilPrepared()
        } catch {
            exit(reporting: error, arguments: arguments)
        }
    }

    /// The process's malloc is mimalloc (CMimalloc). glibc's one arena serialised two workers'
    /// allocations on its lock (2-thread BPNet ISM: 8,600 context switches, 0.37 s in the kernel;
    /// with an arena per thread, freed blocks were not reused: 244k page faults against 97k);
    /// mimalloc's per-thread heaps take no lock. Asked to keep what it frees committed, it
    /// page-faults less on each batch's fresh activations (7–30 % of a pass under glibc's
    /// defaults): Basset at batch 64, 24.9k faults in 3 s against 27.8k (glibc tuned: 17.7k; set
    /// in the environment before start, the option gives 18.8k; bench/RESULTS.md).
    private static func keepFreedMemory() {
        #if canImport(CMimalloc)
        mi_option_disable(mi_option_allow_decommit)
        #endif
    }

    /// Help and --version go to stdout with status 0; anything else is one line on stderr and status 2.
    static func exit(reporting error: Error, arguments: [String]) -> Never {
        BLAS.waitUntilPrepared()
        if exitCode(for: error) == .success { exit(withError: error) }
        if let code = error as? ExitCode {
            // A command that already printed its report (inspect of an unusable model).
            Foundation.exit(code.rawValue)
        }
        let message: String
        if exitCode(for: error) == .validationFailure {
            message = usageMessage(for: error, arguments: arguments)
        } else if let failure = error as? CommandFailure {
            message = failure.message
        } else {
            // The modules' errors (GenomicsError, InferenceError, InterpretationError, RenderingError,
            // ExplorerError) carry their finished message as `description`: commands just throw them.
            message = String(describing: error)
        }
        FileHandle.standardError.write(Data("seqlens: error: \(oneLine(message))\n".utf8))
        Foundation.exit(2)
    }

    /// ArgumentParser's complaint about the command line in seqlens's style, with a pointer to the
    /// right --help; a mistyped command gets the nearest command name.
    static func usageMessage(for error: Error, arguments: [String]) -> String {
        let names = configuration.subcommands.map { $0._commandName }
        let command = arguments.first.flatMap { names.contains($0) ? $0 : nil }
        if command == nil, let first = arguments.first, !first.hasPrefix("-") {
            let suggestion = nearest(first, among: names).map { "did you mean '\($0)'?" } ?? "commands: \(names.joined(separator: ", "))"
            return "unknown command '\(first)'; \(suggestion)"
        }
        let complaint = asClauses(message(for: error))
        // A suggested option is the fix; otherwise point to the command's options.
        if complaint.hasSuffix("?") { return complaint }
        return "\(complaint); see `seqlens\(command.map { " \($0)" } ?? "") --help`"
    }

    /// ArgumentParser's sentences ("Unknown option '--x'. Did you mean '--y'?", "The value 'x' is
    /// invalid for '--pad'. Please provide one of …") as the clauses of one seqlens message.
    private static func asClauses(_ text: String) -> String {
        let sentences = text.split(separator: /\. (?=[A-Z])/).map { sentence in
            guard let first = sentence.first, first.isUppercase, sentence.dropFirst().first?.isLowercase == true else { return String(sentence) }
            return first.lowercased() + sentence.dropFirst()
        }
        let clauses = sentences.joined(separator: "; ")
        return clauses.hasSuffix(".") ? String(clauses.dropLast()) : clauses
    }
}

/// A refusal: the one-line message `Seqlens.main` prints before exiting with status 2.
struct CommandFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The candidate closest to `text` by edit distance, when it is close enough to be a typo
/// (at most 2 edits, or a third of the word's length for long words).
func nearest(_ text: String, among candidates: [String]) -> String? {
    let limit = max(2, text.count / 3)
    let scored = candidates.map { (candidate: $0, distance: editDistance(text.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= limit else { return nil }
    return best.candidate
}

/// Levenshtein distance, with a swap of two neighbouring letters counted as one edit (the
/// commonest typo: "predcit").
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
            }
        }
    }
    return table[a.count][b.count]
}

/// One line of at most a few hundred characters: user input echoed in quotes is cut to 80
/// characters (a pasted sequence as a --target stays readable), line breaks become "; ".
func oneLine(_ message: String) -> String {
    let joined = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
    // A quote opens after a non-letter and closes before one: "model's" is not a quote.
    let quoted = /(^|[^A-Za-z])'([^']{81,})'(?![A-Za-z])/
    return joined.replacing(quoted) { match in "\(match.1)'\(match.2.prefix(80))…'" }
}
