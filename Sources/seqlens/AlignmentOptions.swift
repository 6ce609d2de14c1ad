import Alignments
import ArgumentParser
import Foundation

/// `ALIGNMENT [--focus ID] [--identity 0.8] [--format F]`: a protein family alignment, read,
/// focused and weighted as EVcouplings and plmc do, for the commands that fit or score models.
struct AlignmentOptions: ParsableArguments {
    /// The paragraph the --help of commands that read an alignment give it.
    static let discussion = """
        The alignment is Stockholm (.sto, .stk), A2M (.a2m), A3M (.a3m) or aligned FASTA (.fa, \
        .fasta, .afa, .aln); another extension is read by its content. The model's columns are \
        the focus sequence's uppercase residues (lowercase letters and '.' are inserts, left out), \
        numbered from the start of its ID/start-end range (Pfam's names), else from 1. Letters \
        become the 21 states -ACDEFGHIKLMNPQRSTVWY ('.' is a gap, lowercase reads as uppercase); \
        a sequence with X, B, Z, J, O or U at a focus column is left out, as plmc leaves it out. \
        Each sequence weighs 1 / (the number of sequences at least --identity identical to it \
        over those columns, itself included), EVcouplings' and plmc's weights; N_eff is their sum.
        """

    @Argument(help: ArgumentHelp("A protein multiple sequence alignment: Stockholm, A2M, A3M or aligned FASTA.", valueName: "alignment"))
    var alignment: String

    @Option(help: ArgumentHelp(
        "The focus sequence: its id, the id without its /start-end range, or the start of an id (the first that matches). Default: the first sequence.",
        valueName: "id"))
    var focus: String?

    @Option(help: ArgumentHelp(
        "Identity, from 0 to 1, at which two sequences are neighbours: each sequence weighs 1 / its neighbours (plmc's theta is 1 − this).",
        valueName: "fraction"))
    var identity: Double = 0.8

    @Option(help: ArgumentHelp("Read the alignment as this format whatever its extension: stockholm, a2m, a3m or fasta.", valueName: "format"))
    var format: Alignment.Format?

    func validate() throws {
        guard (0 ... 1).contains(identity) else {
            throw ValidationError("--identity \(identity) is not a fraction from 0 to 1 (0.8: sequences 80% identical are neighbours)")
        }
    }

    /// The alignment's focus columns as states, weighted. Bad input throws `AlignmentError`,
    /// which `Seqlens.main` prints as one line (exit status 2).
    func load() throws -> EncodedAlignment {
        let (alignment, focus) = try read()
        return alignment.encoded(focus: focus, identity: identity)
    }

    /// The alignment as read and its focus, for what needs the file's own rows (plmc's parameter
    /// file lists every sequence, those left out with weight 0); a warning on stderr names the
    /// sequences left out.
    func read() throws -> (alignment: Alignment, focus: AlignmentFocus) {
        try refuseIfNotRegularFile(alignment, kind: "an alignment")
        let read = try Alignment.read(contentsOf: URL(fileURLWithPath: alignment), format: format)
        let focus = try read.focus(id: self.focus)
        let skipped = read.sequencesOutsideAlphabet(at: focus)
        if let first = skipped.first {
            warn("warning: \(skipped.count) of \(read.count) sequences of \(alignment) left out, as plmc leaves them out: a letter outside the 20 amino acids (X, B, Z, J, O, U) at a focus column ('\(read.ids[first])', line \(read.lines[first])\(skipped.count > 1 ? ", …" : ""))")
        }
        return (read, focus)
    }
}

extension Alignment.Format: ExpressibleByArgument {}
