import Foundation
import ZIPFoundation

/// NumPy's .npz format: a zip archive of .npy files, one per named array (`numpy.savez` stores
/// them, `numpy.savez_compressed` deflates them). Names are given without the `.npy` suffix.
public enum NPZ {
    /// Deflate expands at most 1032-fold (its longest match per shortest code); a larger ratio in the
    /// central directory is a lie that would allocate before inflating.
    static let maximumDeflateRatio: UInt64 = 1032

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
        let fileSize = UInt64((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        var arrays: [(name: String, value: NPYArray)] = []
        for entry in archive where entry.type == .file && entry.path.hasSuffix(".npy") {
            let name = String(entry.path.dropLast(4))
            // The central directory states the sizes; refuse absurd ones before inflating anything: more
            // bytes than the file has, more than an array may hold, or more than deflate expands to.
            let declared = entry.uncompressedSize
            guard entry.compressedSize <= fileSize,
                  declared <= UInt64(ONNXTensorDecoding.maximumScalarCount) * 8 + UInt64(NPY.maximumHeaderLength) + 12,
                  declared <= max(entry.compressedSize, 1) * maximumDeflateRatio else {
                throw InferenceError("\(file): array '\(name)' declares an absurd size (\(declared) bytes from \(entry.compressedSize) stored); the file is corrupt")
            }
            var bytes = Data(capacity: Int(declared))
            do {
                _ = try archive.extract(entry) { chunk in
                    // A corrupt stream could inflate past its declared size; stop there.
                    guard UInt64(bytes.count + chunk.count) <= declared else { throw InferenceError("inflates past its declared size") }
                    bytes.append(chunk)
                }
            } catch {
                throw InferenceError("\(file): array '\(name)' cannot be unpacked; the file is truncated or corrupt")
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
            throw InferenceError("\(url.lastPathComponent): cannot create a zip archive in memory")
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
                throw InferenceError("\(url.lastPathComponent): cannot add array '\(name)' to the zip archive")
            }
        }
        guard let bytes = archive.data else { throw InferenceError("\(url.lastPathComponent): the zip archive was not produced") }
        do { try bytes.write(to: url, options: .atomic) } catch {
            throw InferenceError("\(url.path): cannot write; check the folder exists and is writable and the disk has room")
        }
    }
}
