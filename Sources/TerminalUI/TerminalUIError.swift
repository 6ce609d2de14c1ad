import Foundation

/// An error about the terminal, with a one-line message saying what went wrong and what to do.
public struct TerminalUIError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    public var errorDescription: String? { description }
}
