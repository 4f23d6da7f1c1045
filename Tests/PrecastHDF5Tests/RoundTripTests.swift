// RoundTripTests.swift: write → read in every format, with extras, weightless layers, renamed layers and RNN cells.

import XCTest

@testable import PrecastHDF5
import PrecastCore

final class RoundTripTests: XCTestCase {
  private var directory: TemporaryDirectory!

  override func setUpWithError() throws { directory = try TemporaryDirectory() }
  override func tearDown() { directory.remove() }

  // MARK: Models

  /// Dense "hidden" → Dropout "drop" → Dense "out": names unlike the classes.
  private let renamed: [LayerInfo] = [
    Models.dense("hidden", 4, 3), Models.weightless("drop", "Dropout"), Models.dense("out", 3, 2),
  ]

  private func sequentialValues(for layers: [LayerInfo]) -> [[Float]] {
    var next: Float = 0.25
    return layers.flatMap(\.weights).map { weight in
      (0..<weight.shape.reduce(1, *)).map { _ in
        next = next * -1.5 + 0.125
        if abs(next) > 1000 { next = 0.5 }
        return next
      }
    }
  }

  private let extras: [String: [Float]] = ["feature_mean": [1, 2.5, -3], "feature_std": [0.5], "empty": []]

  // MARK: Round trips

  func testRoundTripAllFormatsWithExtras() throws {
    let values = sequentialValues(for: renamed)
    for format in [KerasWeightFormat.legacyModel, .legacyWeights, .kerasWeights] {
      let path = directory.file("model.\(format.rawValue)")
      try KerasWeightFile.write(
        path: path, format: format, modelName: "renamed_model", layers: renamed, values: values,
        modelConfig: format == .legacyModel ? "{\"class_name\": \"Sequential\"}" : nil, extras: extras)
      let loaded = try KerasWeightFile.read(path: path, layers: renamed)
      XCTAssertEqual(loaded.format, format)
      XCTAssertTrue(bitIdentical(loaded.values, values), "\(format)")
      XCTAssertEqual(loaded.extras, extras, "\(format)")
    }
  }

  func testKerasWeightsGroupsAreNamedByClassNotByLayerName() throws {
    let values = sequentialValues(for: renamed)
    let path = directory.file("renamed.weights.h5")
    try KerasWeightFile.write(
      path: path, format: .kerasWeights, modelName: "m", layers: renamed, values: values, modelConfig: nil,
      extras: [:])
    // Reading as a model whose Dense layers carry the class-based names must give the same weights:
    // the file is addressed by class ("dense", "dropout", "dense_1"), never by "hidden"/"out".
    let autoNamed: [LayerInfo] = [
      Models.dense("dense_7", 4, 3), Models.weightless("dropout_3", "Dropout"), Models.dense("dense_8", 3, 2),
    ]
    let loaded = try KerasWeightFile.read(path: path, layers: autoNamed)
    XCTAssertTrue(bitIdentical(loaded.values, values))
  }

  func testLegacyReadMatchesByOrderNotByName() throws {
    let values = sequentialValues(for: renamed)
    let path = directory.file("renamed.h5")
    try KerasWeightFile.write(
      path: path, format: .legacyModel, modelName: "m", layers: renamed, values: values, modelConfig: nil,
      extras: [:])
    let otherNames: [LayerInfo] = [Models.dense("a", 4, 3), Models.dense("b", 3, 2)]
    let loaded = try KerasWeightFile.read(path: path, layers: otherNames)
    XCTAssertTrue(bitIdentical(loaded.values, values))
  }

  func testFixtureValuesSurviveRewriteInBothFormats() throws {
    let original = try KerasWeightFile.read(path: Fixtures.path("mlp.h5"), layers: Models.mlp)
    for format in [KerasWeightFormat.legacyModel, .kerasWeights] {
      let path = directory.file("mlp.\(format.rawValue)")
      try KerasWeightFile.write(
        path: path, format: format, modelName: "mlp_model", layers: Models.mlp, values: original.values,
        modelConfig: nil, extras: [:])
      let reread = try KerasWeightFile.read(path: path, layers: Models.mlp)
      XCTAssertTrue(bitIdentical(reread.values, original.values), "\(format)")
    }
  }

  func testRecurrentLayersAndScalarShapes() throws {
    let layers: [LayerInfo] = [
      LayerInfo(name: "embedding", className: "Embedding", weights: [WeightInfo(name: "embeddings", shape: [5, 2])]),
      LayerInfo(
        name: "lstm_seq", className: "LSTM",
        weights: [
          WeightInfo(name: "kernel", shape: [2, 12]), WeightInfo(name: "recurrent_kernel", shape: [3, 12]),
          WeightInfo(name: "bias", shape: [12]),
        ]),
      LayerInfo(name: "scale", className: "CustomScale", weights: [WeightInfo(name: "factor", shape: [])]),
    ]
    let values = sequentialValues(for: layers)
    for format in [KerasWeightFormat.legacyModel, .kerasWeights] {
      let path = directory.file("rnn.\(format.rawValue)")
      try KerasWeightFile.write(
        path: path, format: format, modelName: "rnn", layers: layers, values: values, modelConfig: nil,
        extras: [:])
      let loaded = try KerasWeightFile.read(path: path, layers: layers)
      XCTAssertTrue(bitIdentical(loaded.values, values), "\(format)")
      XCTAssertEqual(loaded.values.last?.count, 1)
    }
  }

  func testWriteRejectsMismatchedValues() throws {
    let values = sequentialValues(for: renamed)
    let path = directory.file("bad.h5")
    assertHDF5Error(["bad.h5", "got 3 value arrays for 4 weights"]) {
      try KerasWeightFile.write(
        path: path, format: .legacyModel, modelName: "m", layers: renamed, values: Array(values.dropLast()),
        modelConfig: nil, extras: [:])
    }
    var short = values
    short[1].removeLast()
    assertHDF5Error(["layer 'hidden' (Dense) weight 'bias' has shape [3] (3 values), got 2 values"]) {
      try KerasWeightFile.write(
        path: path, format: .kerasWeights, modelName: "m", layers: renamed, values: short, modelConfig: nil,
        extras: [:])
    }
    XCTAssertEqual(try directory.contents(), [])
  }

  // MARK: Naming

  func testSnakeCaseMatchesKeras() {
    let cases = [
      "Dense": "dense", "BatchNormalization": "batch_normalization", "Conv2D": "conv2d",
      "MaxPooling2D": "max_pooling2d", "LSTM": "lstm", "GRU": "gru", "SimpleRNN": "simple_rnn",
      "Conv1D": "conv1d", "Embedding": "embedding", "GlobalMaxPooling1D": "global_max_pooling1d",
      "GlobalAveragePooling2D": "global_average_pooling2d", "LayerNormalization": "layer_normalization",
      "PReLU": "p_re_lu", "ReLU": "re_lu", "Conv2DTranspose": "conv2d_transpose",
    ]
    for (className, expected) in cases {
      XCTAssertEqual(KerasNames.snakeCase(className), expected, className)
    }
  }

  func testWeightsGroupNamesAreUniquePerClass() {
    XCTAssertEqual(
      KerasNaming.weightsGroupNames(["Dense", "Dropout", "Dense", "Dropout", "Dense", "LSTM"]),
      ["dense", "dropout", "dense_1", "dropout_1", "dense_2", "lstm"])
  }
}
