// RecurrentDropout.swift: Keras's recurrent_dropout: each gate's h_{t−1}·U_k on h_{t−1} ⊙ its own mask (implementation 1).
import CBLAS

// Shapes: g gates of u units (LSTM 4, GRU 3, SimpleRNN 1), gate width G = g·u. Masks R [n, G]: gate k's mask at
// columns k·u..<(k+1)·u, one per sample for all steps. The masked states are kept for backward as
// H̃ [n, T, G]: row (s, t) = h_{s,t} ⊙ R_s (the row of the last step stays zero: no step reads it).

/// A recurrent layer's recurrent-dropout buffers: masks R [n, G], masked states H̃ [n, T, G], backward scratch [n, u].
public struct RecurrentDropoutBuffers: @unchecked Sendable {
  public var masks: UnsafeMutablePointer<Float>
  public var saved: UnsafeMutablePointer<Float>
  public var scratch: UnsafeMutablePointer<Float>

  public init(masks: UnsafeMutablePointer<Float>, saved: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
    self.masks = masks
    self.saved = saved
    self.scratch = scratch
  }

  /// Zeroes H̃'s last-step rows, the only ones no step writes (so pairs across samples add nothing to dU).
  func clearLastSteps(count n: Int, steps T: Int, width: Int) {
    for s in 0..<n { (saved + (s * T + T - 1) * width).update(repeating: 0, count: width) }
  }

  /// The buffers of the samples from `first` on (for a part of the batch).
  func from(_ first: Int, steps T: Int, units u: Int, gates g: Int) -> RecurrentDropoutBuffers {
    RecurrentDropoutBuffers(masks: masks + first * g * u, saved: saved + first * T * g * u, scratch: scratch + first * u)
  }
}

/// Draws Keras's dropout masks: mask [count] ∈ {0, 1/(1 − rate)}.
@inline(__always)
public func drawDropoutMask(_ mask: UnsafeMutablePointer<Float>, count: Int, rate: Float, rng: inout Random) {
  // Each 64-bit draw gives two independent 32-bit uniforms u; a unit drops when u < rate·2³² (exact to 2⁻³²).
  let scale = 1 / (1 - rate)
  let threshold = UInt64((Double(rate) * 4_294_967_296).rounded())
  var i = 0
  while i + 2 <= count {
    let bits = rng.next()
    mask[i] = bits & 0xFFFF_FFFF < threshold ? 0 : scale
    mask[i + 1] = bits >> 32 < threshold ? 0 : scale
    i += 2
  }
  if i < count { mask[i] = rng.next() & 0xFFFF_FFFF < threshold ? 0 : scale }
}

/// Y_t [rows, G] += Σ_k (h_{t−1} ⊙ R_k) · U[:, k] — the step product with recurrent dropout — storing the masked
/// states in `saved` (H̃'s row for step t − 1). `h` and `saved`/`y` rows are `hiddenStride`/`gateStride` apart.
/// Only the first `products` gates are multiplied (GRU reset_after=False multiplies its candidate's state later).
@inline(__always)
func maskedStepProduct(
  _ h: UnsafePointer<Float>, rows: Int, units u: Int, gates g: Int, products: Int? = nil, hiddenStride: Int, masks R: UnsafePointer<Float>,
  saved: UnsafeMutablePointer<Float>, _ U: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, gateStride: Int
) {
  let width = g * u
  for s in 0..<rows {
    let hs = h + s * hiddenStride, out = saved + s * gateStride, mask = R + s * width
    for k in 0..<g {
      for j in 0..<u { out[k * u + j] = hs[j] * mask[k * u + j] }
    }
  }
  for k in 0..<(products ?? g) {
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(u), Int32(u), 1, saved + k * u, Int32(gateStride), U + k * u,
      Int32(width), 1, y + k * u, Int32(gateStride))
  }
}

