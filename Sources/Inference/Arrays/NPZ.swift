import Foundation
import ZIPFoundation

/// NumPy's .npz format: a zip archive of .npy files, one per named array (`numpy.savez` stores
/// them, `numpy.savez_compressed` deflates them). Names are given without the `.npy` suffix.
public enum NPZ {
    /// Reads every .npy entry in archive order; other entries are skipped, as `numpy.load` does.
    public static func read(contentsOf url: URL) throws -> [(name: String, value: NPYArray)] {
        let file = url.lastPathComponent
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw InferenceError("\(url.path): no such file; check the path")
        }
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw InferenceError("\(file): not a .npz file (not a zip archive); save arrays with numpy.savez or numpy.savez_compressed")
        }
        var arrays: [(name: String, value: NPYArray)] = []
        for entry in archive where entry.type == .file && entry.path.hasSuffix(".npy") {
            let name = String(entry.path.dropLast(4))
            // The central directory states the size; refuse absurd ones before inflating anything.
            guard entry.uncompressedSize <= UInt64(ONNXTensorDecoding.maximumScalarCount) * 8 + 65_536 else {
                throw InferenceError("\(file): array '\(name)' declares an absurd size (\(entry.uncompressedSize) bytes)")
            }
            var bytes = Data(capacity: Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry) { bytes.append($0) }
            } catch {
                throw InferenceError("\(file): array '\(name)' cannot be unpacked (\(error)); the file is truncated or corrupt")
            }
            do {
                arrays.append((name, try NPY.decodeArray(bytes)))
            } catch let error as InferenceError {
                throw InferenceError("\(file): array '\(name)': \(error.description)")
            }
        }
        if arrays.isEmpty {
            throw InferenceError("\(file): holds no .npy arrays; save arrays with numpy.savez or numpy.savez_compressed")
        }
        return arrays
    }

    /// Writes arrays as deflated .npy entries (what `numpy.savez_compressed` writes), atomically.
    public static func write(_ arrays: [(String, NPYArray)], to url: URL) throws {
        var seen = Set<String>()
        for (name, _) in arrays {
            guard !name.isEmpty else { throw InferenceError("\(url.lastPathComponent): an array name is empty; numpy.load needs a name per array") }
            guard seen.insert(name).inserted else { throw InferenceError("\(url.lastPathComponent): array name '\(name)' is used twice; names must be unique") }
        }
        let archive: Archive
        do { archive = try Archive(accessMode: .create) } catch {
            throw InferenceError("\(url.lastPathComponent): cannot create a zip archive in memory (\(error))")
        }
        // A fixed date (the zip epoch) makes the same arrays give the same bytes.
        let epoch = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 1980, month: 1, day: 1).date!
        for (name, array) in arrays {
            let data = NPY.encode(array)
            do {
                try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(data.count), modificationDate: epoch,
                                     compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position) ..< Int(position) + size)
                }
            } catch {
                throw InferenceError("\(url.lastPathComponent): cannot add array '\(name)' (\(error))")
            }
        }
        guard let bytes = archive.data else { throw InferenceError("\(url.lastPathComponent): the zip archive was not produced") }
        do { try bytes.write(to: url, options: .atomic) } catch {
            throw InferenceError("\(url.path): cannot write (\((error as NSError).localizedDescription)); check the folder exists and is writable")
        }
    }
}
