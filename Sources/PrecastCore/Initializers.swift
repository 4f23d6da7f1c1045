// Initializers.swift: Keras's weight initializers (formulas from keras/src/initializers), seeded.

/// A Keras initializer. Fans are computed by the caller (Dense: fanIn = inputs, fanOut = units).
public enum Initializer: String, Sendable, Equatable, CaseIterable {
  /// `glorot_uniform` (Keras's default kernel initializer): U(−l, l), l = √(6/(fanIn+fanOut)).
  case glorotUniform = "glorot_uniform"
  /// Keras 2's `'uniform'`: RandomUniform(−0.05, 0.05).
  case uniform = "uniform"
  /// Keras 2's `'normal'`: RandomNormal(mean 0, stddev 0.05).
  case normal = "normal"
  /// `zeros` (Keras's default bias initializer).
  case zeros = "zeros"
  /// `ones`.
  case ones = "ones"
  /// `he_normal`: truncated normal (cut at 2σ), σ = √(2/fanIn)/0.87962566.
  case heNormal = "he_normal"
  /// `he_uniform`: U(−l, l), l = √(6/fanIn).
  case heUniform = "he_uniform"

  /// Fills `count` values.
  public func fill(_ p: UnsafeMutablePointer<Float>, count: Int, fanIn: Int, fanOut: Int, rng: inout Random) {
    switch self {
    case .zeros: p.update(repeating: 0, count: count)
    case .ones: p.update(repeating: 1, count: count)
    case .glorotUniform: fillUniform(p, count, limit: (6 / Double(fanIn + fanOut)).squareRoot(), &rng)
    case .uniform: fillUniform(p, count, limit: 0.05, &rng)
    case .heUniform: fillUniform(p, count, limit: (6 / Double(fanIn)).squareRoot(), &rng)
    case .normal: for i in 0..<count { p[i] = Float(0.05 * rng.nextNormal()) }
    case .heNormal:
      let stddev = (2 / Double(fanIn)).squareRoot() / 0.87962566103423978
      for i in 0..<count { p[i] = Float(stddev * truncatedNormal(&rng)) }
    }
  }

  private func fillUniform(_ p: UnsafeMutablePointer<Float>, _ count: Int, limit: Double, _ rng: inout Random) {
    for i in 0..<count { p[i] = Float((2 * rng.nextUnitDouble() - 1) * limit) }
  }

  /// Standard normal resampled until |x| ≤ 2 (TensorFlow's truncated_normal).
  private func truncatedNormal(_ rng: inout Random) -> Double {
    while true {
      let x = rng.nextNormal()
      if abs(x) <= 2 { return x }
    }
  }
}
