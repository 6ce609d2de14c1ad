extension ExplorerState {
    /// `x`: everything from the logits, or back to the model's output. Every result belongs to
    /// the other output now, so all are asked for again (reference predictions of other records
    /// when they are shown).
    mutating func toggleLogits() -> [Effect] {
        guard outputsProbabilities else {
            message = "this model's output does not come from a final Sigmoid or Softmax: it already is the pre-activation value"
            return []
        }
        showsLogits.toggle()
        referencePredictions = [:]
        predictions = nil
        attribution = nil
        mutagenesis = nil
        lastEdit = nil
        pendingEdit = nil
        // Results still under way belong to the other output: older than this, they are dropped.
        recordVersion = version + 1
        message = showsLogits ? "logits: the pre-activation output (no saturation near 0 and 1)" : "probabilities: the model's output"
        return [.useLogits(showsLogits), .setReference(record: recordIndex, sequence: referenceInput)] + sequenceChanged()
    }

    /// The predictions are probabilities, whose saturated values are marked.
    public var marksSaturation: Bool { outputsProbabilities && !showsLogits }
}
