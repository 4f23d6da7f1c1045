// SimpleRNN.swift: Keras's SimpleRNN (h' = tanh(x·W + h·U + b)) over whole sequences, forward and backward through time.
import CBLAS
import Glibc

/// Runs the RNN into H [n, T, u] (h₀ = 0): the input projection of all steps is one GEMM, each step adds
/// h_{t−1}·U with one GEMM over the batch, then tanh in place.
@inline(__always)
public func simpleRNNForward(
  _ x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int,
  kernel W: UnsafePointer<Float>, recurrentKernel U: UnsafePointer<Float>, bias: UnsafePointer<Float>?, hidden H: UnsafeMutablePointer<Float>,
  recurrentDropout: RecurrentDropoutBuffers? = nil, activation: GateActivation = .tanh, mask: UnsafePointer<Float>? = nil
) {
  recurrentDropout?.clearLastSteps(count: n, steps: T, width: u)
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n * T), Int32(u), Int32(d), 1, x, Int32(d), W, Int32(u), 0, H, Int32(u))
  if let bias { for r in 0..<(n * T) { update8(H + r * u, bias, count: u) { $0 + $1 } } }
  let (recurrent, hidden) = (SharedPointer(U), SharedPointer(H))
  let stepMask = mask.map(SharedPointer.init)
  forEachBatchPart(n, minimumPerPart: 16) { first, rows in
    let U = recurrent.base, H = hidden.base + first * T * u, rd = recurrentDropout?.from(first, steps: T, units: u, gates: 1)
    let mask = stepMask.map { UnsafePointer($0.base) + first * T }
    for t in 0..<T {
      let ht = H + t * u
      if t > 0, let rd {
        maskedStepProduct(
          ht - u, rows: rows, units: u, gates: 1, hiddenStride: T * u, masks: rd.masks, saved: rd.saved + (t - 1) * u, U, into: ht,
          gateStride: T * u)
      } else if t > 0 {
        stepProduct(ht - u, rows: rows, inner: u, rowStride: T * u, U, cols: u, into: ht, rowStride: T * u)
      }
      for s in 0..<rows {
        let h = ht + s * T * u
        activateInPlace(h, units: u, activation)
        if isMasked(mask, s, t, steps: T) { carryState(h, units: u, first: t == 0) }  // mask_zero: h carries over
      }
    }
  }
}

/// Backward through time given dH [n, T, u] (∂loss/∂hidden states), overwritten with the pre-activation gradients:
/// accumulates dW += Xᵀ·dA, dU += Σ H_{t−1}ᵀ·dA_t, dBias += Σ dA; writes dx = dA·Wᵀ when given.
@inline(__always)
public func simpleRNNBackward(
  _ dH: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int,
  kernel W: UnsafePointer<Float>, recurrentKernel U: UnsafePointer<Float>, hidden H: UnsafePointer<Float>,
  dKernel: UnsafeMutablePointer<Float>, dRecurrentKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
  dx: UnsafeMutablePointer<Float>?, recurrentDropout: RecurrentDropoutBuffers? = nil, activation: GateActivation = .tanh,
  mask: UnsafePointer<Float>? = nil
) {
  let (recurrent, hidden, dHidden) = (SharedPointer(U), SharedPointer(H), SharedPointer(dH))
  let stepMask = mask.map(SharedPointer.init)
  forEachBatchPart(n, minimumPerPart: 16) { first, rows in
    let U = recurrent.base, H = hidden.base + first * T * u, dH = dHidden.base + first * T * u
    let rd = recurrentDropout?.from(first, steps: T, units: u, gates: 1)
    let mask = stepMask.map { UnsafePointer($0.base) + first * T }
    let Ut = transposedCopy(U, units: u, gates: u)
    defer { Ut.deallocate() }
    for t in stride(from: T - 1, through: 0, by: -1) {
      for s in 0..<rows {
        let dh = dH + (s * T + t) * u, h = H + (s * T + t) * u
        if isMasked(mask, s, t, steps: T) {  // a carried step: ∂h passes to t − 1, no pre-activation gradient
          if t > 0 { carryGradient(dh, units: u) }
          dh.update(repeating: 0, count: u)
          continue
        }
        multiplyByDerivative(dh, output: h, units: u, activation)
      }
      if t > 0, let rd {
        maskedStepGradient(
          dH + t * u, rows: rows, units: u, gates: 1, gateStride: T * u, masks: rd.masks, U, scratch: rd.scratch,
          into: dH + (t - 1) * u, hiddenStride: T * u)
      } else if t > 0 {
        stepGradientProduct(dH + t * u, rows: rows, gates: u, rowStride: T * u, transposed: Ut, units: u, into: dH + (t - 1) * u, rowStride: T * u)
      }
    }
  }
  if let recurrentDropout {
    maskedRecurrentKernelGradient(
      saved: recurrentDropout.saved, gateGradients: dH, count: n, steps: T, units: u, gates: 1, into: dRecurrentKernel)
  } else if T > 1 {
    recurrentKernelGradient(hidden: H, gateGradients: dH, count: n, steps: T, units: u, gates: u, into: dRecurrentKernel)
  }
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(u), Int32(n * T), 1, x, Int32(d), dH, Int32(u), 1, dKernel, Int32(u))
  if let dBias { sumRows(dH, rows: n * T, cols: u, into: dBias) }
  if let dx {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n * T), Int32(d), Int32(u), 1, dH, Int32(u), W, Int32(u), 0, dx, Int32(d))
  }
}

