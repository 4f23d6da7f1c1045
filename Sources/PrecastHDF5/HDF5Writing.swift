// HDF5Writing.swift: small write-side wrappers over the HDF5 C API (groups, string attributes, float32 datasets).

import CHDF5
import Glibc

/// Write-side helpers. Like `H5Read`, they work on raw `hid_t`s that callers close with `defer`.
enum H5Write {
  // MARK: Files and groups

  /// Creates (truncating) an HDF5 file with h5py's defaults: old-style groups, no creation order.
  static func createFile(_ path: String) throws(HDF5Error) -> hid_t {
    let fapl = try checkedID(H5Pcreate(swh5_P_FILE_ACCESS()), "cannot create a file access property list")
    defer { H5Pclose(fapl) }
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG)
    return try checkedID(
      H5Fcreate(path, swh5_F_ACC_TRUNC(), swh5_P_DEFAULT(), fapl), "cannot create '\(path)'")
  }

  /// Creates an HDF5 file in memory (libhdf5's core driver, no backing file); `imageBytes` returns its contents.
  static func createImage() throws(HDF5Error) -> hid_t {
    let fapl = try checkedID(H5Pcreate(swh5_P_FILE_ACCESS()), "cannot create a file access property list")
    defer { H5Pclose(fapl) }
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG)
    try checkStatus(H5Pset_fapl_core(fapl, 1 << 20, false), "cannot select the in-memory driver")
    return try checkedID(H5Fcreate("in-memory.h5", swh5_F_ACC_TRUNC(), swh5_P_DEFAULT(), fapl), "cannot create an in-memory HDF5 file")
  }

  /// The bytes of a file `createImage` made, flushed: what the same file would hold on disk.
  static func imageBytes(_ file: hid_t) throws(HDF5Error) -> [UInt8] {
    try checkStatus(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot flush the in-memory HDF5 file")
    let size = H5Fget_file_image(file, nil, 0)
    guard size > 0 else { throw HDF5Error.library("cannot read the in-memory HDF5 file's size") }
    var bytes = [UInt8](repeating: 0, count: size)
    let copied = bytes.withUnsafeMutableBytes { H5Fget_file_image(file, $0.baseAddress, $0.count) }
    guard copied == size else { throw HDF5Error.library("cannot copy the in-memory HDF5 file") }
    return bytes
  }

  /// Creates a group; a path with "/" creates the missing intermediate groups.
  static func createGroup(_ loc: hid_t, _ path: String) throws(HDF5Error) -> hid_t {
    let lcpl = try intermediateGroupLinkPlist()
    defer { H5Pclose(lcpl) }
    return try checkedID(
      H5Gcreate2(loc, path, lcpl, swh5_P_DEFAULT(), swh5_P_DEFAULT()), "cannot create group '\(path)'")
  }

  /// A link-creation property list that creates intermediate groups, as h5py does.
  static func intermediateGroupLinkPlist() throws(HDF5Error) -> hid_t {
    let lcpl = try checkedID(H5Pcreate(swh5_P_LINK_CREATE()), "cannot create a link property list")
    if H5Pset_create_intermediate_group(lcpl, 1) < 0 {
      H5Pclose(lcpl)
      throw HDF5Error.library("cannot configure a link property list")
    }
    return lcpl
  }

  // MARK: String attributes

  /// Writes a scalar variable-length UTF-8 string attribute.
  static func stringAttribute(_ loc: hid_t, _ name: String, _ value: String) throws(HDF5Error) {
    let space = try checkedID(H5Screate(H5S_SCALAR), "cannot create a dataspace")
    defer { H5Sclose(space) }
    try variableStringAttribute(loc, name, [value], space: space)
  }

  /// Writes a list attribute the way Keras does: a 1-D array of variable-length strings, or,
  /// for an empty list, an empty float64 array of shape (0,).
  static func stringListAttribute(_ loc: hid_t, _ name: String, _ values: [String]) throws(HDF5Error) {
    var dims = [hsize_t(values.count)]
    let space = try checkedID(H5Screate_simple(1, &dims, nil), "cannot create a dataspace")
    defer { H5Sclose(space) }
    if values.isEmpty {
      let attr = try checkedID(
        H5Acreate2(loc, name, swh5_T_IEEE_F64LE(), space, swh5_P_DEFAULT(), swh5_P_DEFAULT()),
        "cannot create attribute '\(name)'")
      H5Aclose(attr)
      return
    }
    try variableStringAttribute(loc, name, values, space: space)
  }

  private static func variableStringAttribute(
    _ loc: hid_t, _ name: String, _ values: [String], space: hid_t
  ) throws(HDF5Error) {
    let type = try variableStringType()
    defer { H5Tclose(type) }
    let attr = try checkedID(
      H5Acreate2(loc, name, type, space, swh5_P_DEFAULT(), swh5_P_DEFAULT()), "cannot create attribute '\(name)'")
    defer { H5Aclose(attr) }
    let cStrings = values.map { strdup($0) }
    defer { cStrings.forEach { free($0) } }
    guard !cStrings.contains(where: { $0 == nil }) else { throw HDF5Error("out of memory") }
    let pointers = cStrings.map { UnsafePointer<CChar>($0) }
    let status = pointers.withUnsafeBufferPointer { H5Awrite(attr, type, $0.baseAddress) }
    try checkStatus(status, "cannot write attribute '\(name)'")
  }

  private static func variableStringType() throws(HDF5Error) -> hid_t {
    let type = try checkedID(H5Tcopy(swh5_T_C_S1()), "cannot create a string type")
    if H5Tset_size(type, swh5_T_VARIABLE()) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0 {
      H5Tclose(type)
      throw HDF5Error.library("cannot configure a string type")
    }
    return type
  }

  // MARK: Float datasets

  /// Writes a little-endian float32 dataset of `shape` ([] = scalar) at `path` (intermediate groups created).
  static func floatDataset(_ loc: hid_t, _ path: String, shape: [Int], values: [Float]) throws(HDF5Error) {
    try values.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in try floatDataset(loc, path, shape: shape, buffer: buffer) }
  }

  /// The same from a buffer the caller owns.
  static func floatDataset(_ loc: hid_t, _ path: String, shape: [Int], buffer values: UnsafeBufferPointer<Float>) throws(HDF5Error) {
    let space = try dataspace(shape)
    defer { H5Sclose(space) }
    let lcpl = try intermediateGroupLinkPlist()
    defer { H5Pclose(lcpl) }
    let dataset = try checkedID(
      H5Dcreate2(loc, path, swh5_T_IEEE_F32LE(), space, lcpl, swh5_P_DEFAULT(), swh5_P_DEFAULT()),
      "cannot create dataset '\(path)'")
    defer { H5Dclose(dataset) }
    guard !values.isEmpty else { return }
    let status = H5Dwrite(dataset, swh5_T_NATIVE_FLOAT(), swh5_S_ALL(), swh5_S_ALL(), swh5_P_DEFAULT(), values.baseAddress)
    try checkStatus(status, "cannot write dataset '\(path)'")
  }

  private static func dataspace(_ shape: [Int]) throws(HDF5Error) -> hid_t {
    if shape.isEmpty {
      return try checkedID(H5Screate(H5S_SCALAR), "cannot create a dataspace")
    }
    var dims = shape.map { hsize_t($0) }
    return try checkedID(H5Screate_simple(Int32(dims.count), &dims, nil), "cannot create a dataspace of shape \(shape)")
  }
}
