extension ExplorerState {
    /// Shows the first message now and each of the others after the next key, numbered "(1/3)"
    /// so the user knows more follow (start-up warnings: one line cannot hold several).
    public mutating func showMessages(_ messages: [String]) {
        let numbered = messages.count > 1 ? messages.enumerated().map { "(\($0.offset + 1)/\(messages.count)) \($0.element)" } : messages
        message = numbered.first
        queuedMessages = Array(numbered.dropFirst())
    }

    /// The message line after a key: the next queued message, else nothing.
    mutating func nextMessage() {
        message = queuedMessages.isEmpty ? nil : queuedMessages.removeFirst()
    }
}
