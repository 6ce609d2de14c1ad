/// A stretch of a chromosome, on a strand: what `--region` and `--regions` name.
///
/// Positions are 0-based and end-exclusive, as everywhere in seqlens. `--region` text is
/// samtools' 1-based, both-ends-included `chr1:1001-1200` and is converted once, in `parse`;
/// BED is 0-based half-open already. Ids go back to the samtools form, so a region reads the same
/// whichever way it was given.
public struct GenomicRegion: Sendable, Equatable {
    /// The chromosome as written (matched against the genome's names later).
    public var chromosome: String
    /// 0-based, end-exclusive.
    public var positions: Range<Int>
    /// "+" or "-"; nil when not given (read as "+").
    public var strand: Character?
    /// The BED name; nil when the line has none.
    public var name: String?
    /// Where the region was given, for messages: `--region chr1:1001-1200` or `peaks.bed:3`.
    public var source: String

    /// Creates a region from its parts.
    public init(chromosome: String, positions: Range<Int>, strand: Character? = nil, name: String? = nil, source: String) {
        self.chromosome = chromosome
        self.positions = positions
        self.strand = strand
        self.name = name
        self.source = source
    }

    /// The region as samtools writes it (1-based, both ends included), with the strand when
    /// known: `chr1:1001-1200(-)`.
    public var samtoolsText: String { samtools(chromosome, positions, strand) }

    /// The id of the region's record: its BED name, else `samtoolsText`.
    public var id: String { name ?? samtoolsText }

    /// The model reads the reverse complement.
    public var isReverse: Bool { strand == "-" }
}

extension GenomicRegion {
    /// Parses `CHR:START-END` as samtools does (1-based, both ends included: `chr1:1001-1200` is
    /// 200 bases, 0-based 1000..<1200), optionally followed by `(+)` or `(-)` as the ids write it.
    /// The chromosome is everything before the last ':' (names may hold colons).
    public static func parse(_ text: String, option: String = "--region") throws -> GenomicRegion {
        let source = "\(option) \(text)"
        let usage = "give CHR:START-END, 1-based with both ends included as samtools writes it (chr1:1001-1200 is 200 bases), optionally with (+) or (-)"
        var body = Substring(text)
        var strand: Character?
        for candidate: Character in ["+", "-"] where body.hasSuffix("(\(candidate))") {
            strand = candidate
            body = body.dropLast(3)
        }
        guard let colon = body.lastIndex(of: ":"), colon != body.startIndex else {
            throw GenomicsError("\(option) '\(text)' is not a region; \(usage)")
        }
        let chromosome = String(body[..<colon])
        let bounds = body[body.index(after: colon)...].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = Int(bounds[0]), let last = Int(bounds[1]) else {
            throw GenomicsError("\(option) '\(text)' is not a region; \(usage)")
        }
        guard first >= 1 else {
            throw GenomicsError("\(option) '\(text)' starts at \(first), but --region positions are 1-based (the first base is 1), as samtools writes them; 0-based starts belong in a BED file (--regions)")
        }
        guard last >= first else {
            throw GenomicsError("\(option) '\(text)' ends before it starts; both ends are included, so one base at \(first) is \(chromosome):\(first)-\(first)")
        }
        return GenomicRegion(chromosome: chromosome, positions: first - 1 ..< last, strand: strand, source: source)
    }

    /// Parses a list of regions, each comma-separated text holding one or more.
    public static func parse(list texts: [String], option: String = "--region") throws -> [GenomicRegion] {
        try texts.flatMap { text in
            let pieces = text.split(separator: ",", omittingEmptySubsequences: false)
            // samtools reads thousands separators (chr1:1,001-1,200); here a comma separates regions.
            if pieces.count > 1, let piece = pieces.first(where: { !$0.contains(":") }) {
                throw GenomicsError("\(option) '\(text)': a comma separates regions, and '\(piece)' is not one; write positions without thousands separators (chr1:1001-1200)")
            }
            return try pieces.map { try parse(String($0), option: option) }
        }
    }

    /// A BED line's region: its name when the line has one (not "."), its strand when it has one.
    /// `file` names the BED file in messages, with the interval's line.
    public init(_ interval: SequenceInterval, file: String) {
        let unnamed = interval.label == IntervalFile.defaultLabel(record: interval.record, positions: interval.positions)
        self.init(chromosome: interval.record, positions: interval.positions, strand: interval.strand,
                  name: unnamed ? nil : interval.label, source: "\(file):\(interval.line)")
    }
}

