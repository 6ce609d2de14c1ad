import CHDF5
import Foundation
import Genomics

/// A read-only HDF5 file through the C library, for untrusted files: every call's result is
/// checked and becomes a one-line `GenomicsError` naming the file and object; HDF5's own error
/// stack is never printed. External links, external raw-data files and virtual datasets are
/// refused, so reading one file never opens another.
final class HDF5File {
    /// Limits on what a file may ask us to allocate.
    enum Limits {
        static let elements = 1 << 26
        static let links = 100_000
        static let nameBytes = 4096
    }

    let path: String
    private let file: hid_t
    /// Link access: at most 16 soft links per path, external links refused.
    private let linkAccess: hid_t

    /// Opens `path`, after checking HDF5 says it is an HDF5 file.
    init(path: String) throws {
        self.path = path
        HDF5File.silenceErrorStack()
        guard FileManager.default.fileExists(atPath: path) else { throw GenomicsError("\(path): no such file; check the path") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw GenomicsError("\(path): cannot be read (permission denied); check its permissions") }
        let isHDF5 = H5Fis_hdf5(path)
        guard isHDF5 > 0 else {
            throw GenomicsError("\(path): is not an HDF5 file\(HDF5File.reason(isHDF5 < 0)); give modisco-lite's results (modisco motifs -o RESULTS.h5)")
        }
        let access = H5Pcreate(chdf5_link_access_class())
        // The reason is read before closing anything: every HDF5 call starts a fresh error stack.
        guard access >= 0, H5Pset_nlinks(access, 16) >= 0, H5Pset_elink_cb(access, refuseExternalLink, nil) >= 0 else {
            let error = GenomicsError("\(path): the HDF5 library failed to set up reading\(HDF5File.reason())")
            if access >= 0 { H5Pclose(access) }
            throw error
        }
        let file = H5Fopen(path, chdf5_read_only(), chdf5_default_list())
        guard file >= 0 else {
            let error = GenomicsError("\(path): is not a readable HDF5 file\(HDF5File.reason()); is it complete (not truncated)?")
            H5Pclose(access)
            throw error
        }
        self.file = file
        self.linkAccess = access
    }

    deinit {
        H5Fclose(file)
        H5Pclose(linkAccess)
    }

    /// HDF5 prints its error stack to stderr by default; seqlens reports one line of its own instead.
    /// (Per thread: a thread-safe HDF5 keeps one error stack per thread.)
    static func silenceErrorStack() { _ = H5Eset_auto2(chdf5_default_stack(), nil, nil) }

    /// ": <the innermost message on HDF5's error stack>" (e.g. "truncated file: eof = 800, ..."), or ""
    /// when `available` is false or the stack is empty. Clears the stack.
    static func reason(_ available: Bool = true) -> String {
        defer { H5Eclear2(chdf5_default_stack()) }
        guard available else { return "" }
        var message: String?
        _ = withUnsafeMutablePointer(to: &message) { pointer in
            H5Ewalk2(chdf5_default_stack(), H5E_WALK_UPWARD, { _, error, data in
                let message = data!.assumingMemoryBound(to: Optional<String>.self)
                if message.pointee == nil, let description = error?.pointee.desc { message.pointee = String(cString: description) }
                return 0
            }, pointer)
        }
        guard let message, !message.isEmpty else { return "" }
        return " (HDF5: \(message.prefix(200)))"
    }

    // MARK: - Objects

    enum Kind { case group, dataset, other }

    /// An open group or dataset, closed when released.
    final class Object {
        let id: hid_t
        let kind: Kind
        /// Its path in the file, for messages, e.g. `pos_patterns/pattern_0/sequence`.
        let name: String
        init(id: hid_t, kind: Kind, name: String) {
            self.id = id
            self.kind = kind
            self.name = name
        }
        deinit { H5Oclose(id) }
    }

    var root: Object {
        get throws { try open("/", in: nil) }
    }

