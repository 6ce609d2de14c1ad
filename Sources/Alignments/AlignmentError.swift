import Foundation

/// A refusal of an alignment or of what was asked of it, as one finished line: what, where
/// (file and line), what to do. The CLI prints `description` as it is.
public struct AlignmentError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// The full message, e.g. `pf.sto:12: sequence 'Q9XYZ1' has 48 columns, 'P12345' 50; …`.
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// Same as `description`, so `localizedDescription` shows the message rather than a generic one.
    public var errorDescription: String? { description }
}
