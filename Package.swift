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
        // mimalloc, the seqlens process's malloc: glibc's one arena serialised the workers' many
        // small allocations (oneDNN's per-product buffers, Swift's arrays) on its lock.
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        // oneDNN's sgemm, the engine's matrix products (no pkg-config file).
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        // Debian's HDF5 is the serial build; its pkg-config name `hdf5` points at hdf5/serial.
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // htslib reads indexed genomes and VCFs; libBigWig writes tracks (neither ships pkg-config
        // for both, so the module maps name the libraries).
        .systemLibrary(name: "CHTSlib", pkgConfig: "htslib", providers: [.apt(["libhts-dev"])]),
        .systemLibrary(name: "CBigWig", providers: [.apt(["libbigwig-dev"])]),
        // libLBFGS, the minimiser plmc fits Potts models with (no pkg-config file).
        .systemLibrary(name: "CLBFGS", providers: [.apt(["liblbfgs-dev"])]),
        // ncursesw plus tiny C wrappers for the curses macros Swift cannot import.
        .target(name: "CNcurses", linkerSettings: [.linkedLibrary("ncursesw")]),
        // Vector kernels that need AVX2 where the CPU has it (Swift compiles for baseline x86-64).
        .target(name: "CVectorMath"),
        .target(
            name: "ONNXProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),

        // The engine, bottom up (see docs/ARCHITECTURE.md).
        .target(name: "Genomics"),
        .target(
            name: "Inference",
            dependencies: [
                "ONNXProto", "CVectorMath",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .target(name: "CDNNL", condition: .when(platforms: [.linux])),
            ]
        ),
        .target(name: "Interpretation", dependencies: ["Genomics", "Inference", "Alignments"]),
        // modisco-lite's HDF5 results into Genomics' ModiscoPattern: the only importer of CHDF5.
        .target(name: "ModiscoHDF5", dependencies: ["CHDF5", "Genomics"]),
        // Genomes, variants and tracks in the formats of htslib and libBigWig: the only importer
        // of CHTSlib and CBigWig.
        .target(name: "GenomeIO", dependencies: ["CHTSlib", "CBigWig", "Genomics"]),
        // Protein families: alignments, their weights, and the models fit from them (PSSM, Potts):
        // the only importer of CLBFGS.
        .target(
            name: "Alignments",
            dependencies: ["CLBFGS", "Genomics"]
        ),
        .target(name: "Rendering", dependencies: ["Genomics"]),
        // What a terminal backend and an interactive app agree on: input events and a Canvas.
        .target(name: "Interactive", dependencies: ["Rendering"]),
        // The explorer's pure core: state, actions, update, key bindings, layout. No I/O and no
        // engine (ArchitectureTests checks its imports); every member used must be imported.
        .target(
            name: "ExplorerCore",
            dependencies: ["Genomics", "Rendering", "Interactive"],
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
        ),
        // The explorer's screen: a pure function of the state into a Canvas.
        .target(
            name: "ExplorerView",
            dependencies: ["ExplorerCore", "Genomics", "Rendering"],
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
        ),
        // The explorer at run time: background lanes, the effect interpreter, session files.
        .target(
            name: "ExplorerRuntime",
            dependencies: ["ExplorerCore", "ExplorerView", "Interactive", "Genomics", "GenomeIO", "Inference", "Interpretation", "Rendering", "Alignments"]
        ),
        .target(name: "TerminalUI", dependencies: ["CNcurses", "Interactive", "Rendering"]),

        .executableTarget(
            name: "seqlens",
            dependencies: [
                "Genomics", "Inference", "Interpretation", "Rendering", "Interactive", "ExplorerCore", "ExplorerRuntime", "TerminalUI",
                "ModiscoHDF5", "GenomeIO", "Alignments",
                .target(name: "CMimalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests mirror modules; fixtures live in Tests/Fixtures (found through #filePath).
        .target(
            name: "TestSupport",
            dependencies: ["Inference", "ONNXProto", "Alignments", "Genomics", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Tests/TestSupport"
        ),
        // Checks the sources' imports against the layers of docs/ARCHITECTURE.md.
        .testTarget(name: "ArchitectureTests"),
        .testTarget(name: "GenomicsTests", dependencies: ["Genomics", "TestSupport"]),
        .testTarget(name: "AlignmentsTests", dependencies: ["Alignments", "Genomics", "TestSupport"]),
        .testTarget(name: "GenomeIOTests", dependencies: ["GenomeIO", "Genomics", "TestSupport"]),
        .testTarget(name: "ModiscoHDF5Tests", dependencies: ["ModiscoHDF5", "Genomics", "TestSupport"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "ONNXProto", "TestSupport", "CVectorMath"]),
        .testTarget(name: "InterpretationTests", dependencies: ["Interpretation", "Genomics", "Inference", "Alignments", "TestSupport"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Genomics"]),
        // A few state tests check what the screen then shows.
        .testTarget(name: "ExplorerCoreTests", dependencies: ["ExplorerCore", "ExplorerView", "Interactive", "Rendering", "Genomics"]),
        .testTarget(name: "ExplorerViewTests", dependencies: ["ExplorerView", "ExplorerCore", "Rendering", "Genomics", "TestSupport"]),
        .testTarget(
            name: "ExplorerRuntimeTests",
            dependencies: ["ExplorerRuntime", "ExplorerCore", "ExplorerView", "Interactive", "Interpretation", "Inference", "Rendering", "Genomics", "Alignments", "TestSupport"]
        ),
        .testTarget(name: "InteractiveTests", dependencies: ["Interactive"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "Interactive", "Rendering", "TestSupport"]),
        .testTarget(name: "seqlensTests", dependencies: ["TestSupport", "Interpretation", "Genomics", "GenomeIO", "Alignments"]),
    ]
)