/// Where a region's model input lies on its chromosome: the stretch read, and the 'N' columns
/// beyond the chromosome's ends (only when the chromosome is shorter than the input).
public struct GenomeWindow: Sendable, Equatable {
    /// The chromosome.
    public var chromosome: String
    /// The chromosome positions read (0-based, end-exclusive), within the chromosome.
    public var positions: Range<Int>
    /// 'N' columns before the first base read (on the forward strand).
    public var leftPadding: Int
    /// 'N' columns after the last base read (on the forward strand).
    public var rightPadding: Int
    /// "-": the model reads the reverse complement.
    public var strand: Character?

    /// Creates a window from its parts.
    public init(chromosome: String, positions: Range<Int>, leftPadding: Int = 0, rightPadding: Int = 0, strand: Character? = nil) {
        self.chromosome = chromosome
        self.positions = positions
        self.leftPadding = leftPadding
        self.rightPadding = rightPadding
        self.strand = strand
    }

    /// Columns of the model's input.
    public var inputLength: Int { leftPadding + positions.count + rightPadding }

    /// What a record's description says of it: the stretch read (samtools, 1-based) and any padding,
    /// e.g. `window chr1:951-1250(-)`.
    public var description: String {
        let padding = leftPadding + rightPadding > 0 ? " with \(leftPadding)+\(rightPadding) N beyond the chromosome's ends" : ""
        return "window \(samtools(chromosome, positions, strand))\(padding)"
    }

    /// The bases the model is given, from the forward-strand bases of `positions`: padded with
    /// 'N' beyond the chromosome, reverse-complemented on the '-' strand.
    public func input(_ forward: [UInt8]) -> [UInt8] {
        precondition(forward.count == positions.count, "GenomeWindow.input: \(forward.count) bases for \(positions.count) positions")
        let n = UInt8(ascii: "N")
        let padded = [UInt8](repeating: n, count: leftPadding) + forward + [UInt8](repeating: n, count: rightPadding)
        return strand == "-" ? reverseComplement(padded, alphabet: .dna) : padded
    }
}

extension GenomicRegion {
    /// The stretch of the chromosome the model sees for this region.
    ///
    /// The region is centred in the model's `inputLength` columns as `--crop center` and `--pad
    /// center` place a record (the odd base on the right, on the forward strand): a longer region
    /// is cropped to its middle, a shorter one extended with its own flanks from the genome, not
    /// with N. A window that would run past a chromosome end is moved inside the chromosome (the
    /// region stays whole in it, off-centre); only a chromosome shorter than the input is padded
    /// with N, beyond its ends. nil `inputLength` (a model that takes any length): the region itself.
    /// The region must lie within the chromosome (`chromosomeLength`).
    public func window(inputLength: Int?, chromosomeLength: Int) -> GenomeWindow {
        precondition(positions.upperBound <= chromosomeLength, "GenomicRegion.window: \(samtoolsText) runs past a chromosome of \(chromosomeLength)")
        guard let inputLength else { return GenomeWindow(chromosome: chromosome, positions: positions, strand: strand) }
        let centred = LengthFit(pad: .center, crop: .center).window(recordLength: positions.count, inputLength: inputLength)!
        // Inside the chromosome when it is long enough; else the whole chromosome, N beyond its ends.
        let excess = chromosomeLength - inputLength
        let start = max(min(0, excess), min(max(0, excess), positions.lowerBound + centred.start))
        let read = max(0, start) ..< min(chromosomeLength, start + inputLength)
        return GenomeWindow(chromosome: chromosome, positions: read, leftPadding: read.lowerBound - start,
                            rightPadding: start + inputLength - read.upperBound, strand: strand)
    }
}

/// `chr1:1001-1200(-)`: 0-based end-exclusive positions written as samtools does (1-based, both ends included).
private func samtools(_ chromosome: String, _ positions: Range<Int>, _ strand: Character?) -> String {
    "\(chromosome):\(positions.lowerBound + 1)-\(positions.upperBound)" + (strand.map { "(\($0))" } ?? "")
}
