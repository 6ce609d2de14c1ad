/// Rewrites that make a graph cheaper to run without changing what it computes: the passes
/// onnxruntime's graph optimiser applies to exported models (folding, fusion, transpose
/// cancellation), done once when a plan is made.
///
/// The contract every pass keeps: each graph output, and every value the rewritten graph still
/// names, holds the same numbers as in the graph as written (up to float rounding); a value a
/// pass creates gets a fresh name (`GraphRewrites.freshName`). So a caller may ask a plan for any
/// name it still has (`ExecutionPlan.shape(of:)`), and features that read a value of the model as
/// written (FirstLayerFilters' probe) make it a graph output, which every pass keeps.
enum GraphRewrites {
    /// The passes in the order they run.
    /// Transposes go first: folding finds more Conv → Mul/Add pairs once layout transposes
    /// no longer sit between them.
    static let passes: [@Sendable (Graph) -> Graph] = [
        TransposeSinking.apply,
        GeluFusion.fuse,
        AffineFolding.fold,
    ]

    /// `graph` with every pass applied.
    static func apply(to graph: Graph) -> Graph {
        passes.reduce(graph) { rewritten, pass in pass(rewritten) }
    }

    /// A value name no ONNX exporter writes, for values a pass creates.
    static func freshName(_ base: String, index: Int) -> String {
        "seqlens.rewrite.\(index).\(base)"
    }
}
