// LegacyStringFormsTests.swift: Keras 2 / h5py 2 attribute forms: fixed-length strings, scalars, split layer_names0, 1, ….

import CHDF5
import XCTest

@testable import PrecastHDF5

final class LegacyStringFormsTests: XCTestCase {
  private var directory: TemporaryDirectory!

  override func setUpWithError() throws { directory = try TemporaryDirectory() }
  override func tearDown() { directory.remove() }

  /// Writes a fixed-length (null- or space-padded) string attribute, scalar when `scalar` is set.
  private func fixedStringAttribute(
    _ loc: hid_t, _ name: String, _ values: [String], scalar: Bool = false, spacePadded: Bool = false
  ) throws {
    let width = max(values.map(\.utf8.count).max() ?? 1, 1)
    let type = H5Tcopy(swh5_T_C_S1())
    defer { H5Tclose(type) }
    H5Tset_size(type, width)
    H5Tset_strpad(type, spacePadded ? H5T_STR_SPACEPAD : H5T_STR_NULLPAD)
    var dims = [hsize_t(values.count)]
    let space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil)
    defer { H5Sclose(space) }
    let attr = H5Acreate2(loc, name, type, space, swh5_P_DEFAULT(), swh5_P_DEFAULT())
    XCTAssertGreaterThanOrEqual(attr, 0)
    defer { H5Aclose(attr) }
    var bytes: [UInt8] = []
    for value in values {
      let padding = UInt8(ascii: spacePadded ? " " : "\0")
      bytes += Array(value.utf8) + Array(repeating: padding, count: width - value.utf8.count)
    }
    XCTAssertGreaterThanOrEqual(H5Awrite(attr, type, bytes), 0)
  }

  func testFixedLengthScalarAndSplitAttributes() throws {
    let path = directory.file("keras2.h5")
    let layers: [LayerInfo] = [
      Models.dense("dense", 2, 2), Models.weightless("drop", "Dropout"),
      LayerInfo(name: "scale", className: "Scale", weights: [WeightInfo(name: "factor", shape: [])]),
    ]
    let file = try H5Write.createFile(path)
    try fixedStringAttribute(file, "layer_names0", ["dense", "drop"])
    try fixedStringAttribute(file, "layer_names1", ["scale"], spacePadded: true)

    let dense = try H5Write.createGroup(file, "dense")
    try fixedStringAttribute(dense, "weight_names", ["dense/kernel:0", "dense/bias:0"])
    try H5Write.floatDataset(dense, "dense/kernel:0", shape: [2, 2], values: [1, 2, 3, 4])
    try H5Write.floatDataset(dense, "dense/bias:0", shape: [2], values: [5, 6])
    H5Gclose(dense)

    let drop = try H5Write.createGroup(file, "drop")
    try H5Write.stringListAttribute(drop, "weight_names", [])
    H5Gclose(drop)

    let scale = try H5Write.createGroup(file, "scale")
    try fixedStringAttribute(scale, "weight_names", ["factor:0"], scalar: true)
    try H5Write.floatDataset(scale, "factor:0", shape: [], values: [7])
    H5Gclose(scale)
    XCTAssertGreaterThanOrEqual(H5Fclose(file), 0)

    let loaded = try KerasWeightFile.read(path: path, layers: layers)
    XCTAssertEqual(loaded.format, .legacyWeights)
    XCTAssertEqual(loaded.values, [[1, 2, 3, 4], [5, 6], [7]])
  }

  /// Writes a dataset of the given file type from Double values.
  private func doubleDataset(_ loc: hid_t, _ name: String, type: hid_t, shape: [Int], _ values: [Double]) {
    var dims = shape.map { hsize_t($0) }
    let space = H5Screate_simple(Int32(dims.count), &dims, nil)
    defer { H5Sclose(space) }
    let dataset = H5Dcreate2(loc, name, type, space, swh5_P_DEFAULT(), swh5_P_DEFAULT(), swh5_P_DEFAULT())
    defer { H5Dclose(dataset) }
    XCTAssertGreaterThanOrEqual(
      H5Dwrite(dataset, swh5_T_NATIVE_DOUBLE(), swh5_S_ALL(), swh5_S_ALL(), swh5_P_DEFAULT(), values), 0)
  }

  func testFloat64IsConvertedAndIntegersAreRejected() throws {
    let layers = [Models.dense("dense", 1, 2)]
    for (type, typeName) in [(swh5_T_IEEE_F64LE(), "float64"), (swh5_T_STD_I64LE(), "int64")] {
      let path = directory.file("\(typeName).h5")
      let file = try H5Write.createFile(path)
      try H5Write.stringListAttribute(file, "layer_names", ["dense"])
      let dense = try H5Write.createGroup(file, "dense")
      try H5Write.stringListAttribute(dense, "weight_names", ["kernel", "bias"])
      doubleDataset(dense, "kernel", type: type, shape: [1, 2], [0.5, -2])
      doubleDataset(dense, "bias", type: type, shape: [2], [3, 4])
      H5Gclose(dense)
      XCTAssertGreaterThanOrEqual(H5Fclose(file), 0)
      if typeName == "float64" {
        XCTAssertEqual(try KerasWeightFile.read(path: path, layers: layers).values, [[0.5, -2], [3, 4]])
      } else {
        assertHDF5Error(["layer 'dense' (Dense) weight 'kernel': dataset 'dense/kernel' has type int64, expected float32"]) {
          _ = try KerasWeightFile.read(path: path, layers: layers)
        }
      }
    }
  }
}
