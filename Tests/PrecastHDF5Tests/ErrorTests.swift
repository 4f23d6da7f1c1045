// ErrorTests.swift: wrong architectures and bad files give clear one-line errors, never crashes.

import CHDF5
import Foundation
import XCTest

@testable import PrecastHDF5

final class ErrorTests: XCTestCase {
  private var directory: TemporaryDirectory!

  override func setUpWithError() throws { directory = try TemporaryDirectory() }
  override func tearDown() { directory.remove() }

  // MARK: Wrong architecture

  func testWrongUnitsNamesLayerAndBothShapesInEveryFormat() {
    for (file, _) in Fixtures.weightFiles("tab") {
      assertHDF5Error([
        Fixtures.path(file) + ": ", "layer 'dense' (Dense) weight 'kernel': file has shape [8, 12], model expects [8, 13]",
      ]) {
        _ = try KerasWeightFile.read(path: Fixtures.path(file), layers: Models.tab(hidden: 13))
      }
    }
  }

  func testBatchNormFileReadAsTabModel() {
    assertHDF5Error(["bn.h5: ", "layer 'dense' (Dense) weight 'kernel': file has shape [20, 64], model expects [8, 12]"]) {
      _ = try KerasWeightFile.read(path: Fixtures.path("bn.h5"), layers: Models.tab())
    }
    assertHDF5Error(["bn.weights.h5: ", "file has shape [20, 64], model expects [8, 12]"]) {
      _ = try KerasWeightFile.read(path: Fixtures.path("bn.weights.h5"), layers: Models.tab())
    }
  }

  func testLayerCountMismatch() {
    let twoLayers = [Models.dense("dense", 20, 64), Models.dense("dense_1", 64, 3)]
    assertHDF5Error([
      "bn.h5: the file has 3 layers with weights, the model has 2 "
        + "(file: dense, batch_normalization, dense_1; model: dense, dense_1)"
    ]) {
      _ = try KerasWeightFile.read(path: Fixtures.path("bn.h5"), layers: twoLayers)
    }
    assertHDF5Error(["tab.tfkeras.legacy-weights.h5: the file has 3 layers with weights, the model has 4"]) {
      _ = try KerasWeightFile.read(
        path: Fixtures.path("tab.tfkeras.legacy-weights.h5"), layers: Models.tab() + [Models.dense("dense_3", 1, 1)])
    }
  }

  func testWeightCountMismatch() {
    let model = [Models.dense("dense", 20, 64), Models.dense("dense_1", 64, 64), Models.dense("dense_2", 64, 3)]
    assertHDF5Error([
      "bn.h5: layer 'dense_1' (Dense, file layer 'batch_normalization') has 4 weights in the file, expected 2 (kernel, bias)"
    ]) {
      _ = try KerasWeightFile.read(path: Fixtures.path("bn.h5"), layers: model)
    }
  }

  func testKerasWeightsFileWithExtraLayerGroups() {
    // The tab model's layers map to dense, dense_1 and dense_2; bn.weights.h5 has no dense_2.
    let model = [Models.dense("dense", 20, 64), Models.dense("dense_1", 64, 3)]
    assertHDF5Error(["bn.weights.h5: the file has weights for layers the model does not have: batch_normalization"]) {
      _ = try KerasWeightFile.read(path: Fixtures.path("bn.weights.h5"), layers: model)
    }
  }

  func testKerasWeightsFileMissingAVariable() throws {
    let path = directory.file("missing.weights.h5")
    let kernelOnly = [
      Models.dense("dense", 2, 2),
      LayerInfo(name: "dense_1", className: "Dense", weights: [WeightInfo(name: "kernel", shape: [2, 1])]),
    ]
    try KerasWeightFile.write(
      path: path, format: .kerasWeights, modelName: "m", layers: kernelOnly, values: [[1, 2, 3, 4], [5, 6], [7, 8]],
      modelConfig: nil, extras: [:])
    assertHDF5Error([
      "missing.weights.h5: layer 'dense_1' (Dense) weight 'bias': variable 'layers/dense_1/vars/1' is missing from the file"
    ]) {
      _ = try KerasWeightFile.read(path: path, layers: [Models.dense("dense", 2, 2), Models.dense("dense_1", 2, 1)])
    }
    assertHDF5Error(["layer 'extra' (Dense): group 'layers/dense_2/vars' is missing from the file"]) {
      _ = try KerasWeightFile.read(
        path: path, layers: kernelOnly + [Models.dense("extra", 1, 1)])
    }
  }

  // MARK: Bad files

  func testMissingFile() {
    let path = directory.file("nope.h5")
    let message = assertHDF5Error([]) { _ = try KerasWeightFile.read(path: path, layers: Models.tab()) }
    XCTAssertEqual(message, "\(path): no such file")
  }

  func testTextFile() throws {
    let path = directory.file("notes.h5")
    try "just some text\n".write(toFile: path, atomically: false, encoding: .utf8)
    let message = assertHDF5Error([]) { _ = try KerasWeightFile.read(path: path, layers: Models.tab()) }
    XCTAssertEqual(message, "\(path): not an HDF5 file")
  }

  func testTruncatedFiles() throws {
    for name in ["tab.h5", "tab.weights.h5", "tab.tfkeras.legacy-weights.h5"] {
      let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name)))
      let path = directory.file("half-" + name)
      try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
      assertHDF5Error(["half-\(name): ", "truncated"]) {
        _ = try KerasWeightFile.read(path: path, layers: Models.tab())
      }
    }
  }

  func testHDF5FileThatIsNotAKerasFile() throws {
    // An HDF5 file with a single dataset has none of model_weights, layer_names or layers.
    let path = directory.file("other.h5")
    let file = try H5Write.createFile(path)
    try H5Write.floatDataset(file, "data", shape: [2], values: [1, 2])
    XCTAssertGreaterThanOrEqual(H5Fclose(file), 0)
    assertHDF5Error(["other.h5: is an HDF5 file but not a Keras weights file (no model_weights, layer_names or layers)"]) {
      _ = try KerasWeightFile.read(path: path, layers: Models.tab())
    }
  }
}
