// KerasParityTests.swift: generated models reproduce Keras's own predictions from every Keras file format.
import CheckModels
import FashionCnnModel
import FashionMlpModel
import PimaModel
import PrecastRuntime
import PrecastTestSupport
import XCTest

final class KerasParityTests: XCTestCase {
  /// The six formats Keras writes: Keras 3 legacy .h5, tf-keras .h5, tf-keras weights-only .h5,
  /// Keras 3 .weights.h5, tf-keras .weights.h5, and Keras 3's `.keras` zip (`model.save`).
  static let formats = ["h5", "tfkeras.h5", "tfkeras.legacy-weights.h5", "weights.h5", "tfkeras.weights.h5", "keras"]

  /// `tab` is the Pima architecture (Dense 12 relu, 8 relu, 1 sigmoid): the generated Pima model must
  /// reproduce tab.output.csv within 1e-5 from every format.
  func testPimaModelMatchesKerasTabFixture() throws {
    try checkParity(Pima.self, fixtureName: "tab")
  }

  /// `mlp` is the Fashion-MNIST MLP (its Flatten is free, so [8, 784] inputs feed [28, 28] directly).
  func testFashionMLPMatchesKerasMLPFixture() throws {
    try checkParity(FashionMlp.self, fixtureName: "mlp")
  }

  /// `cnn` is the fashion-cnn architecture: Conv2D weights [3, 3, 1, 32], NHWC Flatten into Dense.
  func testFashionCNNMatchesKerasCNNFixture() throws {
    try checkParity(FashionCnn.self, fixtureName: "cnn")
  }

  /// `bn` is the check-batchnorm architecture: inference uses the moving statistics Keras saved.
  func testBatchNormalizationMatchesKerasBNFixture() throws {
    try checkParity(CheckBatchnorm.self, fixtureName: "bn")
  }

  /// `conv1d` is the check-conv1d architecture: Embedding [1000, 16] over int inputs, Conv1D kernel [5, 16, 32],
  /// MaxPooling1D, GlobalMaxPooling1D, Dense.
  func testConv1DMatchesKerasConv1DFixture() throws {
    try checkParity(CheckConv1d.self, fixtureName: "conv1d")
  }

  /// `lstm` is the check-lstm architecture: Embedding, LSTM(32) (weights under the cell, gates i, f, c, o), Dense.
  func testLSTMMatchesKerasLSTMFixture() throws {
    try checkParity(CheckLstm.self, fixtureName: "lstm")
  }

  /// `bidirectional` is the check-bidirectional architecture, written by Keras 3 (`Tests/keras/bidirectional_fixture.py`):
  /// forward_layer/backward_layer groups in .weights.h5, forward_lstm/… weight names in .h5; concat and sum merges.
  func testBidirectionalMatchesKerasBidirectionalFixture() throws {
    try checkParity(CheckBidirectional.self, fixtureName: "bidirectional", formats: ["h5", "weights.h5"])
  }

  /// Precast writes a Bidirectional layer's weights where Keras does: reading them back through the Keras layout
  /// paths gives the same predictions as the Keras fixture.
  func testBidirectionalWeightsWrittenByPrecastReadBack() throws {
    let model = CheckBidirectional(maxBatch: 8)
    _ = try model.loadWeights(path: fixture("bidirectional.weights.h5"))
    for name in ["bidirectional-copy.h5", "bidirectional-copy.weights.h5"] {
      let path = NSTemporaryDirectory() + name
      try model.saveWeights(path: path, format: weightFormat(forPath: path), preprocessing: Preprocessing())
      let copy = CheckBidirectional(maxBatch: 8)
      _ = try copy.loadWeights(path: path)
      XCTAssertEqual(
        Array(UnsafeBufferPointer(start: copy.parameters, count: CheckBidirectional.info.parameterCount)),
        Array(UnsafeBufferPointer(start: model.parameters, count: CheckBidirectional.info.parameterCount)), name)
      try? FileManager.default.removeItem(atPath: path)
    }
  }

  /// `masking` is the check-masking architecture, written by Keras 3 (`Tests/keras/masking_fixture.py`): a weightless
  /// Masking layer among the file's layers, float sequences padded with steps of -1, before and after.
  func testMaskingMatchesKerasMaskingFixture() throws {
    try checkParity(CheckMasking.self, fixtureName: "masking", formats: ["h5", "weights.h5"])
  }

  /// `gru` is the check-gru architecture: GRU(32) with reset_after (bias [2, 96], gates z, r, h), Dense.
  func testGRUMatchesKerasGRUFixture() throws {
    try checkParity(CheckGru.self, fixtureName: "gru")
  }

  private func checkParity<M: CompiledModel>(_ type: M.Type, fixtureName: String, formats: [String] = formats) throws {
    let x = try CSVReader.read(path: fixture("\(fixtureName).input.csv"))
    let expected = try CSVReader.read(path: fixture("\(fixtureName).output.csv"))
    for format in formats {
      let model = M(maxBatch: 8)
      let preprocessing = try model.loadWeights(path: fixture("\(fixtureName).\(format)"))
      XCTAssertEqual(preprocessing, Preprocessing(), "Keras files carry no Precast preprocessing")
      for batch in [8, 1] {  // sgemm path and sgemv path
        var got: [Float] = []
        x.values.withUnsafeBufferPointer { xs in
          var lo = 0
          while lo < x.count {
            let y = model.predict(xs.baseAddress! + lo * M.info.inputSize, count: batch)
            got += Array(UnsafeBufferPointer(start: y, count: batch * M.info.outputSize))
            lo += batch
          }
        }
        let diff = maxAbsDifference(got, expected.values)
        XCTAssertLessThanOrEqual(diff, 1e-5, "\(fixtureName).\(format), batch \(batch): max |Δ| = \(diff)")
      }
    }
  }

  /// Weights written by Precast in both layouts read back bit-identically, with the preprocessing.
  func testSaveAndReloadBothFormats() throws {
    let model = Pima(maxBatch: 4)
    model.initializeParameters(seed: 11)
    let preprocessing = Preprocessing(inputScale: 0.5, standardizer: Standardizer(mean: Array(repeating: 1, count: 8), std: Array(repeating: 2, count: 8)))
    for name in ["pima-roundtrip.h5", "pima-roundtrip.weights.h5"] {
      let path = NSTemporaryDirectory() + name
      try model.saveWeights(path: path, format: weightFormat(forPath: path), preprocessing: preprocessing)
      let copy = Pima(maxBatch: 4)
      let loaded = try copy.loadWeights(path: path)
      XCTAssertEqual(loaded, preprocessing)
      XCTAssertEqual(Array(UnsafeBufferPointer(start: copy.parameters, count: Pima.info.parameterCount)),
                     Array(UnsafeBufferPointer(start: model.parameters, count: Pima.info.parameterCount)))
      try? FileManager.default.removeItem(atPath: path)
    }
  }

  /// A weights file of another architecture names the layer and both shapes.
  func testWrongArchitectureNamesLayerAndShapes() {
    let model = Pima(maxBatch: 1)
    XCTAssertThrowsError(try model.loadWeights(path: fixture("mlp.h5"))) { error in
      let message = "\(error)"
      XCTAssertTrue(message.contains("dense") && message.contains("[784, 512]") && message.contains("[8, 12]"), message)
    }
  }
}