    /// The names of the links in `group`, in name order.
    func memberNames(of group: Object) throws -> [String] {
        var info = H5G_info_t()
        guard H5Gget_info(group.id, &info) >= 0 else { throw failure("cannot list group \(group.name)") }
        guard info.nlinks <= UInt64(Limits.links) else { throw failure("group \(group.name) has \(info.nlinks) members, more than \(Limits.links)", hdf5: false) }
        return try (0 ..< info.nlinks).map { index in
            let length = H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, linkAccess)
            guard length >= 0 else { throw failure("cannot read the names in group \(group.name)") }
            guard length <= Limits.nameBytes else { throw failure("group \(group.name) has a member name of \(length) bytes", hdf5: false) }
            var buffer = [CChar](repeating: 0, count: length + 1)
            guard H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, length + 1, linkAccess) >= 0 else {
                throw failure("cannot read the names in group \(group.name)")
            }
            return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Whether `group` has a member called `name` (which may be a dangling link).
    func has(_ name: String, in group: Object) throws -> Bool {
        let exists = H5Lexists(group.id, name, linkAccess)
        guard exists >= 0 else { throw failure("cannot look up \(joined(group, name))") }
        return exists > 0
    }

    /// Opens member `name` of `group` (the root when nil).
    func open(_ name: String, in group: Object?) throws -> Object {
        let path = group.map { joined($0, name) } ?? name
        let id = H5Oopen(group?.id ?? file, name, linkAccess)
        guard id >= 0 else { throw failure("cannot open \(path)") }
        let kind: Kind
        switch H5Iget_type(id) {
        case H5I_GROUP: kind = .group
        case H5I_DATASET: kind = .dataset
        default: kind = .other
        }
        return Object(id: id, kind: kind, name: path)
    }

    func group(_ name: String, in parent: Object?) throws -> Object {
        let object = try open(name, in: parent)
        guard object.kind == .group else { throw failure("\(object.name) is \(object.kind == .dataset ? "a dataset" : "not a group"), expected a group", hdf5: false) }
        return object
    }

    // MARK: - Datasets

    /// A dataset's values as doubles (any integer or floating-point type), with its shape.
    func doubles(_ name: String, in group: Object) throws -> (shape: [Int], values: [Double]) {
        let (dataset, shape, type) = try openDataset(name, in: group)
        defer { H5Tclose(type) }
        let typeClass = H5Tget_class(type)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else { throw failure("\(dataset.name) holds \(describe(typeClass)), expected numbers", hdf5: false) }
        var values = [Double](repeating: 0, count: shape.reduce(1, *))
        try read(dataset, as: chdf5_native_double(), into: &values)
        return (shape, values)
    }

    /// A dataset's values as integers (an integer type, or h5py's booleans: an enum of integers), with its shape.
    func integers(_ name: String, in group: Object) throws -> (shape: [Int], values: [Int64]) {
        let (dataset, shape, type) = try openDataset(name, in: group)
        defer { H5Tclose(type) }
        let count = shape.reduce(1, *)
        switch H5Tget_class(type) {
        case H5T_INTEGER:
            var values = [Int64](repeating: 0, count: count)
            try read(dataset, as: chdf5_native_int64(), into: &values)
            return (shape, values)
        case H5T_ENUM:
            // Read as stored (HDF5 does not convert enums to integers), then decode each value.
            let size = H5Tget_size(type)
            let order = H5Tget_order(type)
            guard [1, 2, 4, 8].contains(size), order == H5T_ORDER_LE || order == H5T_ORDER_BE else {
                throw failure("\(dataset.name) holds an enum of \(size)-byte values, expected integers or booleans", hdf5: false)
            }
            var bytes = [UInt8](repeating: 0, count: count * size)
            try read(dataset, as: type, into: &bytes)
            let values = (0 ..< count).map { index in
                let element = bytes[index * size ..< (index + 1) * size]
                return (order == H5T_ORDER_LE ? Array(element.reversed()) : Array(element)).reduce(Int64(0)) { $0 << 8 | Int64($1) }
            }
            return (shape, values)
        case let other:
            throw failure("\(dataset.name) holds \(describe(other)), expected integers", hdf5: false)
        }
    }

