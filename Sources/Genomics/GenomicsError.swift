import Foundation

/// An error about sequences or files, with a one-line message saying what went wrong, where, and what to do.
public struct GenomicsError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// The full message, e.g. `reads.fa:12: record 'chr1_x' has no sequence; remove the header or add its bases`.
    public let description: String

    /// Creates an error with a finished one-line message.
    public init(_ description: String) {
        self.description = description
    }

    /// Same as `description`, so `localizedDescription` shows the message rather than a generic one.
    public var errorDescription: String? { description }
}
