import Interactive

/// One line of the key table: the keys as the help shows them, what they do, and the key →
/// action pairs of normal mode they stand for. Bindings whose action depends on the state (the
/// bases that mutate, mouse clicks) list no pairs; `KeyMap` handles them.
public struct KeyBinding: Sendable {
    public let keys: String
    public let what: String
    package let actions: [(key: Key, action: Action)]

    init(_ keys: String, _ what: String, _ actions: [(Key, Action)] = []) {
        self.keys = keys
        self.what = what
        self.actions = actions.map { (key: $0.0, action: $0.1) }
    }
}

/// Keys to actions, per mode. Upper-case letters that are bases mutate; lower-case letters and
/// punctuation are commands (vim's habit: H, L, R, Z are commands too, none of them a base).
public enum KeyMap {
    /// Every binding of normal mode, in the order the help overlay and the README list them:
    /// the one table the key map, the `?` help and the README's key table come from.
    public static let bindings: [KeyBinding] = [
        KeyBinding("← → h l", "move one base", [(.left, .move(by: -1)), (.character("h"), .move(by: -1)),
                                                 (.right, .move(by: 1)), (.character("l"), .move(by: 1))]),
        KeyBinding("H L PgUp PgDn", "move one screen", [(.character("H"), .page(by: -1)), (.pageUp, .page(by: -1)),
                                                        (.character("L"), .page(by: 1)), (.pageDown, .page(by: 1))]),
        KeyBinding("0 $ Home End", "first / last base", [(.character("0"), .moveToStart), (.home, .moveToStart),
                                                         (.character("$"), .moveToEnd), (.end, .moveToEnd)]),
        KeyBinding(":", "jump to a position (0-based)", [(.character(":"), .openPrompt(.jump))]),
        KeyBinding("g", "pick a record by id, description or number", [(.character("g"), .recordPicker(.open))]),
        KeyBinding("P", "browse TF-MoDISco patterns (--modisco): logos, matches", [(.character("P"), .modiscoBrowser(.open))]),
        KeyBinding("V", "list the variants (--vcf) with their Δ; Enter jumps to one", [(.character("V"), .variantBrowser(.open))]),
        KeyBinding("v", "the variant's reference / alternative allele (alt − ref)", [(.character("v"), .toggleVariantAllele)]),
        KeyBinding("A C G T N =", "mutate the base (U for RNA; = for letters that are keys)", [(.character("="), .openPrompt(.change))]),
        KeyBinding("b", "best next edits by ISM effect; Enter applies one", [(.character("b"), .editSuggestions(.open))]),
        KeyBinding("R", "replace mode: typed bases overwrite, Esc ends", [(.character("R"), .enterReplaceMode)]),
        KeyBinding("u  Ctrl-R", "undo / redo", [(.character("u"), .undo), (.control("r"), .redo)]),
        KeyBinding("r", "reset the record to its reference", [(.character("r"), .resetRecord)]),
        KeyBinding("n p", "next / previous record", [(.character("n"), .nextRecord), (.character("p"), .previousRecord)]),
        KeyBinding("[ ] ↑ ↓", "previous / next task", [(.character("["), .previousTask), (.up, .previousTask),
                                                        (.character("]"), .nextTask), (.down, .nextTask)]),
        KeyBinding("a", "task: auto (each record's top-scoring task)", [(.character("a"), .followTopTask)]),
        KeyBinding("m", "cycle the attribution method (Potts: the family logo)", [(.character("m"), .cycleMethod)]),
        KeyBinding("M", "swap the two models (explore MODEL1 MODEL2 FASTA)", [(.character("M"), .swapModels)]),
        KeyBinding("w", "ISM map now − the wild type's: the edits' epistasis", [(.character("w"), .toggleEpistasis)]),
        KeyBinding("D", "dependency map of the screen in place of the logo", [(.character("D"), .toggleDependencies)]),
        KeyBinding("x", "logits or probabilities (! marks p > 0.99 or < 0.01)", [(.character("x"), .toggleLogits)]),
        KeyBinding("z Z + -", "zoom in / out", [(.character("z"), .zoomIn), (.character("Z"), .zoomOut),
                                                 (.character("+"), .zoomIn), (.character("-"), .zoomOut)]),
        KeyBinding("O", "locus view or the model's window at the cursor (--locus)", [(.character("O"), .toggleLocus)]),
        KeyBinding("S", "show / hide the map's seqlets, named by motif", [(.character("S"), .toggleSeqlets)]),
        KeyBinding("F", "first-layer filters: logos and best motif matches", [(.character("F"), .filterBrowser(.open))]),
        KeyBinding("o", "sort predictions (by |Δ| once edited) or model order", [(.character("o"), .toggleSort)]),
        KeyBinding("I", "insert a motif's consensus at the cursor",
                   [(.character("I"), .openPrompt(.insertMotif))]),
        KeyBinding("/  * #", "find a subsequence (IUPAC ok), next / previous hit",
                   [(.character("/"), .openPrompt(.search)), (.character("*"), .nextHit), (.character("#"), .previousHit)]),
        KeyBinding("click wheel", "move the cursor to a base / scroll the view or a list"),
        KeyBinding("i", "global importance of the motif hit at the cursor", [(.character("i"), .globalImportance)]),
        KeyBinding("s", "save edited FASTA, mutation log and session", [(.character("s"), .save)]),
        KeyBinding("e", "export the view as SVG (PREFIX.view-N.svg)", [(.character("e"), .exportView)]),
        KeyBinding("q  Ctrl-C", "quit (asks when edits are unsaved)", [(.character("q"), .quit), (.control("c"), .quit)]),
        KeyBinding("Esc", "clear the search; leave a prompt or mode", [(.escape, .cancel)]),
        KeyBinding("?", "this help", [(.character("?"), .toggleHelp)]),
    ]

