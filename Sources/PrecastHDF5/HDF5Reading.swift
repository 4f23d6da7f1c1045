// HDF5Reading.swift: small read-side wrappers over the HDF5 C API (files, links, string attributes, float datasets).

import CHDF5
import Glibc

/// Read-side helpers. Every function takes and returns raw `hid_t`s; callers close what they open
/// with `defer`, so handle lifetimes are explicit.
enum H5Read {
  /// The most members a group or string-list attribute may have before the file is taken as damaged.
  static let maxListLength = 1 << 24

  // MARK: Files

  /// Opens an existing HDF5 file read-only, with messages for a missing, non-HDF5 or damaged file.
  static func openFile(_ path: String) throws(HDF5Error) -> hid_t {
    try checkReadableFile(path)
    let probe = H5Fis_hdf5(path)
    if probe == 0 { throw HDF5Error("not an HDF5 file") }
    if probe < 0 { throw HDF5Error.library("cannot read the file") }
    let fapl = try checkedID(H5Pcreate(swh5_P_FILE_ACCESS()), "cannot create a file access property list")
    defer { H5Pclose(fapl) }
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG)
    let file = H5Fopen(path, swh5_F_ACC_RDONLY(), fapl)
    if file < 0 {
      throw HDF5Error.library("cannot open the HDF5 file, it is truncated or corrupt")
    }
    return file
  }

  /// Opens an HDF5 file image held in memory (the `model.weights.h5` member of a `.keras` zip) read-only, through
  /// libhdf5's core driver: HDF5 reads its own copy of `image`, and nothing touches the disk.
  static func openImage(_ image: [UInt8]) throws(HDF5Error) -> hid_t {
    guard hasSignature(image) else { throw HDF5Error("not an HDF5 file") }
    let fapl = try checkedID(H5Pcreate(swh5_P_FILE_ACCESS()), "cannot create a file access property list")
    defer { H5Pclose(fapl) }
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG)
    try checkStatus(H5Pset_fapl_core(fapl, 1 << 16, false), "cannot select the in-memory driver")
    let status = image.withUnsafeBytes { H5Pset_file_image(fapl, UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count) }
    try checkStatus(status, "cannot hand the file image to HDF5")
    let file = H5Fopen("in-memory.h5", swh5_F_ACC_RDONLY(), fapl)
    if file < 0 { throw HDF5Error.library("cannot open the HDF5 file, it is truncated or corrupt") }
    return file
  }

  /// Whether `image` carries HDF5's format signature where a superblock may start (0, 512, 1024, 2048, …).
  static func hasSignature(_ image: [UInt8]) -> Bool {
    let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    var offset = 0
    while offset + signature.count <= image.count {
      if Array(image[offset..<(offset + signature.count)]) == signature { return true }
      offset = offset == 0 ? 512 : offset * 2
    }
    return false
  }

  /// Opens `source` read-only: a file on disk or an image in memory.
  static func open(_ source: HDF5Source) throws(HDF5Error) -> hid_t {
    switch source {
    case .file(let path): return try openFile(path)
    case .image(let bytes, _): return try openImage(bytes)
    }
  }

  /// Throws "no such file" (or a similar errno-based message) unless `path` is an existing regular file.
  static func checkReadableFile(_ path: String) throws(HDF5Error) {
    var info = stat()
    if stat(path, &info) != 0 {
      let code = errno
      if code == ENOENT || code == ENOTDIR { throw HDF5Error("no such file") }
      throw HDF5Error("cannot access the file: \(errnoText(code))")
    }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw HDF5Error("is a directory, not a file") }
  }

  // MARK: Links and objects

  /// What a path names: nothing, a group, a dataset, something else, or an object HDF5 cannot open.
  enum Lookup: Equatable {
    case missing
    case group
    case dataset
    case other
    /// The links exist but the object cannot be opened (a damaged file); carries HDF5's reason.
    case unreadable(String)
  }

  /// Looks up `path` (relative to `loc`, components separated by "/") one link at a time, so a missing
  /// intermediate group reads as `.missing`. Never leaves anything on the HDF5 error stack.
  static func lookup(_ loc: hid_t, _ path: String) -> Lookup {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    guard !parts.isEmpty else { return .missing }
    var prefix = ""
    for part in parts {
      prefix += prefix.isEmpty ? String(part) : "/" + part
      let found = H5Lexists(loc, prefix, swh5_P_DEFAULT())
      if found == 0 { return .missing }
      if found < 0 { return .unreadable(HDF5Diagnostics.takeSummary()) }
    }
    let object = H5Oopen(loc, path, swh5_P_DEFAULT())
    guard object >= 0 else { return .unreadable(HDF5Diagnostics.takeSummary()) }
    defer { H5Oclose(object) }
    switch H5Iget_type(object) {
    case H5I_GROUP: return .group
    case H5I_DATASET: return .dataset
    default: return .other
    }
  }

  static func isGroup(_ loc: hid_t, _ path: String) -> Bool { lookup(loc, path) == .group }

  static func isDataset(_ loc: hid_t, _ path: String) -> Bool { lookup(loc, path) == .dataset }

  /// Throws unless `path` is a `kind` object; `missing` is the message for an absent path and
  /// `displayPath` names the object in the other messages.
  static func require(
    _ kind: Lookup, _ loc: hid_t, _ path: String, displayPath: String, missing: @autoclosure () -> String
  ) throws(HDF5Error) {
    let found = lookup(loc, path)
    switch found {
    case kind: return
    case .missing: throw HDF5Error(missing())
    case .unreadable(let reason): throw HDF5Error("cannot open '\(displayPath)' (damaged file?): \(reason)")
    default: throw HDF5Error("'\(displayPath)' is not a \(kind == .group ? "group" : "dataset")")
    }
  }

  static func openGroup(_ loc: hid_t, _ path: String) throws(HDF5Error) -> hid_t {
    try checkedID(H5Gopen2(loc, path, swh5_P_DEFAULT()), "cannot open group '\(path)'")
  }

  static func openDataset(_ loc: hid_t, _ path: String) throws(HDF5Error) -> hid_t {
    try checkedID(H5Dopen2(loc, path, swh5_P_DEFAULT()), "cannot open dataset '\(path)'")
  }

  /// The names of a group's direct children, in the file's (alphabetical) order.
  static func childNames(_ group: hid_t) throws(HDF5Error) -> [String] {
    var info = H5G_info_t()
    try checkStatus(H5Gget_info(group, &info), "cannot list a group")
    guard info.nlinks <= maxListLength else { throw HDF5Error("a group has \(info.nlinks) members (damaged file?)") }
    var names: [String] = []
    for index in 0..<info.nlinks {
      names.append(try childName(group, index))
    }
    return names
  }

  private static func childName(_ group: hid_t, _ index: hsize_t) throws(HDF5Error) -> String {
    let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, swh5_P_DEFAULT())
    guard length >= 0 else { throw HDF5Error.library("cannot read the name of a group member") }
    var buffer = [CChar](repeating: 0, count: Int(length) + 1)
    let status = H5Lget_name_by_idx(
      group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, swh5_P_DEFAULT())
    guard status >= 0 else { throw HDF5Error.library("cannot read the name of a group member") }
    return decodeCString(buffer)
  }

  // MARK: String-list attributes

  static func attributeExists(_ loc: hid_t, _ name: String) -> Bool {
    let found = H5Aexists(loc, name) > 0
    HDF5Diagnostics.clear()
    return found
  }

  /// Reads a Keras list attribute: `name`, or the chunks `name0`, `name1`, … Keras uses for long lists.
  /// Returns nil if neither form exists.
  static func listAttribute(_ loc: hid_t, _ name: String) throws(HDF5Error) -> [String]? {
    if attributeExists(loc, name) { return try stringList(loc, name) }
    var chunk = 0
    var values: [String] = []
    while attributeExists(loc, "\(name)\(chunk)") {
      values += try stringList(loc, "\(name)\(chunk)")
      chunk += 1
    }
    return chunk == 0 ? nil : values
  }

  /// Reads a string attribute of any form Keras/h5py write: variable- or fixed-length, scalar or
  /// 1-D. An empty numeric array (Keras's empty list) reads as [].
  static func stringList(_ loc: hid_t, _ name: String) throws(HDF5Error) -> [String] {
    let attr = try checkedID(H5Aopen(loc, name, swh5_P_DEFAULT()), "cannot open attribute '\(name)'")
    defer { H5Aclose(attr) }
    let type = try checkedID(H5Aget_type(attr), "cannot read the type of attribute '\(name)'")
    defer { H5Tclose(type) }
    let space = try checkedID(H5Aget_space(attr), "cannot read the shape of attribute '\(name)'")
    defer { H5Sclose(space) }
    let count = Int(H5Sget_simple_extent_npoints(space))
    guard count >= 0 else { throw HDF5Error.library("cannot read the shape of attribute '\(name)'") }
    guard count <= maxListLength else { throw HDF5Error("attribute '\(name)' has \(count) elements (damaged file?)") }
    guard H5Tget_class(type) == H5T_STRING else {
      if count == 0 { return [] }
      throw HDF5Error("attribute '\(name)' is not a list of strings")
    }
    if count == 0 { return [] }
    if H5Tis_variable_str(type) > 0 {
      return try variableStrings(attr, fileType: type, count: count, name: name)
    }
    return try fixedStrings(attr, fileType: type, count: count, name: name)
  }

  private static func variableStrings(
    _ attr: hid_t, fileType: hid_t, count: Int, name: String
  ) throws(HDF5Error) -> [String] {
    let memType = try checkedID(H5Tcopy(swh5_T_C_S1()), "cannot create a string type")
    defer { H5Tclose(memType) }
    H5Tset_size(memType, swh5_T_VARIABLE())
    H5Tset_cset(memType, H5Tget_cset(fileType))
    var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
    try checkStatus(H5Aread(attr, memType, &pointers), "cannot read attribute '\(name)'")
    defer { for pointer in pointers where pointer != nil { H5free_memory(pointer) } }
    return pointers.map { $0.map { String(cString: $0) } ?? "" }
  }

  private static func fixedStrings(
    _ attr: hid_t, fileType: hid_t, count: Int, name: String
  ) throws(HDF5Error) -> [String] {
    let width = H5Tget_size(fileType)
    let (total, overflow) = width.multipliedReportingOverflow(by: count)
    guard width > 0, !overflow, total <= 1 << 30 else {
      throw HDF5Error("attribute '\(name)' has an invalid string size")
    }
    var bytes = [UInt8](repeating: 0, count: total)
    try checkStatus(H5Aread(attr, fileType, &bytes), "cannot read attribute '\(name)'")
    let spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD
    return (0..<count).map { index in
      fixedString(bytes[(index * width)..<((index + 1) * width)], spacePadded: spacePadded)
    }
  }

  private static func fixedString(_ field: ArraySlice<UInt8>, spacePadded: Bool) -> String {
    var content = field.prefix { $0 != 0 }
    if spacePadded {
      while content.last == UInt8(ascii: " ") { content = content.dropLast() }
    }
    return String(decoding: content, as: UTF8.self)
  }

  // MARK: Float datasets

  /// A dataset's element class (float, integer, string, …) and, for messages, a short type name.
  static func elementType(_ dataset: hid_t) throws(HDF5Error) -> (typeClass: H5T_class_t, name: String) {
    let type = try checkedID(H5Dget_type(dataset), "cannot read a dataset's type")
    defer { H5Tclose(type) }
    let typeClass = H5Tget_class(type)
    let bits = H5Tget_size(type) * 8
    switch typeClass {
    case H5T_FLOAT: return (typeClass, "float\(bits)")
    case H5T_INTEGER: return (typeClass, H5Tget_sign(type) == H5T_SGN_NONE ? "uint\(bits)" : "int\(bits)")
    case H5T_STRING: return (typeClass, "string")
    default: return (typeClass, "a non-numeric type")
    }
  }

  /// A dataset's shape ([] for a scalar). Throws for an empty (null) dataspace.
  static func shape(_ dataset: hid_t) throws(HDF5Error) -> [Int] {
    let space = try checkedID(H5Dget_space(dataset), "cannot read a dataset's shape")
    defer { H5Sclose(space) }
    if H5Sget_simple_extent_type(space) == H5S_NULL { throw HDF5Error("dataset has no data (null dataspace)") }
    let rank = H5Sget_simple_extent_ndims(space)
    guard rank >= 0, rank <= 32 else { throw HDF5Error.library("cannot read a dataset's rank") }
    var dims = [hsize_t](repeating: 0, count: Int(rank))
    if rank > 0 {
      try checkStatus(H5Sget_simple_extent_dims(space, &dims, nil), "cannot read a dataset's dimensions")
    }
    return dims.map { Int(clamping: $0) }
  }

  /// Reads `count` elements of a numeric dataset, converted to Float by HDF5.
  static func floats(_ dataset: hid_t, count: Int) throws(HDF5Error) -> [Float] {
    var values = [Float](repeating: 0, count: count)
    guard count > 0 else { return values }
    let status = values.withUnsafeMutableBytes { buffer in
      H5Dread(dataset, swh5_T_NATIVE_FLOAT(), swh5_S_ALL(), swh5_S_ALL(), swh5_P_DEFAULT(), buffer.baseAddress)
    }
    try checkStatus(status, "cannot read the dataset's values")
    return values
  }

  // MARK: Text helpers

  static func decodeCString(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// The C library's text for an errno value.
func errnoText(_ code: Int32) -> String {
  guard let text = strerror(code) else { return "errno \(code)" }
  return String(cString: text)
}

/// The number of elements of `shape` (1 for a scalar), or nil on a negative size or overflow.
func elementCount(_ shape: [Int]) -> Int? {
  var count = 1
  for dim in shape {
    guard dim >= 0 else { return nil }
    let (product, overflow) = count.multipliedReportingOverflow(by: dim)
    if overflow { return nil }
    count = product
  }
  return count
}
