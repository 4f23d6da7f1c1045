// Dropout.swift: inverted dropout (Keras semantics: kept units scaled by 1/(1-rate), training only).

/// Training forward: draws a keep-mask with probability 1 − rate, stores mask[i] ∈ {0, 1/(1−rate)}
/// and writes y = x ⊙ mask. Inference is the identity, so the generated `predict` skips the layer.
@inline(__always)
public func dropoutForward(
  _ x: UnsafePointer<Float>, count: Int, rate: Float, mask: UnsafeMutablePointer<Float>,
  output y: UnsafeMutablePointer<Float>, rng: inout Random
) {
  let scale = 1 / (1 - rate)
  for i in 0..<count {
    mask[i] = rng.nextUnitFloat() < rate ? 0 : scale
    y[i] = x[i] * mask[i]
  }
}

/// dx = dy ⊙ mask (in place).
@inline(__always)
public func dropoutBackward(_ dy: UnsafeMutablePointer<Float>, count: Int, mask: UnsafePointer<Float>) {
  for i in 0..<count { dy[i] *= mask[i] }
}
