/// Which nodes read each value of a graph, for rewrites that may only remove a value nothing
/// else sees.
struct ValueReaders {
    /// Reads per value (a node reading it twice counts twice).
    private var count: [String: Int] = [:]
    private var reader: [String: Int] = [:]
    private let outputs: Set<String>
    private let inputs: Set<String>
    private let initializers: [String: Value]

    init(_ graph: Graph) {
        outputs = Set(graph.outputs.map(\.name))
        inputs = Set(graph.inputs.map(\.name))
        initializers = graph.initializers
        for (index, node) in graph.nodes.enumerated() {
            for input in node.inputs where !input.isEmpty {
                count[input, default: 0] += 1
                reader[input] = index
            }
        }
    }

    /// The index of the one node reading `value`, when it is not a graph output either.
    func only(_ value: String) -> Int? {
        count[value] == 1 && !outputs.contains(value) ? reader[value] : nil
    }

    /// The initializer named `name`, unless a graph input of that name overrides it.
    func constant(_ name: String) -> Value? {
        inputs.contains(name) ? nil : initializers[name]
    }
}
