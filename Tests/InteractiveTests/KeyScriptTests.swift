import Foundation
import Interactive
import XCTest

final class KeyScriptTests: XCTestCase {
    private func steps(_ text: String, comments: Bool = false) throws -> [KeyScript.Step] {
        try KeyScript.parse(text, comments: comments).steps
    }

    private func keys(_ keys: Key...) -> [KeyScript.Step] { keys.map { .input(.key($0)) } }

    /// The error's line, column and message for a script that must be refused.
    private func refusal(_ text: String, comments: Bool = false) -> KeyScriptError? {
        do {
            _ = try KeyScript.parse(text, comments: comments)
            return nil
        } catch {
            return error
        }
    }

    func testPlainCharactersAreKeysAndWhitespaceSeparates() throws {
        XCTAssertEqual(try steps("jA:0$"), keys(.character("j"), .character("A"), .character(":"), .character("0"), .character("$")))
        XCTAssertEqual(try steps(" a \t b\n\r\nc "), keys(.character("a"), .character("b"), .character("c")))
        XCTAssertEqual(try steps(""), [])
    }

    func testEverySpecialKey() throws {
        let expected: [(String, Key)] = [
            ("<Up>", .up), ("<Down>", .down), ("<Left>", .left), ("<Right>", .right),
            ("<Enter>", .enter), ("<Return>", .enter), ("<Esc>", .escape), ("<Escape>", .escape), ("<Tab>", .tab),
            ("<Space>", .character(" ")), ("<BS>", .backspace), ("<Backspace>", .backspace),
            ("<PgUp>", .pageUp), ("<PageUp>", .pageUp), ("<PgDn>", .pageDown), ("<PageDown>", .pageDown),
            ("<Home>", .home), ("<End>", .end), ("<lt>", .character("<")), ("<gt>", .character(">")), ("<hash>", .character("#")),
            ("<C-r>", .control("r")), ("<C-C>", .control("c")), ("<c-x>", .control("x")),
        ]
        for (token, key) in expected {
            XCTAssertEqual(try steps(token), keys(key), token)
        }
        // Names ignore case.
        XCTAssertEqual(try steps("<right><RIGHT><pgdn>"), keys(.right, .right, .pageDown))
    }

    func testRepeatCounts() throws {
        XCTAssertEqual(try steps("<Right*3>"), keys(.right, .right, .right))
        XCTAssertEqual(try steps("<j*2><C-r*2>"), keys(.character("j"), .character("j"), .control("r"), .control("r")))
        XCTAssertEqual(try steps("<**2>"), keys(.character("*"), .character("*")))
        XCTAssertEqual(try steps("<*>"), keys(.character("*")))
    }

    func testWaitsPaceAndIdle() throws {
        XCTAssertEqual(try steps("<wait 500ms>"), [.wait(.milliseconds(500))])
        XCTAssertEqual(try steps("<wait 2s>"), [.wait(.seconds(2))])
        XCTAssertEqual(try steps("<WAIT 1.5s>"), [.wait(.milliseconds(1500))])
        XCTAssertEqual(try steps("<wait 0ms>"), [.wait(.zero)])
        XCTAssertEqual(try steps("<wait 600s>"), [.wait(.seconds(600))])
        XCTAssertEqual(try steps("<pace 80ms>a"), [.pace(.milliseconds(80)), .input(.key(.character("a")))])
        XCTAssertEqual(try steps("T<idle>"), [.input(.key(.character("T"))), .idle])
    }

    func testMouseAndPaste() throws {
        XCTAssertEqual(try steps("<click 12 30>"), [.input(.click(x: 12, y: 30))])
        XCTAssertEqual(try steps("<scroll 3><scroll -2>"), [.input(.scroll(by: 3)), .input(.scroll(by: -2))])
        XCTAssertEqual(try steps("<paste ACGT  TT>"), [.input(.paste("ACGT  TT"))])
    }

    func testCommentsOnlyInFiles() throws {
        let file = """
        # open position 44
        :44<Enter>   # jump
        T<hash>
        """
        XCTAssertEqual(try steps(file, comments: true),
                       keys(.character(":"), .character("4"), .character("4"), .enter, .character("T"), .character("#")))
        // In --keys, # is the key that goes to the previous search hit.
        XCTAssertEqual(try steps("#a"), keys(.character("#"), .character("a")))
    }

