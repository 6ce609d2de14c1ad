import Genomics
import Interactive
import Rendering

/// TF-MoDISco results the explorer was started with (`--modisco RESULTS.h5`), and each pattern's
/// best matches in a motif database.
public struct ModiscoCatalog: Sendable, Equatable {
    /// The results' file name, for the browser's title.
    public var source: String
    public var patterns: [ModiscoPattern]
    /// Per pattern, its best database matches, best first; empty without a database.
    public var matches: [[ModiscoMatch]]
    /// The database's file name; nil when none was given.
    public var database: String?

    public init(source: String, patterns: [ModiscoPattern], matches: [[ModiscoMatch]]? = nil, database: String? = nil) {
        self.source = source
        self.patterns = patterns
        self.matches = matches ?? patterns.map { _ in [] }
        self.database = database
    }
}

/// The `P` overlay: the patterns of the TF-MoDISco results, one selected, drawn as a logo with its matches.
public struct ModiscoBrowser: Sendable, Equatable {
    public internal(set) var selection = 0
    public internal(set) var logo = ModiscoLogo.cwm

    public init(selection: Int = 0, logo: ModiscoLogo = .cwm) {
        self.selection = selection
        self.logo = logo
    }
}

/// What the browser's keys do.
public enum ModiscoBrowserAction: Sendable, Equatable {
    case open
    case select(by: Int)
    case nextLogo

    /// The browser's meaning of a key: ↑↓ (j k) select, Tab switches the logo, anything else closes.
    static func action(for key: Key) -> Action? {
        switch key {
        case .up, .character("k"): return .modiscoBrowser(.select(by: -1))
        case .down, .character("j"): return .modiscoBrowser(.select(by: 1))
        case .pageUp: return .modiscoBrowser(.select(by: -10))
        case .pageDown: return .modiscoBrowser(.select(by: 10))
        case .tab: return .modiscoBrowser(.nextLogo)
        default: return .cancel
        }
    }
}

extension ExplorerState {
    /// Gives the explorer TF-MoDISco results to browse with `P`.
    public mutating func attachModisco(_ catalog: ModiscoCatalog) {
        modisco = catalog
    }

    mutating func updateModiscoBrowser(_ action: ModiscoBrowserAction) -> [Effect] {
        if action == .open {
            guard let modisco, !modisco.patterns.isEmpty else {
                message = modisco == nil ? "no TF-MoDISco results: start the explorer with --modisco RESULTS.h5" : "\(modisco!.source) holds no patterns"
                return []
            }
            mode = .browsePatterns(ModiscoBrowser())
            return []
        }
        guard case .browsePatterns(var browser) = mode, let modisco else { return [] }
        switch action {
        case .open: break
        case .select(let offset): browser.selection = max(0, min(modisco.patterns.count - 1, browser.selection + offset))
        case .nextLogo:
            let kinds = ModiscoLogo.allCases
            browser.logo = kinds[(kinds.firstIndex(of: browser.logo)! + 1) % kinds.count]
        }
        mode = .browsePatterns(browser)
        return []
    }
}
