// LSTM.swift: Keras's LSTM over whole sequences (gates i, f, c, o; tanh / sigmoid), forward and backward through time.
import CBLAS
import Glibc

// Shapes (row-major, batch-major): x [n, T, d], kernel W [d, 4u], recurrent kernel U [u, 4u], bias [4u] with the
// gate blocks i, f, c (candidate), o of u columns each, as Keras stores them. The input projection of all steps is
// one GEMM; each step adds h_{t−1}·U with one GEMM over the batch. Forward keeps the activated gates, the cell
// states and the hidden states for backward, which reuses the gate buffer for their gradients.

/// Runs the LSTM: gates G [n, T, 4u] (activated), cells C [n, T, u], hidden H [n, T, u]; h₀ = c₀ = 0. `mask`
/// [n, T] (Keras's mask_zero, in processing order) is 0 at the steps whose states carry over unchanged.
@inline(__always)
public func lstmForward(
  _ x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int,
  kernel W: UnsafePointer<Float>, recurrentKernel U: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  gates G: UnsafeMutablePointer<Float>, cells C: UnsafeMutablePointer<Float>, hidden H: UnsafeMutablePointer<Float>,
  recurrentDropout: RecurrentDropoutBuffers? = nil, inputDropout: InputDropoutBuffers? = nil,
  activation: GateActivation = .tanh, recurrentActivation: GateActivation = .sigmoid, mask: UnsafePointer<Float>? = nil
) {
  let g4 = 4 * u
  recurrentDropout?.clearLastSteps(count: n, steps: T, width: g4)
  // G [n·T, 4u] = X [n·T, d] · W [d, 4u] (+ bias); with per-gate input dropout, gate by gate on X ⊙ its mask
  if let inputDropout {
    maskedProjection(x, count: n, steps: T, inputs: d, units: u, gates: 4, kernel: W, dropout: inputDropout, into: G)
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n * T), Int32(g4), Int32(d), 1, x, Int32(d), W, Int32(g4), 0, G, Int32(g4))
  }
  if let bias { for r in 0..<(n * T) { update8(G + r * g4, bias, count: g4) { $0 + $1 } } }
  let (recurrent, gates, cells, hidden) = (SharedPointer(U), SharedPointer(G), SharedPointer(C), SharedPointer(H))
  let stepMask = mask.map(SharedPointer.init)
  forEachBatchPart(n, minimumPerPart: 16) { first, rows in
    func run<A: GateFunction, R: GateFunction>(_ act: A, _ gate: R) {
      lstmForwardSteps(
        count: rows, steps: T, units: u, recurrentKernel: recurrent.base, gates: gates.base + first * T * g4,
        cells: cells.base + first * T * u, hidden: hidden.base + first * T * u,
        recurrentDropout: recurrentDropout?.from(first, steps: T, units: u, gates: 4), activation: act, recurrentActivation: gate,
        mask: stepMask.map { UnsafePointer($0.base) + first * T })
    }
    if activation == .tanh && recurrentActivation == .sigmoid { run(TanhGate(), SigmoidGate()) } else { run(activation, recurrentActivation) }
  }
}

