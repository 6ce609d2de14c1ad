// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "seqlens",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "seqlens", targets: ["seqlens"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // System libraries and generated code.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // ncursesw plus tiny C wrappers for the curses macros Swift cannot import.
        .target(name: "CNcurses", linkerSettings: [.linkedLibrary("ncursesw")]),
        .target(
            name: "ONNXProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),

        // The engine, bottom up (see DESIGN.md).
        .target(name: "Genomics"),
        .target(
            name: "Inference",
            dependencies: [
                "ONNXProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
            ]
        ),
        .target(name: "Interpretation", dependencies: ["Genomics", "Inference"]),
        .target(name: "Rendering", dependencies: ["Genomics"]),
        .target(name: "Explorer", dependencies: ["Genomics", "Inference", "Interpretation", "Rendering"]),
        .target(name: "TerminalUI", dependencies: ["CNcurses", "Explorer", "Rendering"]),

        .executableTarget(
            name: "seqlens",
            dependencies: [
                "Genomics", "Inference", "Interpretation", "Rendering", "Explorer", "TerminalUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests mirror modules; fixtures live in Tests/Fixtures (found through #filePath).
        .target(
            name: "TestSupport",
            dependencies: ["Inference", "ONNXProto", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "GenomicsTests", dependencies: ["Genomics"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "ONNXProto", "TestSupport"]),
        .testTarget(name: "InterpretationTests", dependencies: ["Interpretation", "Genomics", "Inference", "TestSupport"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Genomics"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "Interpretation", "Rendering", "Genomics", "TestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "Explorer", "Rendering"]),
        .testTarget(name: "seqlensTests", dependencies: ["TestSupport", "Interpretation"]),
    ]
)
