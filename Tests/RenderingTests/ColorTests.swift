import Rendering
import XCTest

final class ColorTests: XCTestCase {
    func testQuantisation() {
        XCTAssertEqual(Color.rgb(255, 0, 0).quantized(to: .palette256), .indexed(196))
        XCTAssertEqual(Color.rgb(128, 128, 128).quantized(to: .palette256), .indexed(244))
        XCTAssertEqual(Color.rgb(0, 135, 0).quantized(to: .palette256), .indexed(28))
        XCTAssertEqual(Color.rgb(255, 0, 0).quantized(to: .ansi16), .indexed(9))
        XCTAssertEqual(Color.rgb(0, 128, 0).quantized(to: .ansi16), .indexed(2))
        XCTAssertEqual(Color.rgb(0, 0, 255).quantized(to: .ansi16), .indexed(4))
        XCTAssertEqual(Color.rgb(255, 165, 0).quantized(to: .ansi16), .indexed(3), "orange is nearer dark yellow than bright yellow")
        XCTAssertEqual(Color.rgb(1, 2, 3).quantized(to: .trueColor), .rgb(1, 2, 3))
        XCTAssertEqual(Color.rgb(1, 2, 3).quantized(to: .monochrome), .default)
        XCTAssertEqual(Color.indexed(12).quantized(to: .ansi16), .indexed(12))
        XCTAssertEqual(Color.indexed(196).quantized(to: .ansi16), .indexed(9))
        XCTAssertEqual(Color.default.quantized(to: .palette256), .default)
        // Palette entries read back as xterm shows them.
        XCTAssertEqual(Color.indexed(16 + 36 * 5).hex, "#FF0000")
        XCTAssertEqual(Color.indexed(232).hex, "#080808")
        XCTAssertNil(Color.default.hex)
        XCTAssertEqual(Color(hex: 0x1F77B4), .rgb(0x1F, 0x77, 0xB4))
        XCTAssertEqual(Color.rgb(0, 0, 0).mixed(with: .rgb(255, 255, 255), 0.5), .rgb(128, 128, 128))
    }

    func testEveryPaletteColourQuantisesToItself() {
        for index in UInt8(16) ... 255 {
            guard let (r, g, b) = Color.indexed(index).components else { return XCTFail() }
            let back = Color.rgb(r, g, b).quantized(to: .palette256)
            XCTAssertEqual(back.components?.red, r)
            XCTAssertEqual(back.components?.green, g)
            XCTAssertEqual(back.components?.blue, b)
        }
    }

    func testDepthDetection() {
        func detect(_ mode: ColorMode, _ environment: [String: String], terminal: Bool = true) -> ColorDepth {
            ColorDepth.detect(mode: mode, environment: environment, isTerminal: terminal)
        }
        XCTAssertEqual(detect(.auto, ["TERM": "xterm-256color", "COLORTERM": "truecolor"]), .trueColor)
        XCTAssertEqual(detect(.auto, ["TERM": "xterm-256color", "COLORTERM": "24bit"]), .trueColor)
        XCTAssertEqual(detect(.auto, ["TERM": "tmux-256color"]), .palette256)
        XCTAssertEqual(detect(.auto, ["TERM": "xterm"]), .ansi16)
        XCTAssertEqual(detect(.auto, ["TERM": "dumb"]), .monochrome)
        XCTAssertEqual(detect(.auto, ["TERM": "xterm-256color"], terminal: false), .monochrome, "pipes get plain text")
        XCTAssertEqual(detect(.auto, ["TERM": "xterm-256color", "NO_COLOR": "1"]), .monochrome)
        XCTAssertEqual(detect(.auto, ["TERM": "xterm-256color", "NO_COLOR": ""]), .palette256, "NO_COLOR counts only when non-empty")
        XCTAssertEqual(detect(.always, ["TERM": "xterm-256color", "NO_COLOR": "1"], terminal: false), .palette256, "--color always wins")
        XCTAssertEqual(detect(.always, [:], terminal: false), .ansi16)
        XCTAssertEqual(detect(.never, ["COLORTERM": "truecolor"]), .monochrome)
    }
}
