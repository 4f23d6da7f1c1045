// FixtureReadTests.swift: every Keras-written layout reads, all agree bit for bit, and the weights reproduce Keras's outputs.

import XCTest

@testable import PrecastHDF5

final class FixtureReadTests: XCTestCase {
  // MARK: tab

  func testTabAllFormatsReadIdentically() throws {
    try assertAllFormatsAgree("tab", layers: Models.tab())
  }

  func testTabForwardPassMatchesKeras() throws {
    let weights = try KerasWeightFile.read(path: Fixtures.path("tab.h5"), layers: Models.tab())
    try assertForwardPass("tab", values: weights.values, activations: [.relu, .relu, .sigmoid])
  }

  // MARK: mlp

  func testMLPAllFormatsReadIdentically() throws {
    try assertAllFormatsAgree("mlp", layers: Models.mlp)
  }

  func testMLPForwardPassMatchesKeras() throws {
    let weights = try KerasWeightFile.read(path: Fixtures.path("mlp.weights.h5"), layers: Models.mlp)
    try assertForwardPass("mlp", values: weights.values, activations: [.relu, .relu, .softmax])
  }

  // MARK: bn (BatchNormalization and a weightless Activation)

  func testBatchNormModelReadsFromBothKeras3Formats() throws {
    let legacy = try KerasWeightFile.read(path: Fixtures.path("bn.h5"), layers: Models.bn)
    let modern = try KerasWeightFile.read(path: Fixtures.path("bn.weights.h5"), layers: Models.bn)
    XCTAssertEqual(legacy.values.map(\.count), [1280, 64, 64, 64, 64, 64, 192, 3])
    XCTAssertTrue(bitIdentical(legacy.values, modern.values))
    XCTAssertEqual(legacy.extras, [:])
  }

  // MARK: Helpers

  private func assertAllFormatsAgree(_ name: String, layers: [LayerInfo]) throws {
    var reference: [[Float]]?
    for (file, format) in Fixtures.weightFiles(name) {
      let loaded = try KerasWeightFile.read(path: Fixtures.path(file), layers: layers)
      XCTAssertEqual(loaded.format, format, file)
      XCTAssertEqual(loaded.extras, [:], file)
      let expectedCounts = layers.flatMap { $0.weights.map { $0.shape.reduce(1, *) } }
      XCTAssertEqual(loaded.values.map(\.count), expectedCounts, file)
      if let reference {
        XCTAssertTrue(bitIdentical(reference, loaded.values), "\(file) differs from \(name).h5")
      } else {
        reference = loaded.values
      }
    }
  }

  private func assertForwardPass(_ name: String, values: [[Float]], activations: [Activation]) throws {
    let input = try Fixtures.csv("\(name).input.csv")
    let expected = try Fixtures.csv("\(name).output.csv")
    let output = denseForward(input, values: values, activations: activations)
    XCTAssertEqual(output.count, expected.count)
    for (row, expectedRow) in zip(output, expected) {
      XCTAssertEqual(row.count, expectedRow.count)
      for (value, want) in zip(row, expectedRow) {
        XCTAssertEqual(value, Double(want), accuracy: 1e-5)
      }
    }
  }
}
