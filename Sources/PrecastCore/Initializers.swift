// Initializers.swift: Keras's weight initializers (formulas from keras/src/initializers), seeded.

/// A Keras initializer (Docs/keras-formulas.md §5). Fans are computed by the caller (Dense: fanIn = inputs,
/// fanOut = units; Conv2D: both times the kernel's area). Only the distributions match Keras: its random bits
/// come from the backend's generator.
public enum Initializer: Sendable, Equatable {
  /// `glorot_uniform` (Keras's default kernel initializer): U(−l, l), l = √(6/(fanIn+fanOut)).
  case glorotUniform
  /// `glorot_normal`: truncated normal (cut at 2σ), σ = √(2/(fanIn+fanOut))/0.87962566.
  case glorotNormal
  /// `he_uniform`: U(−l, l), l = √(6/fanIn).
  case heUniform
  /// `he_normal`: truncated normal, σ = √(2/fanIn)/0.87962566.
  case heNormal
  /// `lecun_uniform`: U(−l, l), l = √(3/fanIn).
  case lecunUniform
  /// `lecun_normal`: truncated normal, σ = √(1/fanIn)/0.87962566.
  case lecunNormal
  /// Keras 2's `'uniform'`: RandomUniform(−0.05, 0.05).
  case uniform
  /// Keras 2's `'normal'`: RandomNormal(mean 0, stddev 0.05).
  case normal
  /// `zeros` (Keras's default bias initializer).
  case zeros
  /// `ones`.
  case ones
  /// `Constant(value)`.
  case constant(Float)
  /// `RandomNormal(mean=0.0, stddev=0.05)`.
  case randomNormal(mean: Float = 0, stddev: Float = 0.05)
  /// `RandomUniform(minval=-0.05, maxval=0.05)`.
  case randomUniform(minval: Float = -0.05, maxval: Float = 0.05)
  /// `TruncatedNormal(mean=0.0, stddev=0.05)`: normal values beyond 2 stddev redrawn.
  case truncatedNormal(mean: Float = 0, stddev: Float = 0.05)
  /// `Orthogonal(gain=1.0)`: the weight viewed as [∏ shape[..<last], last] has orthonormal rows or columns.
  case orthogonal(gain: Float = 1)
  /// An LSTM bias with `unit_forget_bias=True`: zeros, except ones for the forget gate (the second quarter).
  case unitForgetBias

  /// Fills `count` values of a weight of `shape` (used by `orthogonal`; [count] when omitted).
  public func fill(_ p: UnsafeMutablePointer<Float>, count: Int, fanIn: Int, fanOut: Int, shape: [Int]? = nil, rng: inout Random) {
    let truncation = 0.87962566103423978  // stddev of a standard normal cut at ±2
    switch self {
    case .zeros: p.update(repeating: 0, count: count)
    case .ones: p.update(repeating: 1, count: count)
    case .constant(let value): p.update(repeating: value, count: count)
    case .glorotUniform: fillUniform(p, count, -(6 / Double(fanIn + fanOut)).squareRoot(), (6 / Double(fanIn + fanOut)).squareRoot(), &rng)
    case .heUniform: fillUniform(p, count, -(6 / Double(fanIn)).squareRoot(), (6 / Double(fanIn)).squareRoot(), &rng)
    case .lecunUniform: fillUniform(p, count, -(3 / Double(fanIn)).squareRoot(), (3 / Double(fanIn)).squareRoot(), &rng)
    case .uniform: fillUniform(p, count, -0.05, 0.05, &rng)
    case .randomUniform(let low, let high): fillUniform(p, count, Double(low), Double(high), &rng)
    case .normal: for i in 0..<count { p[i] = Float(0.05 * rng.nextNormal()) }
    case .randomNormal(let mean, let stddev): for i in 0..<count { p[i] = Float(Double(mean) + Double(stddev) * rng.nextNormal()) }
    case .truncatedNormal(let mean, let stddev):
      for i in 0..<count { p[i] = Float(Double(mean) + Double(stddev) * truncatedNormal(&rng)) }
    case .glorotNormal: fillTruncated(p, count, stddev: (2 / Double(fanIn + fanOut)).squareRoot() / truncation, &rng)
    case .heNormal: fillTruncated(p, count, stddev: (2 / Double(fanIn)).squareRoot() / truncation, &rng)
    case .lecunNormal: fillTruncated(p, count, stddev: (1 / Double(fanIn)).squareRoot() / truncation, &rng)
    case .unitForgetBias:
      p.update(repeating: 0, count: count)
      (p + count / 4).update(repeating: 1, count: count / 4)
    case .orthogonal(let gain):
      let columns = max(shape?.last ?? count, 1)
      fillOrthogonal(p, rows: count / columns, columns: columns, gain: Double(gain), &rng)
    }
  }

  private func fillUniform(_ p: UnsafeMutablePointer<Float>, _ count: Int, _ low: Double, _ high: Double, _ rng: inout Random) {
    for i in 0..<count { p[i] = Float(low + (high - low) * rng.nextUnitDouble()) }
  }

  private func fillTruncated(_ p: UnsafeMutablePointer<Float>, _ count: Int, stddev: Double, _ rng: inout Random) {
    for i in 0..<count { p[i] = Float(stddev * truncatedNormal(&rng)) }
  }

  /// Standard normal resampled until |x| ≤ 2 (TensorFlow's truncated_normal).
  private func truncatedNormal(_ rng: inout Random) -> Double {
    while true {
      let x = rng.nextNormal()
      if abs(x) <= 2 { return x }
    }
  }

  /// Keras's Orthogonal: a normal [max(r, c), min(r, c)] matrix, its QR factor Q with each column's sign
  /// fixed by diag(R), transposed when rows < columns, times `gain`. QR by modified Gram–Schmidt in Double.
  private func fillOrthogonal(_ p: UnsafeMutablePointer<Float>, rows: Int, columns: Int, gain: Double, _ rng: inout Random) {
    let tall = max(rows, columns), narrow = min(rows, columns)
    var q = (0..<(tall * narrow)).map { _ in rng.nextNormal() }  // [tall, narrow], column j at q[i*narrow + j]
    for j in 0..<narrow {
      for k in 0..<j {
        var dot = 0.0
        for i in 0..<tall { dot += q[i * narrow + k] * q[i * narrow + j] }
        for i in 0..<tall { q[i * narrow + j] -= dot * q[i * narrow + k] }
      }
      var norm = 0.0
      for i in 0..<tall { norm += q[i * narrow + j] * q[i * narrow + j] }
      norm = norm.squareRoot()
      // R's diagonal is this norm (> 0), so sign(diag R) = +1: Q's columns stay as Gram–Schmidt made them.
      for i in 0..<tall { q[i * narrow + j] /= max(norm, 1e-300) }
    }
    for r in 0..<rows {
      for c in 0..<columns {
        let value = rows >= columns ? q[r * narrow + c] : q[c * narrow + r]
        p[r * columns + c] = Float(gain * value)
      }
    }
  }
}
