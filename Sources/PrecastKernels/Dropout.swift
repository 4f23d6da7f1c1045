// Dropout.swift: inverted dropout (Keras semantics: kept units scaled by 1/(1-rate), training only).

/// Training forward: draws a keep-mask with probability 1 − rate, stores mask[i] ∈ {0, 1/(1−rate)}
/// and writes y = x ⊙ mask. Inference is the identity, so the generated `predict` skips the layer.
@inline(__always)
public func dropoutForward(
  _ x: UnsafePointer<Float>, count: Int, rate: Float, mask: UnsafeMutablePointer<Float>,
  output y: UnsafeMutablePointer<Float>, rng: inout Random
) {
  drawDropoutMask(mask, count: count, rate: rate, rng: &rng)
  map8(x, y, count: count, mask) { $0 * $1 }
}

/// dx = dy ⊙ mask (in place).
@inline(__always)
public func dropoutBackward(_ dy: UnsafeMutablePointer<Float>, count: Int, mask: UnsafePointer<Float>) {
  update8(dy, mask, count: count) { $0 * $1 }
}

/// A recurrent layer's input dropout (Keras's `dropout=` with `recurrent_dropout=0`): one keep-mask per sample and
/// feature, mask [n, width] ∈ {0, 1/(1−rate)}, the same at every step; y [n, steps, width] = x ⊙ mask.
@inline(__always)
public func sequenceDropoutForward(
  _ x: UnsafePointer<Float>, count n: Int, steps: Int, width: Int, rate: Float, mask: UnsafeMutablePointer<Float>,
  output y: UnsafeMutablePointer<Float>, rng: inout Random
) {
  drawDropoutMask(mask, count: n * width, rate: rate, rng: &rng)
  forEachStepRow(count: n, steps: steps, width: width, masks: mask, maskStride: width) { row, m in
    for j in 0..<width { y[row + j] = x[row + j] * m[j] }
  }
}

/// dx [n, steps, width] ⊙= mask [n, width] (in place), the backward of `sequenceDropoutForward`.
@inline(__always)
public func sequenceDropoutBackward(_ dx: UnsafeMutablePointer<Float>, count n: Int, steps: Int, width: Int, mask: UnsafePointer<Float>) {
  forEachStepRow(count: n, steps: steps, width: width, masks: mask, maskStride: width) { row, m in
    for j in 0..<width { dx[row + j] *= m[j] }
  }
}

/// Calls `body` with each row offset of an [n, steps, width] buffer and its sample's mask row: a per-sample mask
/// (rows `maskStride` apart from `masks`) broadcast over the steps, as Keras's RNN dropout applies it.
@inline(__always)
func forEachStepRow(
  count n: Int, steps: Int, width: Int, masks: UnsafePointer<Float>, maskStride: Int,
  _ body: (_ row: Int, _ mask: UnsafePointer<Float>) -> Void
) {
  for s in 0..<n {
    let m = masks + s * maskStride
    for t in 0..<steps { body((s * steps + t) * width, m) }
  }
}
