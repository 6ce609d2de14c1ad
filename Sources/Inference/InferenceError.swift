/// A failure to load or run a model, with a one-line message that says what went wrong,
/// where, and (when there is one) what to do about it.
public struct InferenceError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
