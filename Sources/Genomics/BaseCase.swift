/// The case of a base letter (ASCII): soft-masked (repeat) stretches of a genome are written in
/// lower case, and the bases keep their meaning in either case.
public enum BaseCase {
    public static func isLowercase(_ byte: UInt8) -> Bool { (97 ... 122).contains(byte) }
    public static func lowercased(_ byte: UInt8) -> UInt8 { (65 ... 90).contains(byte) ? byte + 32 : byte }
    public static func uppercased(_ byte: UInt8) -> UInt8 { isLowercase(byte) ? byte - 32 : byte }
}
