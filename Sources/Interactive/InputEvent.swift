/// A key press, decoded by the terminal backend into what the explorer needs to know.
public enum Key: Hashable, Sendable {
    /// A printable character, case kept ("A" mutates, "a" is free for commands).
    case character(Character)
    /// Ctrl plus a letter, given in lowercase: Ctrl-R is `.control("r")`.
    case control(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case escape, enter, backspace, tab
}

/// Everything the outside world can tell the explorer.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    /// A mouse click (button 1 press) at column `x`, row `y` of the screen.
    case click(x: Int, y: Int)
    /// The mouse wheel turned by `notches`: negative away from the user (up), positive towards.
    case scroll(by: Int)
    /// The terminal now has this many columns and rows.
    case resize(width: Int, height: Int)
    /// Text pasted at once (bracketed paste), or a burst of bases typed faster than keys are
    /// read: applied as one edit.
    case paste(String)
}
