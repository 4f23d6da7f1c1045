// KerasConfigTests.swift: the JSON Precast writes and reads for Keras (model_config, config.json), activation slopes in
// model_config, the compile config, and the builder's fit options.
import Foundation
import Precast
import PrecastTestSupport
import XCTest

final class KerasConfigTests: XCTestCase {
  // MARK: JSON

  func testJSONParsesWhatPythonWrites() throws {
    let text = #"{"a": [1, -2.5e3, true, false, null], "b": {"c": "q\"\\\/\n\u00e9\ud83d\ude00"}, "n": NaN, "i": -Infinity}"#
    let value = try JSON.parse(text)
    XCTAssertEqual(value["a"], .array([.int(1), .number(-2500), .bool(true), .bool(false), .null]))
    XCTAssertEqual(value["b"]?["c"], .string("q\"\\/\né😀"))
    guard case .number(let n) = value["n"], n.isNaN, case .number(let i) = value["i"], i == -.infinity else {
      return XCTFail("NaN and -Infinity: \(value)")
    }
    // Rendering and parsing again gives the same value (keys in order).
    let plain = try JSON.parse(#"{"z": 1, "a": ["x", {"k": 0.25}], "s": "tab\tquote\""}"#)
    XCTAssertEqual(try JSON.parse(plain.rendered), plain)
    XCTAssertEqual(plain.rendered, #"{"z": 1, "a": ["x", {"k": 0.25}], "s": "tab\tquote\""}"#)
  }

  func testJSONErrorsNameTheOffset() {
    for (text, message) in [
      ("{\"a\": 1,", "expected a member name in quotes at byte 9"), ("[1 2]", "expected ',' or ']' in an array at byte 4"),
      ("{\"a\" 1}", "expected ':' after a member name at byte 6"), ("01", "invalid number at byte 3"), ("[tru]", "invalid literal (expected 'true') at byte 5"),
      ("\"abc", "unterminated string at byte 5"), ("{} x", "unexpected text after the JSON value at byte 4"),
      (String(repeating: "[", count: 600), "nesting deeper than 512 levels at byte 513"),
    ] {
      XCTAssertThrowsError(try JSON.parse(text), text) { XCTAssertEqual("\($0)", message, text) }
    }
  }

  // MARK: Activations in model_config

  /// Default slopes stay function names; others are written as Keras writes `activation=LeakyReLU(negative_slope=…)`
  /// (Keras 3's name; tf-keras's LeakyReLU called it `alpha`) and `ELU(alpha=…)`.
  func testLeakyReluAndEluSlopesAreWritten() throws {
    let model = Sequential(name: "slopes", input: [4]) {
      Dense(3, activation: .leakyRelu(alpha: 0.1))
      Dense(3, activation: .leakyRelu)
      Activation(.elu(alpha: 0.5))
      Dense(1, activation: .elu)
    }.compile(loss: .meanSquaredError)
    let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try ModelSpec(model).kerasModelConfig.utf8)) as? [String: Any])
    let layers = try XCTUnwrap((config["config"] as? [String: Any])?["layers"] as? [[String: Any]])
    let activations = layers.dropFirst().map { ($0["config"] as? [String: Any])?["activation"] }
    let leaky = try XCTUnwrap(activations[0] as? [String: Any])
    XCTAssertEqual(leaky["class_name"] as? String, "LeakyReLU")
    XCTAssertEqual(leaky["module"] as? String, "keras.layers")
    XCTAssertEqual((leaky["config"] as? [String: Any])?["negative_slope"] as? Double ?? .nan, 0.1, accuracy: 1e-7)
    XCTAssertEqual(activations[1] as? String, "leaky_relu")
    let elu = try XCTUnwrap(activations[2] as? [String: Any])
    XCTAssertEqual(elu["class_name"] as? String, "ELU")
    XCTAssertEqual((elu["config"] as? [String: Any])?["alpha"] as? Double ?? .nan, 0.5, accuracy: 1e-7)
    XCTAssertEqual(activations[3] as? String, "elu")
  }

  // MARK: compile_config

  func testCompileConfigNamesLossOptimizerAndMetrics() throws {
    let plain = kerasCompileConfig(loss: .categoricalCrossentropy, fromLogits: false, optimizer: .rmsprop(momentum: 0.5), metrics: [.accuracy, .auc])
    XCTAssertEqual(plain["loss"], .string("categorical_crossentropy"))
    XCTAssertEqual(plain["metrics"], .array([.string("accuracy"), .string("auc")]))
    XCTAssertEqual(plain["optimizer"]?["class_name"], .string("RMSprop"))
    XCTAssertEqual(plain["optimizer"]?["config"]?["name"], .string("rm_sprop"))
    XCTAssertEqual(plain["optimizer"]?["config"]?["momentum"], .number(0.5))
    let logits = kerasCompileConfig(loss: .sparseCategoricalCrossentropy, fromLogits: true, optimizer: .adam(), metrics: [])
    XCTAssertEqual(logits["loss"]?["class_name"], .string("SparseCategoricalCrossentropy"))
    XCTAssertEqual(logits["loss"]?["config"]?["from_logits"], .bool(true))
    XCTAssertEqual(logits["metrics"], .null)
  }

  // MARK: fit options

  /// `.fit(…, shuffle: false)` reaches the generated trainer's defaults; the default (true) leaves the code as it was.
  func testFitShuffleReachesTheGeneratedDefaults() throws {
    let model = Sequential(name: "ordered", input: [2]) { Dense(1) }.compile(loss: .meanSquaredError)
    XCTAssertTrue(try ModelSpec(model.fit(epochs: 3, batchSize: 4)).shuffle)
    let ordered = try ModelSpec(model.fit(epochs: 3, batchSize: 4, shuffle: false))
    XCTAssertFalse(ordered.shuffle)
    let generator = try Generator(templatesDirectory: repositoryRoot + "/Templates")
    func modelSource(_ model: Model) throws -> String {
      try XCTUnwrap(try generator.render(model, source: "t", precastPath: "..").first { $0.path.hasSuffix("Ordered.swift") }).contents
    }
    XCTAssertTrue(try modelSource(model.fit(epochs: 3, batchSize: 4, shuffle: false))
      .contains("TrainingDefaults(epochs: 3, batchSize: 4, validationSplit: 0.0, shuffle: false)"))
    XCTAssertTrue(try modelSource(model.fit(epochs: 3, batchSize: 4)).contains("TrainingDefaults(epochs: 3, batchSize: 4, validationSplit: 0.0)"))
  }
}
