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

        Positions are 0-based and ranges exclude their end (--range 40:50 is ten bases), as \
        in Python and tangermeme. Attribution and ISM arrays are float32 (N, A, L) in alphabet \
        order whatever the model's layout.

        Examples, with a bundled sample model and its demo sequences:
          M=sample-models/multitask-deep-relu.onnx F=assets/sequences/multitask.fa
          seqlens explore $M $F --annotations assets/sequences/multitask.tsv
          seqlens inspect $M
          seqlens predict $M $F -o predictions.tsv
          seqlens logo $M $F --record mt_test_04056 --target CEBPB --range 20:100
          seqlens attr $M $F --method ig --target CEBPB -o ig.npy
          seqlens ism $M $F --target all -o ism.npz
        """,
        subcommands: [Explore.self, Inspect.self, Predict.self, Attr.self, ISM.self, Variant.self, LogoCommand.self, HeatmapCommand.self, Benchmark.self, Show.self, MotifCommand.self]
    )
}
