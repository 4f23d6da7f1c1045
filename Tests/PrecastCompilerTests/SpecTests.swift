// SpecTests.swift: the spec names layers as Keras does, infers shapes, and reports mistakes by layer.
import PrecastCatalogue
import Precast
import XCTest

final class SpecTests: XCTestCase {
  /// Keras's mask from Embedding(mask_zero): Dropout passes it on, an RNN with return_sequences too, one without
  /// consumes it; Conv1D drops it (Keras warns), so GlobalAveragePooling1D after it sees none.
  func testMaskZeroPropagation() throws {
    let spec = try ModelSpec(
      Sequential(name: "m", input: [8]) {
        Embedding(9, 4, maskZero: true); Dropout(0.1); LSTM(4, returnSequences: true); GRU(3); Dense(1)
      }.compile(loss: .meanSquaredError))
    XCTAssertEqual(spec.layers.map(\.inputMasked), [false, true, true, true, false])
    let conv = try ModelSpec(
      Sequential(name: "m", input: [8]) { Embedding(9, 4, maskZero: true); Conv1D(2, 3); GlobalAveragePooling1D(); Dense(1) }
        .compile(loss: .meanSquaredError))
    XCTAssertEqual(conv.layers.map(\.inputMasked), [false, true, false, false])
    let masking = try ModelSpec(
      Sequential(name: "m", input: [8, 3]) { Masking(maskValue: -1); SimpleRNN(4, returnSequences: true); GlobalAveragePooling1D(); Dense(1) }
        .compile(loss: .meanSquaredError))
    XCTAssertEqual(masking.layers.map(\.inputMasked), [false, true, true, false])
    XCTAssertEqual(masking.layers[0].outputShape, [8, 3])
  }

  func testKerasNamesAndShapes() throws {
    let spec = try ModelSpec(Examples.fashionMLP)
    XCTAssertEqual(spec.layers.map(\.name), ["flatten", "dense", "dropout", "dense_1", "dropout_1", "dense_2"])
    XCTAssertEqual(spec.layers.map(\.outputShape), [[784], [512], [512], [512], [512], [10]])
    XCTAssertEqual(spec.parameterCount, 669_706)  // Keras's model.summary() total for this model
    XCTAssertTrue(spec.lossFromLogits)
    XCTAssertEqual(spec.accuracyKind, .categorical)
    XCTAssertEqual(try ModelSpec(Examples.pima).parameterCount, 221)
  }

  func testDenseOnImageWithoutFlattenNamesLayerAndShape() {
    let model = Sequential(name: "bad", input: [28, 28]) { Dense(10, activation: .softmax) }
      .compile(loss: .categoricalCrossentropy)
    XCTAssertThrowsError(try ModelSpec(model)) { error in
      XCTAssertEqual("\(error)", "layer 'dense' (Dense): expects a 1-D input per sample, got [28, 28]; add Flatten() before it")
    }
  }

  func testCategoricalCrossentropyNeedsTwoUnits() {
    let model = Sequential(name: "bad", input: [4]) { Dense(1, activation: .sigmoid) }
      .compile(loss: .categoricalCrossentropy)
    XCTAssertThrowsError(try ModelSpec(model)) { error in
      XCTAssertTrue("\(error)".contains("output layer 'dense' (Dense) with output [1]"), "\(error)")
    }
  }

