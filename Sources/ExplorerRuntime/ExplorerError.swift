/// A problem the user can fix (a bad session file, an unreadable input), said in one line.
public struct ExplorerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
