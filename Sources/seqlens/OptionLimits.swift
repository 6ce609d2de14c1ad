import ArgumentParser

/// The range of every numeric option that sizes memory or time, checked as the command line is
/// parsed so that no value reaches an allocation (README "Limits" lists them).
enum OptionLimits {
    /// Products and the worker pool gain nothing beyond a few threads per core; thousands of
    /// threads exhaust memory under a limit instead of failing cleanly.
    static let threads = 1 ... 256
    static let batch = 1 ... 4096
    static let steps = 1 ... 10_000
    static let samples = 1 ... 10_000
    static let shuffles = 1 ... 1000
    static let edits = 1 ... 100_000
    static let length = 1 ... 1_000_000
    static let width = 24 ... 1000
    static let height = 2 ... 200
    static let zoom = 1 ... 1_000_000

    /// Refuses `value` outside `range` in one line naming the option and its range.
    static func check(_ value: Int, in range: ClosedRange<Int>, option: String) throws {
        guard !range.contains(value) else { return }
        throw ValidationError(value < range.lowerBound ? "\(option) must be at least \(range.lowerBound)"
                                                        : "\(option) must be at most \(range.upperBound) (got \(value))")
    }

    /// Refuses a time or scale that is not a finite number of at least `minimum`.
    static func check(_ value: Double, atLeast minimum: Double, option: String) throws {
        guard value.isFinite, value >= minimum else { throw ValidationError("\(option) must be a finite number of at least \(minimum == 0 ? "0" : "\(minimum)")") }
    }
}