    /// An integer attribute of the root holding one value; nil when there is none.
    func rootIntegerAttribute(_ name: String) throws -> Int64? {
        let exists = H5Aexists(file, name)
        guard exists >= 0 else { throw failure("cannot look up attribute \(name)") }
        guard exists > 0 else { return nil }
        let attribute = H5Aopen(file, name, chdf5_default_list())
        guard attribute >= 0 else { throw failure("cannot open attribute \(name)") }
        defer { H5Aclose(attribute) }
        let space = H5Aget_space(attribute)
        guard space >= 0 else { throw failure("cannot read the shape of attribute \(name)") }
        let points = H5Sget_simple_extent_npoints(space)
        H5Sclose(space)
        let type = H5Aget_type(attribute)
        guard type >= 0 else { throw failure("cannot read the type of attribute \(name)") }
        let typeClass = H5Tget_class(type)
        H5Tclose(type)
        guard points == 1, typeClass == H5T_INTEGER else { throw failure("attribute \(name) is not one integer", hdf5: false) }
        var value: Int64 = 0
        guard H5Aread(attribute, chdf5_native_int64(), &value) >= 0 else { throw failure("cannot read attribute \(name)") }
        return value
    }

    /// Opens a dataset stored in this file (not in external files, not virtual), with its shape
    /// (within `Limits.elements`) and a copy of its type.
    private func openDataset(_ name: String, in group: Object) throws -> (Object, [Int], hid_t) {
        guard try has(name, in: group) else { throw failure("\(joined(group, name)) is missing", hdf5: false) }
        let dataset = try open(name, in: group)
        guard dataset.kind == .dataset else { throw failure("\(dataset.name) is \(dataset.kind == .group ? "a group" : "not a dataset"), expected a dataset", hdf5: false) }
        let creation = H5Dget_create_plist(dataset.id)
        guard creation >= 0 else { throw failure("cannot read how \(dataset.name) is stored") }
        let layout = H5Pget_layout(creation)
        let externalFiles = H5Pget_external_count(creation)
        H5Pclose(creation)
        guard layout == H5D_CONTIGUOUS || layout == H5D_CHUNKED || layout == H5D_COMPACT, externalFiles == 0 else {
            throw failure("\(dataset.name) keeps its values outside this file (external or virtual storage); seqlens reads self-contained files", hdf5: false)
        }
        let space = H5Dget_space(dataset.id)
        guard space >= 0 else { throw failure("cannot read the shape of \(dataset.name)") }
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw failure("cannot read the shape of \(dataset.name)") }
        var dimensions = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(space, &dimensions, nil) == rank else { throw failure("cannot read the shape of \(dataset.name)") }
        var elements: UInt64 = 1
        for dimension in dimensions {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= UInt64(Limits.elements) else {
                throw failure("\(dataset.name) has shape \(dimensions), more than \(Limits.elements) values", hdf5: false)
            }
            elements = product
        }
        let type = H5Dget_type(dataset.id)
        guard type >= 0 else { throw failure("cannot read the type of \(dataset.name)") }
        return (dataset, dimensions.map { Int($0) }, type)
    }

    private func read<T>(_ dataset: Object, as type: hid_t, into values: inout [T]) throws {
        guard !values.isEmpty else { return }
        let status = values.withUnsafeMutableBytes { H5Dread(dataset.id, type, chdf5_whole_space(), chdf5_whole_space(), chdf5_default_list(), $0.baseAddress) }
        guard status >= 0 else { throw failure("cannot read the values of \(dataset.name)") }
    }

    // MARK: - Messages

    private func joined(_ group: Object, _ name: String) -> String {
        group.name == "/" ? name : "\(group.name)/\(name)"
    }

    private func describe(_ typeClass: H5T_class_t) -> String {
        switch typeClass {
        case H5T_STRING: "text"
        case H5T_COMPOUND: "records (a compound type)"
        case H5T_ENUM: "an enum"
        case H5T_FLOAT: "floating-point numbers"
        default: "values of HDF5 type class \(typeClass.rawValue)"
        }
    }

    /// "PATH: WHAT (HDF5: its reason)"; `hdf5: false` when the library reported nothing.
    func failure(_ what: String, hdf5: Bool = true) -> GenomicsError {
        GenomicsError("\(path): \(what)\(HDF5File.reason(hdf5))")
    }
}

/// External links would open other files named by this one: refused.
private func refuseExternalLink(_: UnsafePointer<CChar>?, _: UnsafePointer<CChar>?, _: UnsafePointer<CChar>?, _: UnsafePointer<CChar>?,
                                _: UnsafeMutablePointer<UInt32>?, _: hid_t, _: UnsafeMutableRawPointer?) -> herr_t {
    -1
}
