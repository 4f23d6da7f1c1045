// LossTests.swift: every element-wise Keras loss against Keras's value and gradient on fixed inputs.
import Foundation
import PrecastKernels
import XCTest

/// Replays `Tests/Fixtures/keras/losses.json` (made by `Tests/keras/losses.py`: Keras 3 on JAX, gradients by
/// jax.grad): the loss within 1e-5 relative and ∂loss/∂predictions within 1e-5 (relative to the largest).
final class LossTests: XCTestCase {
  func testElementwiseLossesMatchKeras() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixture("losses.json")))
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    let shape = try XCTUnwrap(json["shape"] as? [Int])
    let cases = try XCTUnwrap(json["cases"] as? [[String: Any]])
    var covered: Set<Loss> = []
    for c in cases {
      let name = try XCTUnwrap(c["loss"] as? String)
      let loss = try XCTUnwrap(Loss(rawValue: name), "Precast has no loss named \(name)")
      let p = (c["predictions"] as? [Double] ?? []).map(Float.init), t = (c["targets"] as? [Double] ?? []).map(Float.init)
      let expected = try XCTUnwrap(c["gradient"] as? [Double]), value = try XCTUnwrap(c["value"] as? Double)
      XCTAssertEqual(p.count, shape[0] * shape[1], "\(name): predictions")
      XCTAssertEqual(expected.count, p.count, "\(name): gradient size")
      var grad = [Float](repeating: .nan, count: p.count)
      let got = elementwiseLoss(loss, predictions: p, targets: t, rows: shape[0], cols: shape[1], grad: &grad)
      XCTAssertEqual(got, value, accuracy: 1e-5 * max(abs(value), 1), name)
      let scale = expected.map(abs).max() ?? 1
      let worst = zip(grad, expected).reduce(0.0) { worse($0, abs(Double($1.0) - $1.1)) }
      XCTAssertLessThanOrEqual(worst, 1e-5 * scale, "\(name): gradient")
      covered.insert(loss)
    }
    XCTAssertEqual(covered, Set(Loss.allCases.filter(\.isElementwise)), "every element-wise loss has a Keras case")
  }

  /// Hinge converts labels to ±1 only when every label in the batch is 0 or 1, as Keras does.
  func testHingeConvertsBinaryLabelsOnlyWhenAllAreBinary() {
    var grad = [Float](repeating: 0, count: 2)
    XCTAssertEqual(elementwiseLoss(.hinge, predictions: [0.5, 0.5], targets: [0, 1], rows: 2, cols: 1, grad: &grad), 1, accuracy: 1e-9)
    XCTAssertEqual(elementwiseLoss(.hinge, predictions: [0.5, 0.5], targets: [0.5, 1], rows: 2, cols: 1, grad: &grad), 0.625, accuracy: 1e-9)
  }
}

final class FromLogitsLossTests: XCTestCase {
  /// Keras's `from_logits=True` crossentropies on linear outputs: value and gradient w.r.t. the logits.
  func testFromLogitsCrossentropiesMatchKeras() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixture("losses.json")))
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    let shape = try XCTUnwrap(json["shape"] as? [Int])
    let cases = try XCTUnwrap(json["from_logits"] as? [[String: Any]])
    XCTAssertEqual(cases.count, 3)
    for c in cases {
      let name = try XCTUnwrap(c["loss"] as? String)
      let z = (c["logits"] as? [Double] ?? []).map(Float.init), t = (c["targets"] as? [Double] ?? []).map(Float.init)
      var grad = [Float](repeating: .nan, count: z.count)
      let got: Double
      switch name {
      case "binary_crossentropy": got = binaryCrossentropyFromLogits(logits: z, targets: t, rows: shape[0], cols: shape[1], grad: &grad)
      case "categorical_crossentropy": got = categoricalCrossentropyFromLogits(logits: z, targets: t, rows: shape[0], cols: shape[1], grad: &grad)
      default: got = sparseCategoricalCrossentropyFromLogits(logits: z, labels: t, rows: shape[0], cols: shape[1], grad: &grad)
      }
      let expected = try XCTUnwrap(c["gradient"] as? [Double]), value = try XCTUnwrap(c["value"] as? Double)
      XCTAssertEqual(got, value, accuracy: 1e-5 * max(abs(value), 1), name)
      let worst = zip(grad, expected).reduce(0.0) { worse($0, abs(Double($1.0) - $1.1)) }
      XCTAssertLessThanOrEqual(worst, 1e-6, "\(name): gradient")
    }
  }
}
