@preconcurrency import CNcurses
import Interactive
import XCTest
@testable import TerminalUI

final class InputDecoderTests: XCTestCase {
    private func keys(_ inputs: [RawInput]) -> [InputEvent] { InputDecoder.events(from: inputs) }
    private func characters(_ text: String) -> [RawInput] { text.unicodeScalars.map { .character($0.value) } }

    func testKeyCodes() {
        let table: [(Int32, Key)] = [
            (KEY_UP, .up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right),
            (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown), (KEY_HOME, .home), (KEY_END, .end),
            (KEY_FIND, .home), (KEY_SELECT, .end), (KEY_ENTER, .enter), (KEY_BACKSPACE, .backspace),
        ]
        for (code, key) in table { XCTAssertEqual(InputDecoder.key(keyCode: code), key, "code \(code)") }
        XCTAssertNil(InputDecoder.key(keyCode: KEY_F0 + 1), "function keys are not explorer keys")
    }

    func testControlCharacters() {
        let table: [(UInt32, Key)] = [
            (27, .escape), (10, .enter), (13, .enter), (127, .backspace), (8, .backspace), (9, .tab),
            (1, .control("a")), (3, .control("c")), (18, .control("r")), (26, .control("z")),
        ]
        for (code, key) in table { XCTAssertEqual(InputDecoder.key(character: code), key, "code \(code)") }
        XCTAssertNil(InputDecoder.key(character: 0))
        XCTAssertNil(InputDecoder.key(character: 28))
    }

    func testPrintableCharactersKeepTheirCaseAndNonASCII() {
        XCTAssertEqual(keys(characters("Aa é▶")), [
            .key(.character("A")), .key(.character("a")), .key(.character(" ")), .key(.character("é")), .key(.character("▶")),
        ])
    }

    func testLoneEscapeAndEscapeBeforeOtherText() {
        XCTAssertEqual(keys([.character(27)]), [.key(.escape)])
        XCTAssertEqual(keys(characters("\u{1b}q")), [.key(.escape), .key(.character("q"))])
        XCTAssertEqual(keys(characters("\u{1b}[9")), [.key(.escape), .key(.character("[")), .key(.character("9"))])
    }

    func testEscapeSequencesCursesDidNotKnow() {
        XCTAssertEqual(keys(characters("\u{1b}[1~x\u{1b}[4~")), [.key(.home), .key(.character("x")), .key(.end)])
        XCTAssertEqual(keys(characters("\u{1b}[5~\u{1b}[6~\u{1b}OA\u{1b}[D")), [.key(.pageUp), .key(.pageDown), .key(.up), .key(.left)])
    }

    func testMouseAndResizePassThroughInOrder() {
        let events = keys([.click(x: 3, y: 4), .keyCode(KEY_DOWN), .resize(width: 80, height: 24)])
        XCTAssertEqual(events, [.click(x: 3, y: 4), .key(.down), .resize(width: 80, height: 24)])
    }

    func testWheelNotchesInARowBecomeOneScroll() {
        XCTAssertEqual(keys([.wheel(by: 1), .wheel(by: 1), .wheel(by: 1), .wheel(by: -1), .keyCode(KEY_DOWN), .wheel(by: -1)]),
                       [.scroll(by: 3), .scroll(by: -1), .key(.down), .scroll(by: -1)])
    }

    func testABracketedPasteIsOneEventWithLineBreaks() {
        XCTAssertEqual(keys(characters("l\u{1b}[200~acg\rTT\u{1b}[201~u")), [.key(.character("l")), .paste("acg\nTT"), .key(.character("u"))])
        XCTAssertFalse(InputDecoder.endsInsidePaste(characters("\u{1b}[200~acg\u{1b}[201~")))
        XCTAssertTrue(InputDecoder.endsInsidePaste(characters("x\u{1b}[200~acg")), "the rest of a long paste is still to come")
        XCTAssertFalse(InputDecoder.endsInsidePaste(characters("\u{1b}[A")))
    }

    func testABurstOfBasesIsAPasteButSingleLettersAreKeys() {
        XCTAssertEqual(keys(characters("GATTACAu")), [.paste("GATTACA"), .key(.character("u"))])
        XCTAssertEqual(keys(characters("ARG")), [.key(.character("A")), .key(.character("R")), .key(.character("G"))],
                       "R is a command, so nothing here is a burst of two bases")
        XCTAssertEqual(keys(characters("acgt")), characters("acgt").compactMap { input in
            guard case .character(let code) = input else { return nil }
            return .key(.character(Character(Unicode.Scalar(code)!)))
        }, "lower-case letters are commands, typed one by one")
    }
}