/// The recurrence of `lstmForward` for `n` samples, their input projections already in G.
@inline(__always)
func lstmForwardSteps<A: GateFunction, R: GateFunction>(
  count n: Int, steps T: Int, units u: Int, recurrentKernel U: UnsafePointer<Float>,
  gates G: UnsafeMutablePointer<Float>, cells C: UnsafeMutablePointer<Float>, hidden H: UnsafeMutablePointer<Float>,
  recurrentDropout rd: RecurrentDropoutBuffers?, activation act: A, recurrentActivation gate: R, mask: UnsafePointer<Float>?
) {
  let g4 = 4 * u
  for t in 0..<T {
    let gt = G + t * g4, ht = H + t * u, ct = C + t * u
    if t > 0 {
      // G[:, t] += H[:, t−1] · U over the batch (rows T·4u and T·u apart)
      if let rd {
        maskedStepProduct(
          ht - u, rows: n, units: u, gates: 4, hiddenStride: T * u, masks: rd.masks, saved: rd.saved + (t - 1) * g4, U, into: gt,
          gateStride: T * g4)
      } else {
        stepProduct(ht - u, rows: n, inner: u, rowStride: T * u, U, cols: g4, into: gt, rowStride: T * g4)
      }
    }
    for s in 0..<n {
      let g = gt + s * T * g4, h = ht + s * T * u, c = ct + s * T * u
      forEach8(u) { j, lanes in
        let i = gate(loadPartial8(g + j, lanes)), f = gate(loadPartial8(g + u + j, lanes))
        let candidate = act(loadPartial8(g + 2 * u + j, lanes)), o = gate(loadPartial8(g + 3 * u + j, lanes))
        storePartial8(i, g + j, lanes)
        storePartial8(f, g + u + j, lanes)
        storePartial8(candidate, g + 2 * u + j, lanes)
        storePartial8(o, g + 3 * u + j, lanes)
        let previous = t > 0 ? loadPartial8(c + j - u, lanes) : .zero
        let cell = f * previous + i * candidate
        storePartial8(cell, c + j, lanes)
        storePartial8(o * act(cell), h + j, lanes)
      }
      if isMasked(mask, s, t, steps: T) {  // mask_zero: h and c carry over
        carryState(h, units: u, first: t == 0)
        carryState(c, units: u, first: t == 0)
      }
    }
  }
}

/// Backward through time given dH [n, T, u] (∂loss/∂hidden states; zero where no output was used):
/// accumulates dW += Xᵀ·dG, dU += Σ H_{t−1}ᵀ·dG_t, dBias += Σ dG, and writes dx = dG·Wᵀ when given.
/// Overwrites G with the gate gradients dG and dH with the total hidden-state gradients.
@inline(__always)
public func lstmBackward(
  _ dH: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int,
  kernel W: UnsafePointer<Float>, recurrentKernel U: UnsafePointer<Float>,
  gates G: UnsafeMutablePointer<Float>, cells C: UnsafePointer<Float>, hidden H: UnsafePointer<Float>,
  dKernel: UnsafeMutablePointer<Float>, dRecurrentKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
  dx: UnsafeMutablePointer<Float>?, cellGradient dC: UnsafeMutablePointer<Float>, recurrentDropout: RecurrentDropoutBuffers? = nil,
  inputDropout: InputDropoutBuffers? = nil, activation: GateActivation = .tanh, recurrentActivation: GateActivation = .sigmoid,
  mask: UnsafePointer<Float>? = nil
) {
  let g4 = 4 * u
  let (recurrent, gates, cells, dHidden, dCell) = (SharedPointer(U), SharedPointer(G), SharedPointer(C), SharedPointer(dH), SharedPointer(dC))
  let stepMask = mask.map(SharedPointer.init)
  forEachBatchPart(n, minimumPerPart: 16) { first, rows in
    func run<A: GateFunction, R: GateFunction>(_ act: A, _ gate: R) {
      lstmBackwardSteps(
        dHidden.base + first * T * u, count: rows, steps: T, units: u, recurrentKernel: recurrent.base,
        gates: gates.base + first * T * g4, cells: cells.base + first * T * u, cellGradient: dCell.base + first * u,
        recurrentDropout: recurrentDropout?.from(first, steps: T, units: u, gates: 4), activation: act, recurrentActivation: gate,
        mask: stepMask.map { UnsafePointer($0.base) + first * T })
    }
    if activation == .tanh && recurrentActivation == .sigmoid { run(TanhGate(), SigmoidGate()) } else { run(activation, recurrentActivation) }
  }
  if let recurrentDropout {
    maskedRecurrentKernelGradient(
      saved: recurrentDropout.saved, gateGradients: G, count: n, steps: T, units: u, gates: 4, into: dRecurrentKernel)
  } else if T > 1 {
    recurrentKernelGradient(hidden: H, gateGradients: G, count: n, steps: T, units: u, gates: g4, into: dRecurrentKernel)
  }
  if let dBias { sumRows(G, rows: n * T, cols: g4, into: dBias) }
  if let inputDropout {
    maskedProjectionBackward(
      G, input: x, count: n, steps: T, inputs: d, units: u, gates: 4, kernel: W, dropout: inputDropout, dKernel: dKernel, dx: dx)
    return
  }
  // dW [d, 4u] += Xᵀ [d, n·T] · dG [n·T, 4u]
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(g4), Int32(n * T), 1, x, Int32(d), G, Int32(g4), 1, dKernel, Int32(g4))
  if let dx {
    // dx [n·T, d] = dG [n·T, 4u] · Wᵀ [4u, d]
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n * T), Int32(d), Int32(g4), 1, G, Int32(g4), W, Int32(g4), 0, dx, Int32(d))
  }
}

