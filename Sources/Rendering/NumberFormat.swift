import Foundation

/// Short numbers for axes and legends.
public enum NumberFormat {
    /// Three significant digits, no trailing zeros: 0.523, 12.5, 2, 1.2e-05.
    public static func short(_ value: Float) -> String {
        guard value != 0, value.isFinite else { return value.isFinite ? "0" : "\(value)" }
        var text = String(format: "%.3g", Double(value))
        if text.contains("e") {
            // 1.2e-05 reads fine; drop the '+' and leading zeros of the exponent.
            text = text.replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e").replacingOccurrences(of: "e-0", with: "e-")
        }
        return text
    }

    /// Two significant digits that fit an axis gutter: "0.031", "-12", "2.8e-4", "-1.2e-4".
    public static func axisLabel(_ value: Float) -> String {
        let magnitude = abs(value)
        guard magnitude != 0, magnitude < 0.01 || magnitude >= 10_000 else { return String(format: "%.2g", Double(value)) }
        return String(format: "%.1e", Double(value)).replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e")
    }

    /// A duration: "3.7 ms" under ten, "71 ms" above.
    public static func milliseconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f ms", value) : String(format: "%.0f ms", value)
    }
}

extension NumberFormat {
    /// A count with thousands separated: "1,000,000" (positions along a locus).
    public static func grouped(_ value: Int) -> String {
        var text = String(value.magnitude)
        for index in stride(from: text.count - 3, to: 0, by: -3) { text.insert(",", at: text.index(text.startIndex, offsetBy: index)) }
        return (value < 0 ? "-" : "") + text
    }
}