// MARK: - Shared by the recurrent layers

/// True when Keras's mask_zero masks sample `s`'s step `t` (mask [n, T], 0 = masked; nil = no mask).
@inline(__always)
func isMasked(_ mask: UnsafePointer<Float>?, _ s: Int, _ t: Int, steps T: Int) -> Bool {
  guard let mask else { return false }
  return mask[s * T + t] == 0
}

/// A masked step's state row [u]: the previous step's row carried over (zeros at the first step).
@inline(__always)
func carryState(_ state: UnsafeMutablePointer<Float>, units u: Int, first: Bool) {
  if first { state.update(repeating: 0, count: u) } else { state.update(from: state - u, count: u) }
}

/// The backward of `carryState`: the previous step's row [u] takes this row's gradient as well.
@inline(__always)
func carryGradient(_ d: UnsafeMutablePointer<Float>, units u: Int) {
  update8(d - u, d, count: u) { $0 + $1 }
}

/// mask [n, T] = 1 where the integer input is not 0, else 0: Keras's Embedding(mask_zero=True).
@inline(__always)
public func sequenceMask(_ x: UnsafePointer<Float>, count n: Int, steps T: Int, into mask: UnsafeMutablePointer<Float>) {
  for i in 0..<(n * T) { mask[i] = x[i] == 0 ? 0 : 1 }
}

/// Keras's Masking: mask [n, T] = 1 where some feature of the step differs from `maskValue`, else 0;
/// y [n, T, d] = x at the unmasked steps, 0 at the masked ones.
@inline(__always)
public func maskingForward(
  _ x: UnsafePointer<Float>, count n: Int, steps T: Int, features d: Int, maskValue: Float, mask: UnsafeMutablePointer<Float>,
  output y: UnsafeMutablePointer<Float>
) {
  for i in 0..<(n * T) {
    let row = x + i * d
    mask[i] = (0..<d).contains { row[$0] != maskValue } ? 1 : 0
    if mask[i] == 0 { (y + i * d).update(repeating: 0, count: d) } else { (y + i * d).update(from: row, count: d) }
  }
}

/// Zeroes the rows [width] of y [n, T, width] at masked steps (Bidirectional's outputs with return_sequences and a mask).
@inline(__always)
public func zeroMaskedSteps(_ y: UnsafeMutablePointer<Float>, count n: Int, steps T: Int, width: Int, mask: UnsafePointer<Float>) {
  for i in 0..<(n * T) where mask[i] == 0 { (y + i * width).update(repeating: 0, count: width) }
}