/// The recurrence of `lstmBackward` for `n` samples: turns G into the gate gradients and completes dH.
@inline(__always)
func lstmBackwardSteps<A: GateFunction, R: GateFunction>(
  _ dH: UnsafeMutablePointer<Float>, count n: Int, steps T: Int, units u: Int, recurrentKernel U: UnsafePointer<Float>,
  gates G: UnsafeMutablePointer<Float>, cells C: UnsafePointer<Float>, cellGradient dC: UnsafeMutablePointer<Float>,
  recurrentDropout rd: RecurrentDropoutBuffers?, activation act: A, recurrentActivation gate: R, mask: UnsafePointer<Float>?
) {
  let g4 = 4 * u
  dC.update(repeating: 0, count: n * u)  // ∂loss/∂c_t carried back from step t+1, [n, u]
  let Ut = transposedCopy(U, units: u, gates: g4)
  defer { Ut.deallocate() }
  for t in stride(from: T - 1, through: 0, by: -1) {
    for s in 0..<n {
      let g = G + (s * T + t) * g4, dh = dH + (s * T + t) * u, c = C + (s * T + t) * u, dc = dC + s * u
      if isMasked(mask, s, t, steps: T) {  // a carried step: no gate gradients; ∂h and ∂c pass to t − 1 unchanged
        g.update(repeating: 0, count: g4)
        if t > 0 { carryGradient(dh, units: u) }
        continue
      }
      forEach8(u) { j, lanes in
        let i = loadPartial8(g + j, lanes), f = loadPartial8(g + u + j, lanes)
        let candidate = loadPartial8(g + 2 * u + j, lanes), o = loadPartial8(g + 3 * u + j, lanes)
        let tc = act(loadPartial8(c + j, lanes)), dhj = loadPartial8(dh + j, lanes)
        let previous = t > 0 ? loadPartial8(c + j - u, lanes) : .zero
        let dcj = dhj * o * act.derivative(output: tc) + loadPartial8(dc + j, lanes)
        storePartial8(dcj * candidate * gate.derivative(output: i), g + j, lanes)
        storePartial8(dcj * previous * gate.derivative(output: f), g + u + j, lanes)
        storePartial8(dcj * i * act.derivative(output: candidate), g + 2 * u + j, lanes)
        storePartial8(dhj * tc * gate.derivative(output: o), g + 3 * u + j, lanes)
        storePartial8(dcj * f, dc + j, lanes)
      }
    }
    if t > 0, let rd {
      maskedStepGradient(
        G + t * g4, rows: n, units: u, gates: 4, gateStride: T * g4, masks: rd.masks, U, scratch: rd.scratch,
        into: dH + (t - 1) * u, hiddenStride: T * u)
    } else if t > 0 {
      // dH[:, t−1] += dG[:, t] · Uᵀ
      stepGradientProduct(G + t * g4, rows: n, gates: g4, rowStride: T * g4, transposed: Ut, units: u, into: dH + (t - 1) * u, rowStride: T * u)
    }
  }
}
