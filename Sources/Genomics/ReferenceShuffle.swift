/// The shuffles behind DeepSHAP references and shuffled integrated-gradients baselines, per
/// alphabet: dinucleotide shuffles for DNA and RNA (tangermeme's dinucleotide_shuffle), plain
/// residue shuffles for proteins (tangermeme's shuffle, a random permutation keeping the
/// composition). A dipeptide-keeping shuffle of a short protein has so few Eulerian paths over 20
/// letters that it often returns the sequence itself, a reference with zero attributions.
public enum ReferenceShuffle {
    public static func shuffle<G: RandomNumberGenerator>(_ sequence: [UInt8], alphabet: Alphabet, using generator: inout G) -> [UInt8] {
        alphabet.isNucleic ? DinucleotideShuffle.shuffle(sequence, using: &generator) : sequence.shuffled(using: &generator)
    }

    /// "dinucleotide" or "residue", for messages and notes.
    public static func kind(for alphabet: Alphabet) -> String {
        alphabet.isNucleic ? "dinucleotide" : "residue"
    }
}
