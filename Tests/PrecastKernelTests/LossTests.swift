// LossTests.swift: every element-wise Keras loss against Keras's value and gradient on fixed inputs.
import Foundation
import PrecastKernels
import PrecastTestSupport
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

/// Keras's sample_weight inside the loss kernels: Σ wᵢ·lᵢ / rows and each row's gradient scaled by wᵢ/rows, checked
/// against the unweighted kernel (the whole batch for weights of one, each row alone for mixed weights).
final class WeightedLossTests: XCTestCase {
  typealias Kernel = (_ p: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ rows: Int, _ grad: UnsafeMutablePointer<Float>,
                      _ w: UnsafePointer<Float>?) -> Double
  static let (rows, cols) = (4, 3)

  /// Every loss kernel over predictions (or logits) [rows, cols]; `sparse` kernels take one label per row.
  static var kernels: [(name: String, sparse: Bool, kernel: Kernel)] {
    let c = cols
    var all: [(String, Bool, Kernel)] = [
      ("sigmoidBinaryCrossentropy", false, { z, t, r, g, w in
        var p = [Float](repeating: 0, count: r * c)
        for i in p.indices { p[i] = 1 / (1 + expf(-z[i])) }
        return sigmoidBinaryCrossentropy(logits: z, probabilities: p, targets: t, rows: r, cols: c, grad: g, weights: w)
      }),
      ("softmaxCategoricalCrossentropy", false, { z, t, r, g, w in
        var p = [Float](repeating: 0, count: r * c)
        activate(z, rows: r, cols: c, .softmax, output: &p)
        return softmaxCategoricalCrossentropy(logits: z, probabilities: p, targets: t, rows: r, cols: c, grad: g, weights: w)
      }),
      ("softmaxSparseCategoricalCrossentropy", true, { z, t, r, g, w in
        var p = [Float](repeating: 0, count: r * c)
        activate(z, rows: r, cols: c, .softmax, output: &p)
        return softmaxSparseCategoricalCrossentropy(logits: z, probabilities: p, labels: t, rows: r, cols: c, grad: g, weights: w)
      }),
      ("binaryCrossentropyFromLogits", false, { binaryCrossentropyFromLogits(logits: $0, targets: $1, rows: $2, cols: c, grad: $3, weights: $4) }),
      ("categoricalCrossentropyFromLogits", false, { categoricalCrossentropyFromLogits(logits: $0, targets: $1, rows: $2, cols: c, grad: $3, weights: $4) }),
      ("sparseCategoricalCrossentropyFromLogits", true, { sparseCategoricalCrossentropyFromLogits(logits: $0, labels: $1, rows: $2, cols: c, grad: $3, weights: $4) }),
      ("binaryCrossentropy", false, { binaryCrossentropy(probabilities: $0, targets: $1, rows: $2, cols: c, grad: $3, weights: $4) }),
      ("categoricalCrossentropy", false, { categoricalCrossentropy(probabilities: $0, targets: $1, rows: $2, cols: c, grad: $3, weights: $4) }),
      ("sparseCategoricalCrossentropy", true, { sparseCategoricalCrossentropy(probabilities: $0, labels: $1, rows: $2, cols: c, grad: $3, weights: $4) }),
      ("meanSquaredError", false, { meanSquaredError(predictions: $0, targets: $1, rows: $2, cols: c, grad: $3, weights: $4) }),
      ("meanAbsoluteError", false, { meanAbsoluteError(predictions: $0, targets: $1, rows: $2, cols: c, grad: $3, weights: $4) }),
    ]
    for loss in Loss.allCases where loss.isElementwise {
      all.append(("elementwiseLoss(.\(loss))", false, { elementwiseLoss(loss, predictions: $0, targets: $1, rows: $2, cols: c, grad: $3, weights: $4) }))
    }
    return all
  }

  func testWeightedLossesAreWeightedMeansOfTheRows() {
    let (rows, cols) = (Self.rows, Self.cols)
    // Probabilities in (0, 1) (also fine as logits and regression predictions); targets 0/1 (hinge keeps its
    // binary label conversion row by row), one-hot rows for the categorical losses, labels for the sparse ones.
    let p: [Float] = [0.2, 0.5, 0.3, 0.7, 0.1, 0.2, 0.25, 0.25, 0.5, 0.6, 0.3, 0.1]
    let oneHot: [Float] = [0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0]
    let labels: [Float] = [1, 0, 2, 1]
    let w: [Float] = [2, 0, 0.5, 1.5]
    for (name, sparse, kernel) in Self.kernels {
      let t = sparse ? labels : oneHot
      let width = sparse ? 1 : cols
      var plainGradient = [Float](repeating: .nan, count: rows * cols)
      let plain = kernel(p, t, rows, &plainGradient, nil)
      var onesGradient = [Float](repeating: .nan, count: rows * cols)
      let ones = kernel(p, t, rows, &onesGradient, [Float](repeating: 1, count: rows))
      XCTAssertEqual(ones, plain, accuracy: 1e-6 * max(abs(plain), 1), "\(name): weights of one")
      XCTAssertLessThanOrEqual(maxAbsDifference(onesGradient, plainGradient), 1e-6, "\(name): gradient with weights of one")

      var expected = 0.0
      var expectedGradient = [Float](repeating: .nan, count: rows * cols)
      for r in 0..<rows {
        var rowGradient = [Float](repeating: .nan, count: cols)
        let rowLoss = kernel(Array(p[(r * cols)..<((r + 1) * cols)]), Array(t[(r * width)..<((r + 1) * width)]), 1, &rowGradient, nil)
        expected += Double(w[r]) * rowLoss / Double(rows)
        for c in 0..<cols { expectedGradient[r * cols + c] = rowGradient[c] * w[r] / Float(rows) }
      }
      var weightedGradient = [Float](repeating: .nan, count: rows * cols)
      let weighted = kernel(p, t, rows, &weightedGradient, w)
      XCTAssertEqual(weighted, expected, accuracy: 1e-6 * max(abs(expected), 1), "\(name): weighted")
      XCTAssertLessThanOrEqual(maxAbsDifference(weightedGradient, expectedGradient), 1e-6, "\(name): weighted gradient")
    }
  }
}