/// dU [u, g] += Σ_s Σ_{t≥1} H[s, t−1]ᵀ · dG[s, t] in two GEMMs: every (row, next row) pair of the flattened batch
/// H [n·T, u], dG [n·T, g], minus the n − 1 pairs that cross from one sample's last step to the next one's first.
@inline(__always)
func recurrentKernelGradient(
  hidden H: UnsafePointer<Float>, gateGradients dG: UnsafePointer<Float>, count n: Int, steps T: Int, units u: Int, gates g: Int,
  into dU: UnsafeMutablePointer<Float>
) {
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(u), Int32(g), Int32(n * T - 1), 1, H, Int32(u), dG + g, Int32(g), 1, dU, Int32(g))
  if n > 1 {
    cblas_sgemm(
      CblasRowMajor, CblasTrans, CblasNoTrans, Int32(u), Int32(g), Int32(n - 1), -1, H + (T - 1) * u, Int32(T * u), dG + T * g,
      Int32(T * g), 1, dU, Int32(g))
  }
}

/// Y [rows, cols] += X [rows, inner] · B [inner, cols] (row strides given; B dense): a step's h_{t−1}·U. One sgemv
/// for a single row (batch-1 inference, where sgemm's set-up dominates), else sgemm.
@inline(__always)
func stepProduct(
  _ x: UnsafePointer<Float>, rows: Int, inner: Int, rowStride ldx: Int, _ b: UnsafePointer<Float>, cols: Int,
  into y: UnsafeMutablePointer<Float>, rowStride ldy: Int
) {
  if rows == 1 {
    cblas_sgemv(CblasRowMajor, CblasTrans, Int32(inner), Int32(cols), 1, b, Int32(cols), x, 1, 1, y, 1)
  } else {
    smallGemm(m: rows, n: cols, k: inner, x, lda: ldx, b, ldb: cols, y, ldc: ldy)
  }
}

/// dH_{t−1} [rows, u] += dG_t [rows, g] · Uᵀ, with `transposed` = Uᵀ [g, u] made once per backward pass
/// (`transposedCopy`): a step's gradient through the recurrent kernel.
@inline(__always)
func stepGradientProduct(
  _ dG: UnsafePointer<Float>, rows: Int, gates g: Int, rowStride ldg: Int, transposed: UnsafePointer<Float>, units u: Int,
  into dH: UnsafeMutablePointer<Float>, rowStride ldh: Int
) {
  smallGemm(m: rows, n: u, k: g, dG, lda: ldg, transposed, ldb: u, dH, ldc: ldh)
}

/// Uᵀ [g, u] of the recurrent kernel U [u, g], newly allocated (the caller deallocates it).
@inline(__always)
func transposedCopy(_ U: UnsafePointer<Float>, units u: Int, gates g: Int) -> UnsafeMutablePointer<Float> {
  let t = UnsafeMutablePointer<Float>.allocate(capacity: u * g)
  transpose(U, rows: u, cols: g, into: t)
  return t
}

// MARK: - Step activations (specialised on tanh, Keras's default)

/// h [u] = f(h) in place, 8 lanes at a time.
@inline(__always)
func activateInPlace(_ h: UnsafeMutablePointer<Float>, units u: Int, _ activation: GateActivation) {
  func run<A: GateFunction>(_ f: A) {
    forEach8(u) { j, lanes in storePartial8(f(loadPartial8(h + j, lanes)), h + j, lanes) }
  }
  if activation == .tanh { run(TanhGate()) } else { run(activation) }
}

/// dh [u] ⊙= f′, f′ taken from the step's output h = f(a).
@inline(__always)
func multiplyByDerivative(_ dh: UnsafeMutablePointer<Float>, output h: UnsafePointer<Float>, units u: Int, _ activation: GateActivation) {
  func run<A: GateFunction>(_ f: A) {
    forEach8(u) { j, lanes in
      storePartial8(loadPartial8(dh + j, lanes) * f.derivative(output: loadPartial8(h + j, lanes)), dh + j, lanes)
    }
  }
  if activation == .tanh { run(TanhGate()) } else { run(activation) }
}