/// dH_{t−1} [rows, u] += Σ_k (dG_{t,k} · U[:, k]ᵀ) ⊙ R_k, the backward of `maskedStepProduct` into the states;
/// `scratch` holds [rows, u]; only the first `products` gates (see `maskedStepProduct`).
@inline(__always)
func maskedStepGradient(
  _ dG: UnsafePointer<Float>, rows: Int, units u: Int, gates g: Int, products: Int? = nil, gateStride: Int, masks R: UnsafePointer<Float>,
  _ U: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, into dH: UnsafeMutablePointer<Float>, hiddenStride: Int
) {
  let width = g * u
  for k in 0..<(products ?? g) {
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(u), Int32(u), 1, dG + k * u, Int32(gateStride), U + k * u,
      Int32(width), 0, scratch, Int32(u))
    for s in 0..<rows {
      let d = dH + s * hiddenStride, part = scratch + s * u, mask = R + s * width + k * u
      for j in 0..<u { d[j] += part[j] * mask[j] }
    }
  }
}

/// dU [u, G] += Σ_k H̃_kᵀ · dG_k over consecutive steps: gate k's block from the masked states of step t − 1 and the
/// gate gradients of step t. H̃'s last-step rows are zero, so pairs across samples add nothing. Only the first
/// `products` gates (see `maskedStepProduct`).
@inline(__always)
func maskedRecurrentKernelGradient(
  saved: UnsafePointer<Float>, gateGradients dG: UnsafePointer<Float>, count n: Int, steps T: Int, units u: Int, gates g: Int,
  products: Int? = nil, into dU: UnsafeMutablePointer<Float>
) {
  let width = g * u
  guard n * T > 1 else { return }
  for k in 0..<(products ?? g) {
    cblas_sgemm(
      CblasRowMajor, CblasTrans, CblasNoTrans, Int32(u), Int32(u), Int32(n * T - 1), 1, saved + k * u, Int32(width),
      dG + width + k * u, Int32(width), 1, dU + k * u, Int32(width))
  }
}

// MARK: - Per-gate input dropout

/// Keras's input dropout when recurrent_dropout is on (implementation 1): each gate multiplies the inputs by its own
/// mask. Masks [n, g·d] (gate k's at columns k·d..<(k+1)·d), the same at every step; scratch [n·T, d].
public struct InputDropoutBuffers: @unchecked Sendable {
  public var masks: UnsafeMutablePointer<Float>
  public var scratch: UnsafeMutablePointer<Float>

  public init(masks: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
    self.masks = masks
    self.scratch = scratch
  }

  /// scratch [n, T, d] = x ⊙ gate k's mask.
  func mask(_ x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, gates g: Int, gate k: Int) {
    forEachStepRow(count: n, steps: T, width: d, masks: masks + k * d, maskStride: g * d) { row, m in
      for j in 0..<d { scratch[row + j] = x[row + j] * m[j] }
    }
  }
}

/// G [n·T, g·u] = for each gate k, (X ⊙ M_k) · W[:, k·u..<(k+1)·u] (no bias).
@inline(__always)
func maskedProjection(
  _ x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int, gates g: Int, kernel W: UnsafePointer<Float>,
  dropout: InputDropoutBuffers, into G: UnsafeMutablePointer<Float>
) {
  for k in 0..<g {
    dropout.mask(x, count: n, steps: T, inputs: d, gates: g, gate: k)
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n * T), Int32(u), Int32(d), 1, dropout.scratch, Int32(d), W + k * u,
      Int32(g * u), 0, G + k * u, Int32(g * u))
  }
}

/// The backward of `maskedProjection`: dW[:, k] += (X ⊙ M_k)ᵀ · dG_k, and dx = Σ_k (dG_k · W[:, k]ᵀ) ⊙ M_k when given.
@inline(__always)
func maskedProjectionBackward(
  _ dG: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int, gates g: Int,
  kernel W: UnsafePointer<Float>, dropout: InputDropoutBuffers, dKernel: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
) {
  for k in 0..<g {
    dropout.mask(x, count: n, steps: T, inputs: d, gates: g, gate: k)
    cblas_sgemm(
      CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(u), Int32(n * T), 1, dropout.scratch, Int32(d), dG + k * u,
      Int32(g * u), 1, dKernel + k * u, Int32(g * u))
  }
  guard let dx else { return }
  dx.update(repeating: 0, count: n * T * d)
  for k in 0..<g {
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n * T), Int32(d), Int32(u), 1, dG + k * u, Int32(g * u), W + k * u,
      Int32(g * u), 0, dropout.scratch, Int32(d))
    forEachStepRow(count: n, steps: T, width: d, masks: dropout.masks + k * d, maskStride: g * d) { row, m in
      for j in 0..<d { dx[row + j] += dropout.scratch[row + j] * m[j] }
    }
  }
}