    func testErrorsSayLineColumnAndWhat() {
        XCTAssertEqual(refusal("jj<Rigth>"), KeyScriptError(line: 1, column: 3, message: """
            unknown key <Rigth>; special keys: Up Down Left Right Enter Esc Tab Space BS PgUp PgDn Home End lt gt hash C-x, \
            and <wait 500ms> <pace 80ms> <idle> <click X Y> <scroll N> <paste TEXT>
            """))
        XCTAssertEqual(refusal("a\n  b<Up"), KeyScriptError(line: 2, column: 4, message: "'<' is not closed by '>' on its line (type '<' itself as <lt>)"))
        XCTAssertEqual(refusal("<>"), KeyScriptError(line: 1, column: 1, message: "empty <> (type '<' itself as <lt>)"))
        XCTAssertEqual(refusal("<wait 5>")?.message, "<wait 5> needs one duration in ms or s, e.g. <wait 500ms> or <wait 2s>")
        XCTAssertEqual(refusal("<wait>")?.message, "<wait> needs one duration in ms or s, e.g. <wait 500ms> or <wait 2s>")
        XCTAssertEqual(refusal("<wait -1s>")?.message, "<wait -1s> needs one duration in ms or s, e.g. <wait 500ms> or <wait 2s>")
        XCTAssertEqual(refusal("<pace fast>")?.message, "<pace fast> needs one duration in ms or s, e.g. <pace 500ms> or <pace 2s>")
        XCTAssertEqual(refusal("<wait 601s>")?.message, "<wait 601s> is longer than 600 s")
        XCTAssertEqual(refusal("<wait 99999999999999999999999ms>")?.message, "<wait 99999999999999999999999ms> is longer than 600 s")
        XCTAssertEqual(refusal("<click 99999999999999999999 1>")?.message, "<click 99999999999999999999 1> needs a column and a row, 0-based, e.g. <click 12 30>")
        XCTAssertEqual(refusal("<idle 2s>")?.message, "<idle> takes nothing: write <idle>")
        XCTAssertEqual(refusal("<C-1>")?.message, "<C-1> is not a Ctrl key: Ctrl goes with one letter, e.g. <C-r>")
        XCTAssertEqual(refusal("<Right*0>")?.message, "the repeat count in <Right*0> must be 1 to 10000, e.g. <Right*10>")
        XCTAssertEqual(refusal("<Right*x>")?.message, "the repeat count in <Right*x> must be 1 to 10000, e.g. <Right*10>")
        XCTAssertEqual(refusal("<click 3>")?.message, "<click 3> needs a column and a row, 0-based, e.g. <click 12 30>")
        XCTAssertEqual(refusal("<scroll 0>")?.message, "<scroll 0> needs a non-zero number of notches, e.g. <scroll 3> (towards you) or <scroll -3>")
        XCTAssertEqual(refusal("<paste>")?.message, "<paste> needs the text to paste, e.g. <paste ACGT>")
        XCTAssertEqual(refusal("<Right 3>")?.message.hasPrefix("unknown key <Right 3>; special keys: Up"), true)
        // The column counts characters, not bytes.
        XCTAssertEqual(refusal("ΔΔ<F1>")?.column, 3)
        XCTAssertEqual(refusal("ΔΔ<F1>")?.description.hasPrefix("line 1, column 3: unknown key <F1>;"), true)
    }

    /// Scripts made of the syntax's own pieces, shuffled (a fixed sequence): each parses or is
    /// refused with a place inside the script, never traps.
    func testArbitraryScriptsParseOrAreRefusedInPlace() {
        let pieces = Array("<>*- 0123456789.msxwaitpaceidleclickscrollpasteC-Right\n#")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0 ..< 5000 {
            var text = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for _ in 0 ..< Int(state >> 59) + 1 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.append(pieces[Int(state >> 33) % pieces.count])
            }
            if let error = refusal(text, comments: state & 1 == 0) {
                let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                XCTAssertTrue(lines.indices.contains(error.line - 1) && error.column <= lines[error.line - 1].count, "\(text.debugDescription): \(error)")
            }
        }
    }

    func testSyntaxTableParsesItsOwnExamples() throws {
        // Every example in the table but the prose rows is a valid script.
        for row in KeyScript.syntaxTable where row.token.hasPrefix("<") {
            XCTAssertNoThrow(try KeyScript.parse(row.token, comments: false), row.token)
        }
    }

    /// README's syntax table is `KeyScript.markdownTable`; on a change, paste the table printed here.
    func testREADMEShowsTheSyntaxTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        XCTAssertTrue(text.contains(KeyScript.markdownTable + "\n"), "README.md's key-script table differs; the table is:\n\(KeyScript.markdownTable)")
    }
}
