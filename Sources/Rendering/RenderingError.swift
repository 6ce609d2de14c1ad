import Foundation

/// An error about drawing input, with a one-line message saying what is wrong and what to do.
public struct RenderingError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    public var errorDescription: String? { description }
}
