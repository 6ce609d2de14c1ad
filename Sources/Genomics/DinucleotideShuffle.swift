/// Shuffles that keep every dinucleotide count (Altschul & Erickson 1985, with the
/// random-spanning-tree construction of Kandel et al. 1996): the standard null
/// background for motif and attribution analyses (tangermeme's dinucleotide_shuffle, MEME's fasta-shuffle-letters -kmer 2).
public enum DinucleotideShuffle {
    /// A random sequence with the same first letter, last letter and count of every
    /// ordered pair of adjacent letters as `sequence` (any bytes; N is a letter like the others).
    public static func shuffle<G: RandomNumberGenerator>(_ sequence: [UInt8], using generator: inout G) -> [UInt8] {
        guard sequence.count > 2, let first = sequence.first, let last = sequence.last else { return sequence }
        // Each letter's outgoing edges: the letters that follow it, in order of appearance.
        var edges: [UInt8: [UInt8]] = [:]
        for i in 0..<(sequence.count - 1) { edges[sequence[i], default: []].append(sequence[i + 1]) }
        // For every letter but the last, pick the edge it leaves by last, so that those edges
        // form a tree rooted at `last` (loop-erased random walks, Wilson's algorithm). An
        // Eulerian walk that saves those edges for the end never gets stuck.
        var lastExit: [UInt8: Int] = [:]
        var inTree: Set<UInt8> = [last]
        for start in edges.keys.sorted() where !inTree.contains(start) {
            var next: [UInt8: Int] = [:]
            var vertex = start
            while !inTree.contains(vertex) {
                let choice = Int.random(in: 0..<edges[vertex]!.count, using: &generator)
                next[vertex] = choice
                vertex = edges[vertex]![choice]
            }
            vertex = start
            while !inTree.contains(vertex) {
                lastExit[vertex] = next[vertex]!
                inTree.insert(vertex)
                vertex = edges[vertex]![next[vertex]!]
            }
        }
        // Shuffle each letter's other edges; its last exit goes at the end.
        var order: [UInt8: [UInt8]] = [:]
        for vertex in edges.keys.sorted() {  // a fixed order keeps the shuffle a function of the seed
            var rest = edges[vertex]!
            var final: UInt8?
            if let exit = lastExit[vertex] { final = rest.remove(at: exit) }
            rest.shuffle(using: &generator)
            if let final { rest.append(final) }
            order[vertex] = rest.reversed()  // popped from the end
        }
        var result = [first]
        result.reserveCapacity(sequence.count)
        var vertex = first
        while result.count < sequence.count, let next = order[vertex]?.popLast() {
            result.append(next)
            vertex = next
        }
        return result
    }
}
