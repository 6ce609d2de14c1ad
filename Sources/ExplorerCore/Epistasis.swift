import Genomics

/// ISM of a record's unedited model input: the single mutants' effects in the wild type, against
/// which the edits' epistasis is measured.
public struct WildTypeMutagenesis: Sendable, Equatable {
    /// The model input it was computed for (a sliding window's input changes with the window).
    public var input: [UInt8]
    /// (A, L, T), as `MutagenesisMap.deltas`.
    public var deltas: [Float]

    public init(input: [UInt8], deltas: [Float]) {
        self.input = input
        self.deltas = deltas
    }
}

/// The edits' combined effect on the selected task split into what the single mutants add up to
/// (each measured in the wild type) and the rest, their interaction: for a Potts model
/// ΔH(combination) = Σ ΔH(single) + Σ pairs of edits' coupling terms; for a PSSM the epistasis is 0.
public struct EditEpistasis: Sendable, Equatable {
    public var edits: Int
    /// f(edited) − f(wild type).
    public var combined: Float
    /// Σ over the edits of f(wild type with that edit alone) − f(wild type).
    public var singles: Float
    public var epistasis: Float { combined - singles }
}

extension ExplorerState {
    /// The current record's wild-type ISM, if known for the input the model sees now.
    var wildType: WildTypeMutagenesis? {
        wildTypeMutagenesis[recordIndex].flatMap { $0.input == referenceInput ? $0 : nil }
    }

    /// Positions of the model's input (0-based in it) where the edited input differs from the wild type.
    var editedInputPositions: [Int] {
        let now = modelInput, wild = referenceInput
        return now.indices.filter { now[$0] != wild[$0] }
    }

    /// Two or more edits' effect on the task split into singles and epistasis; nil with fewer
    /// edits, before the wild type's ISM and the current predictions are in, or when an edit is a
    /// letter outside the alphabet (N).
    public var editEpistasis: EditEpistasis? {
        let edited = editedInputPositions
        guard edited.count >= 2, let wildType, let now = predictions, now.version == version,
              let reference = referencePredictions[recordIndex], reference.indices.contains(task), now.value.indices.contains(task) else { return nil }
        let columns = window.inputLength, tasks = wildType.deltas.count / max(1, alphabet.size * columns)
        let input = modelInput
        var singles: Float = 0
        for position in edited {
            guard let letter = alphabet.index(of: input[position]) else { return nil }
            singles += wildType.deltas[(letter * columns + position) * tasks + task]
        }
        return EditEpistasis(edits: edited.count, combined: now.value[task] - reference[task], singles: singles)
    }

    /// `w`'s heatmap, (A, L) over the input for the task: each substitution's effect now minus its
    /// effect in the wild type — how the edits change what every other mutation does. Zero at the
    /// edited positions (a substitution there replaces an edit rather than joining it). Nil until
    /// both maps are in.
    public var epistasisDeltas: [Float]? {
        guard let wildType, let now = mutagenesis?.value.deltas, now.count == wildType.deltas.count else { return nil }
        let columns = window.inputLength, tasks = now.count / max(1, alphabet.size * columns)
        let edited = Set(editedInputPositions)
        var values = [Float](repeating: 0, count: alphabet.size * columns)
        for letter in 0 ..< alphabet.size {
            for position in 0 ..< columns where !edited.contains(position) {
                let index = (letter * columns + position) * tasks + task
                values[letter * columns + position] = now[index] - wildType.deltas[index]
            }
        }
        return values
    }

    mutating func toggleEpistasis() -> [Effect] {
        showsEpistasis.toggle()
        if showsEpistasis && editedInputPositions.isEmpty {
            message = "no edits yet: the map now equals the wild type's (edit, then w shows how the edits change every other mutation)"
        }
        return []  // `update` asks for the wild type's map
    }

    /// The wild type's ISM when it is neither known nor asked for, and needed: for `w`, or for the
    /// prediction line of an edited protein (DNA models' ISM can take seconds; their wild-type map
    /// is kept when it comes by itself, before the first edit).
    mutating func requestWildType() -> [Effect] {
        let input = referenceInput
        guard (modelInput != input && !alphabet.isNucleic) || showsEpistasis, wildType == nil, requestedWildTypes[recordIndex] != input else { return [] }
        requestedWildTypes[recordIndex] = input
        return [.mutagenizeWildType(record: recordIndex, sequence: input)]
    }

    mutating func receiveWildType(record: Int, input: [UInt8], deltas: [Float]) {
        wildTypeMutagenesis[record] = WildTypeMutagenesis(input: input, deltas: deltas)
    }

    /// An ISM map of the unedited input is the wild type's, free.
    mutating func captureWildType(_ map: MutagenesisMap, version: Int) {
        guard version == self.version, map.positions == 0 ..< window.inputLength, modelInput == referenceInput, wildType == nil else { return }
        wildTypeMutagenesis[recordIndex] = WildTypeMutagenesis(input: referenceInput, deltas: map.deltas)
    }
}
