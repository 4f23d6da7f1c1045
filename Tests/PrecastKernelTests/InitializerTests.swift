// InitializerTests.swift: each Keras initializer's distribution: limits, mean and variance; orthogonality.
import PrecastRuntime
import PrecastTestSupport
import XCTest

final class InitializerTests: XCTestCase {
  private func sample(_ initializer: Initializer, fanIn: Int = 200, fanOut: Int = 300, shape: [Int] = [200, 300]) -> [Float] {
    var rng = Random(seed: 21)
    var w = [Float](repeating: .nan, count: shape.reduce(1, *))
    initializer.fill(&w, count: w.count, fanIn: fanIn, fanOut: fanOut, shape: shape, rng: &rng)
    return w
  }

  private func moments(_ w: [Float]) -> (mean: Double, variance: Double, maxAbs: Double) {
    let mean = w.reduce(0.0) { $0 + Double($1) } / Double(w.count)
    let variance = w.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(w.count)
    return (mean, variance, w.reduce(0.0) { worse($0, abs(Double($1))) })
  }

  /// The variance-scaling family (fans 200 and 300, 60,000 draws): Keras's variances and limits.
  func testVarianceScalingFamily() {
    let cases: [(Initializer, variance: Double, limit: Double)] = [
      (.glorotUniform, 2.0 / 500, (6.0 / 500).squareRoot()),
      (.glorotNormal, 2.0 / 500, 2 * (2.0 / 500).squareRoot() / 0.87962566),
      (.heUniform, 2.0 / 200, (6.0 / 200).squareRoot()),
      (.heNormal, 2.0 / 200, 2 * (2.0 / 200).squareRoot() / 0.87962566),
      (.lecunUniform, 1.0 / 200, (3.0 / 200).squareRoot()),
      (.lecunNormal, 1.0 / 200, 2 * (1.0 / 200).squareRoot() / 0.87962566),
    ]
    for (initializer, variance, limit) in cases {
      let m = moments(sample(initializer))
      XCTAssertEqual(m.mean, 0, accuracy: 3 * (variance / 60_000).squareRoot(), "\(initializer)")
      XCTAssertEqual(m.variance, variance, accuracy: 0.03 * variance, "\(initializer)")
      XCTAssertLessThanOrEqual(m.maxAbs, limit * 1.000001, "\(initializer)")
      XCTAssertGreaterThan(m.maxAbs, limit * 0.9, "\(initializer): the draws reach near the limit")
    }
  }

  /// The parameterised ones: RandomNormal, RandomUniform, TruncatedNormal (std of the cut normal), Constant.
  func testParameterisedInitializers() {
    var m = moments(sample(.randomNormal(mean: 0.5, stddev: 0.1)))
    XCTAssertEqual(m.mean, 0.5, accuracy: 0.002)
    XCTAssertEqual(m.variance.squareRoot(), 0.1, accuracy: 0.002)
    let uniform = sample(.randomUniform(minval: -0.2, maxval: 0.3))
    XCTAssertTrue(uniform.allSatisfy { $0 >= -0.2 && $0 <= 0.3 })
    XCTAssertEqual(moments(uniform).mean, 0.05, accuracy: 0.002)
    m = moments(sample(.truncatedNormal(mean: 0, stddev: 0.1)))
    XCTAssertLessThanOrEqual(m.maxAbs, 0.2 + 1e-6)
    XCTAssertEqual(m.variance.squareRoot(), 0.1 * 0.87962566, accuracy: 0.002)
    XCTAssertEqual(Set(sample(.constant(3))), [3])
    XCTAssertEqual(Set(sample(.ones)), [1])
  }

  /// Orthogonal: wide weights have orthonormal rows, tall ones orthonormal columns (times the gain); a Conv2D
  /// kernel [3, 3, 4, 8] is viewed as [36, 8].
  func testOrthogonalRowsOrColumns() {
    for (shape, gain) in [([20, 30], Float(1)), ([30, 20], Float(2)), ([3, 3, 4, 8], Float(1))] {
      let w = sample(.orthogonal(gain: gain), shape: shape)
      let columns = shape.last!, rows = w.count / columns
      let (n, stride, step) = rows >= columns ? (columns, 1, columns) : (rows, columns, 1)  // vectors: columns or rows
      let length = rows >= columns ? rows : columns
      for a in 0..<n {
        for b in 0..<n {
          var dot = 0.0
          for i in 0..<length {
            let ia = rows >= columns ? i * step + a : a * stride + i
            let ib = rows >= columns ? i * step + b : b * stride + i
            dot += Double(w[ia]) * Double(w[ib])
          }
          XCTAssertEqual(dot, a == b ? Double(gain * gain) : 0, accuracy: 1e-4, "\(shape) (\(a), \(b))")
        }
      }
    }
  }
}