    /// Normal mode's keys, looked up once.
    static let normalActions: [Key: Action] = Dictionary(
        bindings.flatMap(\.actions).map { ($0.key, $0.action) }, uniquingKeysWith: { first, _ in first })

    /// The README's key table (markdown), made from `bindings`; a test keeps the README equal to it.
    public static var markdownTable: String {
        func code(_ keys: String) -> String {
            keys.split(separator: " ").map { token in
                ["click", "wheel", "PgUp", "PgDn", "Home", "End", "Esc"].contains(String(token)) || token.hasPrefix("Ctrl-") ? String(token) : "`\(token)`"
            }.joined(separator: " ")
        }
        let escape = { (text: String) in text.map { $0 == "|" ? "\\|" : String($0) }.joined() }
        return (["| keys | what they do |", "|---|---|"] + bindings.map { "| \(code($0.keys)) | \(escape($0.what)) |" })
            .joined(separator: "\n")
    }

    /// The action an input event means in `state`'s mode, or nil when it means nothing there.
    public static func action(for event: InputEvent, in state: ExplorerState) -> Action? {
        switch event {
        case .resize(let width, let height): return .resize(width: width, height: height)
        case .click(let x, let y): return .click(x: x, y: y)
        case .scroll(let notches):
            switch state.mode {
            case .help: return .scrollHelp(by: 3 * notches)
            case .pickRecord: return .recordPicker(.select(by: notches))
            case .browseFilters: return .filterBrowser(.scroll(by: notches))
            case .suggestEdits: return .editSuggestions(.select(by: notches))
            case .browsePatterns: return .modiscoBrowser(.select(by: notches))
            case .browseVariants: return .variantBrowser(.select(by: notches))
            case .normal, .replace: return .scroll(by: notches)
            case .prompt, .confirmQuit: return nil
            }
        case .key(let key): return action(for: key, in: state)
        case .paste(let text):
            switch state.mode {
            case .normal, .replace, .prompt, .pickRecord: return .paste(text)
            case .help, .confirmQuit, .browseFilters, .suggestEdits, .browsePatterns, .browseVariants: return nil
            }
        }
    }

    static func action(for key: Key, in state: ExplorerState) -> Action? {
        switch state.mode {
        case .help:
            switch key {
            case .down, .character("j"): return .scrollHelp(by: 1)
            case .up, .character("k"): return .scrollHelp(by: -1)
            case .pageDown, .character(" "): return .scrollHelp(by: 10)
            case .pageUp: return .scrollHelp(by: -10)
            default: return .toggleHelp
            }
        case .confirmQuit:
            switch key {
            case .character("s"), .character("S"): return .save
            case .character("q"), .character("y"), .character("Y"), .control("c"): return .discardAndQuit
            default: return .cancel
            }
        case .pickRecord: return RecordPickerAction.action(for: key)
        case .browseFilters: return FilterBrowserAction.action(for: key)
        case .suggestEdits: return EditSuggestionsAction.action(for: key)
        case .browsePatterns: return ModiscoBrowserAction.action(for: key)
        case .browseVariants: return VariantBrowserAction.action(for: key)
        case .prompt:
            switch key {
            case .enter: return .promptSubmit
            case .escape, .control("c"): return .cancel
            case .backspace: return .promptBackspace
            case .character(let character): return .promptInput(character)
            default: return nil
            }
        case .replace:
            switch key {
            case .escape, .enter, .control("c"): return .cancel
            case .backspace: return .replaceBackspace
            case .character(let character):
                guard let ascii = character.asciiValue, Character(Unicode.Scalar(ascii)).isLetter else { return nil }
                return .mutate(base: ascii)
            default: return movement(key)
            }
        case .normal:
            if let action = TourAction.action(for: key, in: state) ?? normalActions[key] { return action }
            // Any other upper-case letter is a mutation attempt: update explains what is allowed.
            guard case .character(let character) = key, let ascii = character.asciiValue, character.isUppercase else { return nil }
            return .mutate(base: ascii)
        }
    }

    /// Keys that move the cursor in replace mode too (arrows and pages; letters type bases there).
    static func movement(_ key: Key) -> Action? {
        switch normalActions[key] {
        case .move?, .page?, .moveToStart?, .moveToEnd?: return normalActions[key]
        default: return nil
        }
    }
}
