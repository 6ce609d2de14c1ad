import ArgumentParser
import ExplorerCore
import Foundation
import Rendering

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give a guided tour of the explorer (for demos and first-time users).",
        discussion: """
        A tour opens the explorer on a bundled model and its sequences with a box over the panes: \
        each step explains what is on screen, marks the pane or the bases it talks about, and \
        says which key to press. A step that asks for an action (move the cursor, mutate a \
        base, undo, change the method) waits until it is done and the model has answered, \
        then goes on by itself; the model's answer is checked against what the step claims \
        (✓ in the box, or ✗ with the value measured).

        Keys in a tour: → or Enter next step, ← previous step, Esc leaves the tour and keeps \
        exploring; while a step waits, every other key is the explorer's own.

        Tours are text files in assets/tours/ (format: docs/TOURS.md), found beside the \
        seqlens repository the binary was built in, or in ./assets/tours; TOUR may also be the \
        path of your own .tour file. Needs an interactive terminal of at least 80×24 (100×30 or \
        more shows the panes around the box best), or a key script: --keys, --keys-file and \
        --cast work as for `seqlens explore` (see its --help), e.g. to record a tour.

        Examples:
          seqlens demo --list
          seqlens demo
          seqlens demo rna-binding
          seqlens demo my-tour.tour
          seqlens demo rna-binding --keys '<idle><Enter><Enter>:8<Enter>A<idle>' \\
              --cast rna.cast --cast-size 100x30
        """
    )

    @Argument(help: ArgumentHelp("A tour's name (see --list) or a .tour file (default: the first tour).", valueName: "tour"))
    var tour: String?

    @Flag(help: "List the tours: name and what each shows.")
    var list = false

    @Option(help: ArgumentHelp("auto: colour unless NO_COLOR is set; never: monochrome.", valueName: "auto|always|never"))
    var color: ColorMode = .auto

    @OptionGroup(title: "Key scripts and recordings") var replay: ReplayOptions

    func run() throws {
        if list {
            let files = try Self.tourFiles(in: try Self.toursFolder())
            let tours = try files.map { (Self.name(of: $0), try Self.read($0)) }
            let width = tours.map(\.0.count).max() ?? 0
            for (name, tour) in tours {
                print(name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + tour.title + ": " + tour.about)
            }
            return
        }
        let file = try chosenFile()
        let tour = try Self.read(file)
        let folderOfTour = file.deletingLastPathComponent()
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : folderOfTour.appendingPathComponent(path).standardizedFileURL.path }
        var arguments = tour.models.map(resolve) + [resolve(tour.fasta)]
        if let annotations = tour.annotations { arguments += ["--annotations", resolve(annotations)] }
        if let motifs = tour.motifs { arguments += ["--motifs", resolve(motifs)] }
        if let record = tour.record { arguments += ["--record", record] }
        if let task = tour.task { arguments += ["--task", task] }
        if let method = tour.method { arguments += ["--method", method.rawValue] }
        // A tour starts from the sequences as read, whatever an earlier demo left unsaved.
        arguments += ["--discard-recovery", "--color", color.rawValue]
        var explore: Explore
        do {
            explore = try Explore.parse(arguments)
        } catch {
            throw CommandFailure("\(file.path): \(Explore.message(for: error))")
        }
        explore.replay = replay
        try explore.run(tour: tour)
    }

    /// The tour TOUR names (a file, or a name in assets/tours), else the first there.
    func chosenFile() throws -> URL {
        if let tour, tour.hasSuffix(".tour") || tour.contains("/") {
            guard FileManager.default.fileExists(atPath: tour) else { throw CommandFailure("tour file \(tour) does not exist") }
            return URL(fileURLWithPath: tour)
        }
        let folder = try Self.toursFolder()
        let files = try Self.tourFiles(in: folder)
        guard let tour else {
            guard let first = files.first else { throw CommandFailure("no tours (.tour files) in \(folder.path)") }
            return first
        }
        guard let file = files.first(where: { Self.name(of: $0) == tour }) else {
            throw CommandFailure("no tour named '\(tour)'; the tours are \(files.map(Self.name(of:)).joined(separator: ", ")) (seqlens demo --list says what each shows)")
        }
        return file
    }

    /// The file's name without ".tour" and without the number that orders the list ("1-rna" → "rna").
    static func name(of file: URL) -> String {
        let stem = file.deletingPathExtension().lastPathComponent
        guard let dash = stem.firstIndex(of: "-"), stem[..<dash].allSatisfy(\.isNumber), dash != stem.startIndex else { return stem }
        return String(stem[stem.index(after: dash)...])
    }

    static func read(_ file: URL) throws -> Tour {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw CommandFailure("cannot read tour file \(file.path): \(error.localizedDescription)")
        }
        return try Tour.parse(text, source: file.path)
    }

    /// assets/tours in the current folder, else in the repository the binary was built in
    /// (.build/release/seqlens lies two folders below it), as the bundled models are found.
    static func toursFolder() throws -> URL {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("assets/tours")
        var candidates = [here]
        if var folder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            while folder.pathComponents.count > 1 {
                candidates.append(folder.appendingPathComponent("assets/tours"))
                folder.deleteLastPathComponent()
            }
        }
        var isFolder: ObjCBool = false
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path, isDirectory: &isFolder) && isFolder.boolValue }) else {
            throw CommandFailure("cannot find assets/tours (run seqlens demo inside the seqlens repository, or give a .tour file)")
        }
        return found
    }

    static func tourFiles(in folder: URL) throws -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw CommandFailure("cannot list \(folder.path): \(error.localizedDescription)")
        }
        return names.filter { $0.hasSuffix(".tour") }.sorted().map { folder.appendingPathComponent($0) }
    }
}
