// KernelTests.swift: BLAS kernels against plain loops, and losses against values computed by hand from Keras's formulas.
import PrecastRuntime
import XCTest

final class KernelTests: XCTestCase {
  func testDenseForwardMatchesNaiveForBatchOneAndMany() {
    var rng = Random(seed: 1)
    let (inputs, outputs) = (7, 5)
    let kernel = (0..<(inputs * outputs)).map { _ in Float(rng.nextNormal()) }
    for n in [1, 6] {
      let x = (0..<(n * inputs)).map { _ in Float(rng.nextNormal()) }
      let expected = denseForwardNaive(x, count: n, inputs: inputs, outputs: outputs, kernel: kernel, bias: nil)
      var y = [Float](repeating: 0, count: n * outputs)
      denseForward(x, count: n, inputs: inputs, outputs: outputs, kernel: kernel, output: &y)
      XCTAssertLessThanOrEqual(maxAbsDifference(y, expected), 1e-5)
    }
  }

  func testOpenBLASIsTheBLAS() {
    XCTAssertFalse(blasCoreName.isEmpty, "openblas_get_corename() is empty: not OpenBLAS")
  }

  /// Sigmoid + BCE from logits equals −[t·log σ(z) + (1−t)·log(1−σ(z))] computed in Double.
  func testSigmoidBinaryCrossentropyValueAndGradient() {
    let z: [Float] = [-3, 0.5, 8]
    let t: [Float] = [0, 1, 1]
    let p = z.map { 1 / (1 + exp(-$0)) }
    var grad = [Float](repeating: 0, count: 3)
    let loss = sigmoidBinaryCrossentropy(logits: z, probabilities: p, targets: t, rows: 3, cols: 1, grad: &grad)
    let expected = zip(z, t).map { z, t -> Double in
      let s = 1 / (1 + Foundation.exp(-Double(z)))
      return -(Double(t) * Foundation.log(s) + (1 - Double(t)) * Foundation.log(1 - s))
    }.reduce(0, +) / 3
    XCTAssertEqual(loss, expected, accuracy: 1e-6)
    for i in 0..<3 { XCTAssertEqual(grad[i], (p[i] - t[i]) / 3, accuracy: 1e-7) }
  }

  /// Softmax + CCE from logits equals log Σ e^z − z_label (no clipping, as Keras on TensorFlow).
  func testSoftmaxCrossentropyMatchesLogSumExp() {
    let z: [Float] = [1, 2, 3, 100, 0, -100]
    var p = [Float](repeating: 0, count: 6)
    activate(z, rows: 2, cols: 3, .softmax, output: &p)
    let onehot: [Float] = [0, 0, 1, 0, 0, 1]
    var grad = [Float](repeating: 0, count: 6)
    let loss = softmaxCategoricalCrossentropy(logits: z, probabilities: p, targets: onehot, rows: 2, cols: 3, grad: &grad)
    let row1 = Foundation.log(Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)) - 3
    let row2 = 200.0  // log Σ ≈ 100, minus (−100)
    XCTAssertEqual(loss, (row1 + row2) / 2, accuracy: 1e-4)
    var sparseGrad = [Float](repeating: 0, count: 6)
    let sparse = softmaxSparseCategoricalCrossentropy(logits: z, probabilities: p, labels: [2, 2], rows: 2, cols: 3, grad: &sparseGrad)
    XCTAssertEqual(sparse, loss, accuracy: 1e-9)
    XCTAssertEqual(sparseGrad, grad)
  }

  /// Adam's first step moves each weight by ≈ lr·sign(g) (Keras's bias-corrected rule).
  func testAdamFirstStep() {
    let optimizer = Optimizer(.adam(), count: 2)
    var w: [Float] = [1, 1]
    optimizer.step(&w, gradients: [0.5, -2])
    XCTAssertEqual(w[0], 1 - 0.001, accuracy: 1e-6)
    XCTAssertEqual(w[1], 1 + 0.001, accuracy: 1e-6)
  }

  /// The 8-lane path and the scalar tail of Adam give the same updates (19 = 2·8 + 3), over several steps.
  func testAdamVectorAndTailAgree() {
    let optimizer = Optimizer(.adam(learningRate: 0.01), count: 19)
    var w = [Float](repeating: 0.5, count: 19)
    for step in 0..<5 { optimizer.step(&w, gradients: [Float](repeating: Float(step) - 1.5, count: 19)) }
    XCTAssertEqual(Set(w).count, 1, "\(w)")
    XCTAssertNotEqual(w[0], 0.5)
  }

  /// Glorot uniform draws stay within √(6/(fanIn+fanOut)) and have the matching variance.
  func testGlorotUniformLimitsAndVariance() {
    var rng = Random(seed: 4)
    var w = [Float](repeating: 0, count: 100_000)
    Initializer.glorotUniform.fill(&w, count: w.count, fanIn: 300, fanOut: 100, rng: &rng)
    let limit = Float((6.0 / 400).squareRoot())
    XCTAssertLessThanOrEqual(w.map(abs).max()!, limit)
    let variance = w.map { Double($0 * $0) }.reduce(0, +) / Double(w.count)
    XCTAssertEqual(variance, Double(limit * limit) / 3, accuracy: 2e-4)
  }
}
