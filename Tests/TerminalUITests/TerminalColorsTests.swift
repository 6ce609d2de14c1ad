import Rendering
import XCTest
@testable import TerminalUI

final class TerminalColorsTests: XCTestCase {
    private let tmux = ["TERM": "tmux-256color"]

    func testPaletteFollowsTerminfoColours() {
        func palette(_ colors: Int, hasColors: Bool = true) -> TerminalColors.Palette {
            TerminalColors.palette(hasColors: hasColors, colors: colors, mode: .auto, environment: tmux)
        }
        XCTAssertEqual(palette(0, hasColors: false), .none)
        XCTAssertEqual(palette(8), .eight)
        XCTAssertEqual(palette(16), .sixteen)
        XCTAssertEqual(palette(256), .palette256)
        XCTAssertEqual(palette(1 << 24), .direct)
    }

    func testModeAndNoColorCanOnlyTurnColourOff() {
        XCTAssertEqual(TerminalColors.palette(hasColors: true, colors: 256, mode: .never, environment: tmux), .none)
        XCTAssertEqual(TerminalColors.palette(hasColors: true, colors: 256, mode: .auto, environment: tmux.merging(["NO_COLOR": "1"]) { $1 }), .none)
        // COLORTERM promises truecolor, but terminfo has only 256: ncurses cannot send more.
        let truecolor = tmux.merging(["COLORTERM": "truecolor"]) { $1 }
        XCTAssertEqual(TerminalColors.palette(hasColors: true, colors: 256, mode: .always, environment: truecolor), .palette256)
    }

    func testDepthGivenToTheApp() {
        let depths = [TerminalColors.Palette.none, .eight, .sixteen, .palette256, .direct].map {
            TerminalColors(palette: $0, hasDefaultColors: true).depth
        }
        XCTAssertEqual(depths, [.monochrome, .ansi16, .ansi16, .palette256, .trueColor])
    }

    func testRGBBecomesTheNearest256PaletteEntry() {
        let colors = TerminalColors(palette: .palette256, hasDefaultColors: true)
        XCTAssertEqual(colors.number(.rgb(255, 0, 0), background: false), 196)
        XCTAssertEqual(colors.number(.indexed(4), background: false), 4)
        XCTAssertEqual(colors.number(.default, background: true), -1)
    }

    func testEightColoursFoldToTheNearestANSIColour() {
        let colors = TerminalColors(palette: .eight, hasDefaultColors: true)
        XCTAssertEqual(colors.number(.rgb(250, 10, 10), background: false), 1)
        XCTAssertEqual(colors.number(.rgb(20, 20, 240), background: false), 4)
        XCTAssertEqual(colors.number(.indexed(15), background: false), 7, "bright white is white")
        XCTAssertEqual(colors.number(.indexed(2), background: false), 2)
    }

    func testDirectColourSendsRGBAsOneNumber() {
        let colors = TerminalColors(palette: .direct, hasDefaultColors: true)
        XCTAssertEqual(colors.number(.rgb(0x12, 0x34, 0x56), background: false), 0x123456)
        XCTAssertEqual(colors.number(.indexed(1), background: false), 1)
        XCTAssertEqual(colors.number(.indexed(196), background: false), 0xFF0000)
        XCTAssertEqual(colors.number(.rgb(0, 0, 3), background: false), 0, "numbers below 8 would be ANSI colours")
    }

    func testWithoutDefaultColoursTheDefaultsAreWhiteOnBlack() {
        let colors = TerminalColors(palette: .palette256, hasDefaultColors: false)
        XCTAssertEqual(colors.number(.default, background: false), 7)
        XCTAssertEqual(colors.number(.default, background: true), 0)
    }

    func testMonochromeAndPlainCellsNeedNoPair() {
        let style = Style(foreground: .rgb(200, 0, 0), attributes: .bold)
        XCTAssertNil(TerminalColors(palette: .none, hasDefaultColors: true).pairColors(style))
        XCTAssertNil(TerminalColors(palette: .palette256, hasDefaultColors: true).pairColors(Style(attributes: .reverse)))
        let pair = TerminalColors(palette: .palette256, hasDefaultColors: true).pairColors(style)
        XCTAssertEqual(pair?.foreground, 160)
        XCTAssertEqual(pair?.background, -1)
    }
}