  func testOtherMistakes() {
    let cases: [(Model, String)] = [
      (Sequential(name: "m", input: [4]) { Dropout(1.5) ; Dense(2) }.compile(loss: .meanSquaredError), "layer 'dropout' (Dropout): rate must be in [0, 1), got 1.5"),
      (Sequential(name: "m", input: [4]) { Dense(0) }.compile(loss: .meanSquaredError), "layer 'dense' (Dense): units must be positive, got 0"),
      (Sequential(name: "m", input: [4]) { Dense(2, name: "a"); Dense(2, name: "a") }.compile(loss: .meanSquaredError), "two layers are named 'a'"),
      (Sequential(name: "m", input: []) { Dense(2) }.compile(loss: .meanSquaredError), "model 'm': input shape [] must be non-empty with positive sizes"),
      (Sequential(name: "m", input: [4]) {}.compile(loss: .meanSquaredError), "model 'm' has no layers"),
      (Sequential(name: "m", input: [5, 3]) { Bidirectional(GRU(4, activation: .selu)); Dense(1) }.compile(loss: .meanSquaredError),
       "layer 'bidirectional' (Bidirectional): activation=\"selu\" is not supported yet"),
      (Sequential(name: "m", input: [5]) { Embedding(9, 2, maskZero: true); BatchNormalization(); Flatten(); Dense(1) }
        .compile(loss: .meanSquaredError),
       "layer 'batch_normalization' (BatchNormalization): a mask (from Embedding(maskZero:) or Masking) reaches it; masked batch statistics are not supported yet"),
      (Sequential(name: "m", input: [6]) { Masking(); Dense(1) }.compile(loss: .meanSquaredError),
       "layer 'masking' (Masking): expects [steps, features] per sample, got [6]"),
      (Sequential(name: "m", input: [5]) { Embedding(9, 2, maskZero: true); Masking(); LSTM(2); Dense(1) }.compile(loss: .meanSquaredError),
       "layer 'masking' (Masking): a mask already reaches it (Keras would replace it); Precast supports one mask per model"),
      (Sequential(name: "m", input: [5, 3]) { GRU(4, dropout: 1); Dense(1) }.compile(loss: .meanSquaredError),
       "layer 'gru' (GRU): dropout must be in [0, 1), got 1.0"),
      (Sequential(name: "m", input: [9, 2]) { Conv1D(4, 3, strides: 2, dilationRate: 2); Flatten(); Dense(1) }.compile(loss: .meanSquaredError),
       "layer 'conv1d' (Conv1D): strides 2 cannot be combined with dilation_rate 2 (Keras allows one of them > 1)"),
      (Sequential(name: "m", input: [4, 2]) { Conv1D(4, 3, dilationRate: 2); Flatten(); Dense(1) }.compile(loss: .meanSquaredError),
       "layer 'conv1d' (Conv1D): a 1×3 window dilated by 1×2 (spanning 1×5) does not fit the input [1, 4, 2] with padding \"valid\""),
      (Sequential(name: "m", input: [5, 3]) { Bidirectional(LSTM(4, goBackwards: true)); Dense(1) }.compile(loss: .meanSquaredError),
       "layer 'bidirectional' (Bidirectional): the wrapped lstm must not set goBackwards (the backward direction already reads the steps in reverse)"),
      (Sequential(name: "m", input: [5]) { Bidirectional(Dense(4)); Dense(1) }.compile(loss: .meanSquaredError),
       "layer 'bidirectional' (Bidirectional): Bidirectional wraps an LSTM, GRU or SimpleRNN"),
    ]
    for (model, message) in cases {
      XCTAssertThrowsError(try ModelSpec(model)) { XCTAssertEqual("\($0)", message) }
    }
  }

  /// A frozen wrapped layer freezes both directions; Keras's config says so where Keras writes it (the wrapped layer's
  /// `trainable` in each direction, the wrapper's own beside its `merge_mode`), and a frozen wrapper freezes them too.
  func testBidirectionalTrainable() throws {
    let wrappedFrozen = try ModelSpec(
      Sequential(name: "m", input: [5, 3]) { Bidirectional(LSTM(2, trainable: false)); Dense(1) }.compile(loss: .meanSquaredError))
    XCTAssertEqual(wrappedFrozen.layers[0].weights.count, 6)
    XCTAssertTrue(wrappedFrozen.layers[0].weights.allSatisfy { !$0.trainable }, "the wrapped layer's trainable: false")
    let config = wrappedFrozen.kerasModelConfig
    XCTAssertTrue(config.contains(#""class_name": "Bidirectional", "config": {"name": "bidirectional", "trainable": true"#), config)
    XCTAssertTrue(config.contains(#""config": {"name": "forward_lstm", "trainable": false"#), config)
    XCTAssertTrue(config.contains(#""config": {"name": "backward_lstm", "trainable": false"#), config)

    var wrapper = Bidirectional(LSTM(2)).declaration
    wrapper.options.trainable = false
    let wrapperFrozen = try ModelSpec(
      Sequential(name: "m", input: [5, 3]) { Declared(declaration: wrapper); Dense(1) }.compile(loss: .meanSquaredError))
    XCTAssertTrue(wrapperFrozen.layers[0].weights.allSatisfy { !$0.trainable }, "the wrapper's trainable: false")
    XCTAssertTrue(wrapperFrozen.layers[1].weights.allSatisfy(\.trainable))
  }
}

/// A layer given by its declaration (a Keras config's wrapper `trainable: false` has no builder argument).
private struct Declared: Layer {
  let declaration: LayerDeclaration
}
