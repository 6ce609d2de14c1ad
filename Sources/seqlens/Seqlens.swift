import ArgumentParser

@main
struct Seqlens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seqlens",
        abstract: "Explore what a DNA/RNA sequence model learned: predictions, attributions, mutagenesis.",
        discussion: """
        Models are ONNX files (exported from PyTorch with torch.onnx.export, or from Keras with \
        tf2onnx). Loading an ONNX file cannot run code, unlike a pickled checkpoint. Task names, \
        alphabet and a description come from the model's metadata or from a sidecar MODEL.json \
        next to it (the sidecar wins).

        Sequences are FASTA files. Letters other than ACGT (N, IUPAC codes) become all-zero columns.

        Examples:
          seqlens inspect sample-models/tiny-motifs.onnx
          seqlens predict sample-models/tiny-motifs.onnx sample-models/tiny-motifs.fa
          seqlens predict MODEL.onnx reads.fa --pad center --output predictions.npy
        """,
        subcommands: [Inspect.self, Predict.self, Attr.self, ISM.self, Variant.self, LogoCommand.self, HeatmapCommand.self, Benchmark.self, Show.self, MotifCommand.self]
    )
}
