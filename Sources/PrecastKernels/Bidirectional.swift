// Bidirectional.swift: merging a Bidirectional layer's forward and backward outputs, and splitting the gradient back.

/// Keras's `merge_mode` for the generated code.
public enum DirectionMerge: Sendable {
  case concat, sum, mul, ave
}

/// y = merge(f, b) for f, b [n, S, u] (S = steps with return_sequences, else 1): concat → [n, S, 2u], else
/// [n, S, u]. With `reversed` (return_sequences), b holds the backward direction's outputs in its own order,
/// so step t of the result takes b's step S − 1 − t, as Keras flips them back.
public func mergeDirections(
  _ mode: DirectionMerge, forward f: UnsafePointer<Float>, backward b: UnsafePointer<Float>, count n: Int, steps S: Int, units u: Int,
  reversed: Bool, output y: UnsafeMutablePointer<Float>
) {
  let width = mode == .concat ? 2 * u : u
  for s in 0..<n {
    for t in 0..<S {
      let fi = f + (s * S + t) * u, bi = b + (s * S + (reversed ? S - 1 - t : t)) * u, yi = y + (s * S + t) * width
      switch mode {
      case .concat:
        yi.update(from: fi, count: u)
        (yi + u).update(from: bi, count: u)
      case .sum: for j in 0..<u { yi[j] = fi[j] + bi[j] }
      case .mul: for j in 0..<u { yi[j] = fi[j] * bi[j] }
      case .ave: for j in 0..<u { yi[j] = (fi[j] + bi[j]) * 0.5 }
      }
    }
  }
}

/// The backward of `mergeDirections`: dy [n, S, width] → ∂loss/∂f into df and ∂loss/∂b into db [n, S, u]
/// (db in the backward direction's own step order when `reversed`).
public func splitDirectionGradient(
  _ mode: DirectionMerge, _ dy: UnsafePointer<Float>, forward f: UnsafePointer<Float>, backward b: UnsafePointer<Float>,
  count n: Int, steps S: Int, units u: Int, reversed: Bool,
  forwardGradient df: UnsafeMutablePointer<Float>, backwardGradient db: UnsafeMutablePointer<Float>
) {
  let width = mode == .concat ? 2 * u : u
  for s in 0..<n {
    for t in 0..<S {
      let r = s * S + (reversed ? S - 1 - t : t)
      let dyi = dy + (s * S + t) * width, dfi = df + (s * S + t) * u, dbi = db + r * u
      switch mode {
      case .concat:
        dfi.update(from: dyi, count: u)
        dbi.update(from: dyi + u, count: u)
      case .sum:
        dfi.update(from: dyi, count: u)
        dbi.update(from: dyi, count: u)
      case .mul:
        let fi = f + (s * S + t) * u, bi = b + r * u
        for j in 0..<u {
          dfi[j] = dyi[j] * bi[j]
          dbi[j] = dyi[j] * fi[j]
        }
      case .ave:
        for j in 0..<u {
          dfi[j] = dyi[j] * 0.5
          dbi[j] = dyi[j] * 0.5
        }
      }
    }
  }
}

/// a += b over `count` floats (the two directions' input gradients).
public func addInPlace(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
  update8(a, b, count: count) { $0 + $1 }
}
