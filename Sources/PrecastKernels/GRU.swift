// GRU.swift: Keras's GRU (reset_after=True, its default, and reset_after=False) over whole sequences, forward and backward through time.
import CBLAS
import Glibc

// Shapes: x [n, T, d], kernel W [d, 3u], recurrent kernel U [u, 3u], bias [2, 3u] (row 0 for the input, row 1 for the
// recurrent projection), gate blocks z, r, h. Per step: z = σ(xW_z + b_z + hU_z + b'_z), r likewise,
// ĥ = tanh(xW_h + b_h + r ⊙ (hU_h + b'_h)), h' = z ⊙ h + (1 − z) ⊙ ĥ. The input projection of all steps is one GEMM.

/// Runs the GRU: gates G [n, T, 3u] (z, r, ĥ activated), recurrent projections R [n, T, 3u] (h_{t−1}U + b'),
/// hidden H [n, T, u]; h₀ = 0.
@inline(__always)
public func gruForward(
  _ x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int,
  kernel W: UnsafePointer<Float>, recurrentKernel U: UnsafePointer<Float>, bias: UnsafePointer<Float>,
  gates G: UnsafeMutablePointer<Float>, recurrent R: UnsafeMutablePointer<Float>, hidden H: UnsafeMutablePointer<Float>,
  recurrentDropout: RecurrentDropoutBuffers? = nil, inputDropout: InputDropoutBuffers? = nil,
  activation: GateActivation = .tanh, recurrentActivation: GateActivation = .sigmoid, mask: UnsafePointer<Float>? = nil
) {
  let g3 = 3 * u
  recurrentDropout?.clearLastSteps(count: n, steps: T, width: g3)
  if let inputDropout {
    maskedProjection(x, count: n, steps: T, inputs: d, units: u, gates: 3, kernel: W, dropout: inputDropout, into: G)
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n * T), Int32(g3), Int32(d), 1, x, Int32(d), W, Int32(g3), 0, G, Int32(g3))
  }
  for r in 0..<(n * T) {
    update8(G + r * g3, bias, count: g3) { $0 + $1 }
    (R + r * g3).update(from: bias + g3, count: g3)  // b'; h₀U = 0
  }
  let (recurrent, gates, projections, hidden) = (SharedPointer(U), SharedPointer(G), SharedPointer(R), SharedPointer(H))
  let stepMask = mask.map(SharedPointer.init)
  forEachBatchPart(n, minimumPerPart: 16) { first, rows in
    func run<A: GateFunction, R: GateFunction>(_ act: A, _ gate: R) {
      gruForwardSteps(
        count: rows, steps: T, units: u, recurrentKernel: recurrent.base, gates: gates.base + first * T * g3,
        recurrent: projections.base + first * T * g3, hidden: hidden.base + first * T * u,
        recurrentDropout: recurrentDropout?.from(first, steps: T, units: u, gates: 3), activation: act, recurrentActivation: gate,
        mask: stepMask.map { UnsafePointer($0.base) + first * T })
    }
    if activation == .tanh && recurrentActivation == .sigmoid { run(TanhGate(), SigmoidGate()) } else { run(activation, recurrentActivation) }
  }
}

/// The recurrence of `gruForward` for `n` samples, their input projections in G and b' in R.
@inline(__always)
func gruForwardSteps<A: GateFunction, R: GateFunction>(
  count n: Int, steps T: Int, units u: Int, recurrentKernel U: UnsafePointer<Float>,
  gates G: UnsafeMutablePointer<Float>, recurrent R: UnsafeMutablePointer<Float>, hidden H: UnsafeMutablePointer<Float>,
  recurrentDropout rd: RecurrentDropoutBuffers?, activation act: A, recurrentActivation gate: R, mask: UnsafePointer<Float>?
) {
  let g3 = 3 * u
  for t in 0..<T {
    let gt = G + t * g3, rt = R + t * g3, ht = H + t * u
    if t > 0 {
      // R[:, t] += H[:, t−1] · U over the batch
      if let rd {
        maskedStepProduct(
          ht - u, rows: n, units: u, gates: 3, hiddenStride: T * u, masks: rd.masks, saved: rd.saved + (t - 1) * g3, U, into: rt,
          gateStride: T * g3)
      } else {
        stepProduct(ht - u, rows: n, inner: u, rowStride: T * u, U, cols: g3, into: rt, rowStride: T * g3)
      }
    }
    for s in 0..<n {
      let g = gt + s * T * g3, rec = rt + s * T * g3, h = ht + s * T * u
      forEach8(u) { j, lanes in
        let z = gate(loadPartial8(g + j, lanes) + loadPartial8(rec + j, lanes))
        let r = gate(loadPartial8(g + u + j, lanes) + loadPartial8(rec + u + j, lanes))
        let candidate = act(loadPartial8(g + 2 * u + j, lanes) + r * loadPartial8(rec + 2 * u + j, lanes))
        storePartial8(z, g + j, lanes)
        storePartial8(r, g + u + j, lanes)
        storePartial8(candidate, g + 2 * u + j, lanes)
        let previous = t > 0 ? loadPartial8(h + j - u, lanes) : .zero
        storePartial8(z * previous + (1 - z) * candidate, h + j, lanes)
      }
      if isMasked(mask, s, t, steps: T) { carryState(h, units: u, first: t == 0) }  // mask_zero: h carries over
    }
  }
}

/// Backward through time given dH [n, T, u] (∂loss/∂hidden states): accumulates dW += Xᵀ·dG, dU += Σ H_{t−1}ᵀ·dR_t,
/// dBias (row 0: Σ dG, row 1: Σ dR), writes dx = dG·Wᵀ when given. Overwrites G with the input-side gate gradients
/// [dz, dr, dĥ], R with the recurrent-side ones [dz, dr, dĥ ⊙ r], and dH with the total hidden-state gradients.
@inline(__always)
public func gruBackward(
  _ dH: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int,
  kernel W: UnsafePointer<Float>, recurrentKernel U: UnsafePointer<Float>,
  gates G: UnsafeMutablePointer<Float>, recurrent R: UnsafeMutablePointer<Float>, hidden H: UnsafePointer<Float>,
  dKernel: UnsafeMutablePointer<Float>, dRecurrentKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
  dx: UnsafeMutablePointer<Float>?, recurrentDropout: RecurrentDropoutBuffers? = nil, inputDropout: InputDropoutBuffers? = nil,
  activation: GateActivation = .tanh, recurrentActivation: GateActivation = .sigmoid, mask: UnsafePointer<Float>? = nil
) {
  let g3 = 3 * u
  let (recurrent, gates, projections, hidden, dHidden) = (SharedPointer(U), SharedPointer(G), SharedPointer(R), SharedPointer(H), SharedPointer(dH))
  let stepMask = mask.map(SharedPointer.init)
  forEachBatchPart(n, minimumPerPart: 16) { first, rows in
    func run<A: GateFunction, R: GateFunction>(_ act: A, _ gate: R) {
      gruBackwardSteps(
        dHidden.base + first * T * u, count: rows, steps: T, units: u, recurrentKernel: recurrent.base,
        gates: gates.base + first * T * g3, recurrent: projections.base + first * T * g3, hidden: hidden.base + first * T * u,
        recurrentDropout: recurrentDropout?.from(first, steps: T, units: u, gates: 3), activation: act, recurrentActivation: gate,
        mask: stepMask.map { UnsafePointer($0.base) + first * T })
    }
    if activation == .tanh && recurrentActivation == .sigmoid { run(TanhGate(), SigmoidGate()) } else { run(activation, recurrentActivation) }
  }
  if let recurrentDropout {
    maskedRecurrentKernelGradient(
      saved: recurrentDropout.saved, gateGradients: R, count: n, steps: T, units: u, gates: 3, into: dRecurrentKernel)
  } else if T > 1 {
    recurrentKernelGradient(hidden: H, gateGradients: R, count: n, steps: T, units: u, gates: g3, into: dRecurrentKernel)
  }
  sumRows(G, rows: n * T, cols: g3, into: dBias)
  sumRows(R, rows: n * T, cols: g3, into: dBias + g3)
  if let inputDropout {
    maskedProjectionBackward(
      G, input: x, count: n, steps: T, inputs: d, units: u, gates: 3, kernel: W, dropout: inputDropout, dKernel: dKernel, dx: dx)
    return
  }
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(g3), Int32(n * T), 1, x, Int32(d), G, Int32(g3), 1, dKernel, Int32(g3))
  if let dx {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n * T), Int32(d), Int32(g3), 1, G, Int32(g3), W, Int32(g3), 0, dx, Int32(d))
  }
}

/// The recurrence of `gruBackward` for `n` samples: the gate gradients into G and R, dH completed.
@inline(__always)
func gruBackwardSteps<A: GateFunction, R: GateFunction>(
  _ dH: UnsafeMutablePointer<Float>, count n: Int, steps T: Int, units u: Int, recurrentKernel U: UnsafePointer<Float>,
  gates G: UnsafeMutablePointer<Float>, recurrent R: UnsafeMutablePointer<Float>, hidden H: UnsafePointer<Float>,
  recurrentDropout rd: RecurrentDropoutBuffers?, activation act: A, recurrentActivation gate: R, mask: UnsafePointer<Float>?
) {
  let g3 = 3 * u
  let Ut = transposedCopy(U, units: u, gates: g3)
  defer { Ut.deallocate() }
  for t in stride(from: T - 1, through: 0, by: -1) {
    for s in 0..<n {
      let g = G + (s * T + t) * g3, rec = R + (s * T + t) * g3, dh = dH + (s * T + t) * u, h = H + (s * T + t) * u
      if isMasked(mask, s, t, steps: T) {  // a carried step: no gate gradients; ∂h passes to t − 1
        g.update(repeating: 0, count: g3)
        rec.update(repeating: 0, count: g3)
        if t > 0 { carryGradient(dh, units: u) }
        continue
      }
      forEach8(u) { j, lanes in
        let z = loadPartial8(g + j, lanes), r = loadPartial8(g + u + j, lanes), candidate = loadPartial8(g + 2 * u + j, lanes)
        let dhj = loadPartial8(dh + j, lanes)
        let previous = t > 0 ? loadPartial8(h + j - u, lanes) : .zero
        let dz = dhj * (previous - candidate) * gate.derivative(output: z)
        let dCandidate = dhj * (1 - z) * act.derivative(output: candidate)
        let dr = dCandidate * loadPartial8(rec + 2 * u + j, lanes) * gate.derivative(output: r)
        storePartial8(dz, g + j, lanes)
        storePartial8(dr, g + u + j, lanes)
        storePartial8(dCandidate, g + 2 * u + j, lanes)
        storePartial8(dz, rec + j, lanes)
        storePartial8(dr, rec + u + j, lanes)
        storePartial8(dCandidate * r, rec + 2 * u + j, lanes)
        if t > 0 { storePartial8(loadPartial8(dh + j - u, lanes) + dhj * z, dh + j - u, lanes) }  // through h' = z ⊙ h + …
      }
    }
    if t > 0, let rd {
      maskedStepGradient(
        R + t * g3, rows: n, units: u, gates: 3, gateStride: T * g3, masks: rd.masks, U, scratch: rd.scratch,
        into: dH + (t - 1) * u, hiddenStride: T * u)
    } else if t > 0 {
      // dH[:, t−1] += dR[:, t] · Uᵀ
      stepGradientProduct(R + t * g3, rows: n, gates: g3, rowStride: T * g3, transposed: Ut, units: u, into: dH + (t - 1) * u, rowStride: T * u)
    }
  }
}

// MARK: - reset_after=False

// z = σ(xW_z + b_z + hU_z), r likewise, ĥ = tanh(xW_h + b_h + (r ⊙ h)U_h), h' = z ⊙ h + (1 − z) ⊙ ĥ; bias [3u].
// With recurrent dropout each gate reads h ⊙ its own mask: hU_z → (h ⊙ m_z)U_z, r ⊙ h → r ⊙ h ⊙ m_h (Keras's
// implementation 1); the masked states are kept in H̃ (see RecurrentDropout.swift) for backward.

/// Runs the GRU with reset_after=False: gates G [n, T, 3u] (z, r, ĥ), recurrent parts R [n, T, 3u] (hU_z, hU_r,
/// (r ⊙ h)U_h), reset hidden states RH [n, T, u] (r ⊙ h_{t−1}), hidden H [n, T, u].
@inline(__always)
public func gruResetBeforeForward(
  _ x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int,
  kernel W: UnsafePointer<Float>, recurrentKernel U: UnsafePointer<Float>, bias: UnsafePointer<Float>,
  gates G: UnsafeMutablePointer<Float>, recurrent R: UnsafeMutablePointer<Float>, resetHidden RH: UnsafeMutablePointer<Float>,
  hidden H: UnsafeMutablePointer<Float>, recurrentDropout rd: RecurrentDropoutBuffers? = nil, inputDropout: InputDropoutBuffers? = nil,
  activation act: GateActivation = .tanh, recurrentActivation gate: GateActivation = .sigmoid, mask: UnsafePointer<Float>? = nil
) {
  let g3 = 3 * u
  rd?.clearLastSteps(count: n, steps: T, width: g3)
  if let inputDropout {
    maskedProjection(x, count: n, steps: T, inputs: d, units: u, gates: 3, kernel: W, dropout: inputDropout, into: G)
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n * T), Int32(g3), Int32(d), 1, x, Int32(d), W, Int32(g3), 0, G, Int32(g3))
  }
  for r in 0..<(n * T) { update8(G + r * g3, bias, count: g3) { $0 + $1 } }
  R.update(repeating: 0, count: n * T * g3)
  RH.update(repeating: 0, count: n * T * u)
  for t in 0..<T {
    let gt = G + t * g3, rt = R + t * g3, ht = H + t * u, rht = RH + t * u
    if t > 0, let rd {  // R[:, t, 0..<2u] = (H[:, t−1] ⊙ m_z, ⊙ m_r) · U[:, 0..<2u]; H̃ keeps the three masked states
      maskedStepProduct(
        ht - u, rows: n, units: u, gates: 3, products: 2, hiddenStride: T * u, masks: rd.masks, saved: rd.saved + (t - 1) * g3, U,
        into: rt, gateStride: T * g3)
    } else if t > 0 {  // R[:, t, 0..<2u] = H[:, t−1] · U[:, 0..<2u]
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(2 * u), Int32(u), 1, ht - u, Int32(T * u), U, Int32(g3), 0, rt,
        Int32(T * g3))
    }
    for s in 0..<n {
      let g = gt + s * T * g3, rec = rt + s * T * g3, rh = rht + s * T * u
      // h_{t−1} as the candidate's reset reads it: masked by m_h under recurrent dropout
      var previous: UnsafePointer<Float>? = nil
      if t > 0 { previous = rd.map { UnsafePointer($0.saved + (s * T + t - 1) * g3 + 2 * u) } ?? UnsafePointer(ht + s * T * u - u) }
      forEach8(u) { j, lanes in
        let z = gate(loadPartial8(g + j, lanes) + loadPartial8(rec + j, lanes))
        let r = gate(loadPartial8(g + u + j, lanes) + loadPartial8(rec + u + j, lanes))
        storePartial8(z, g + j, lanes)
        storePartial8(r, g + u + j, lanes)
        storePartial8(previous.map { r * loadPartial8($0 + j, lanes) } ?? .zero, rh + j, lanes)
      }
    }
    if t > 0 {  // R[:, t, 2u..<3u] = RH[:, t] · U[:, 2u..<3u]
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(u), Int32(u), 1, rht, Int32(T * u), U + 2 * u, Int32(g3), 0,
        rt + 2 * u, Int32(T * g3))
    }
    for s in 0..<n {
      let g = gt + s * T * g3, rec = rt + s * T * g3, h = ht + s * T * u
      forEach8(u) { j, lanes in
        let candidate = act(loadPartial8(g + 2 * u + j, lanes) + loadPartial8(rec + 2 * u + j, lanes))
        storePartial8(candidate, g + 2 * u + j, lanes)
        let z = loadPartial8(g + j, lanes)
        let previous = t > 0 ? loadPartial8(h + j - u, lanes) : .zero
        storePartial8(z * previous + (1 - z) * candidate, h + j, lanes)
      }
      if isMasked(mask, s, t, steps: T) { carryState(h, units: u, first: t == 0) }  // mask_zero: h carries over
    }
  }
}

/// Backward of `gruResetBeforeForward` given dH [n, T, u]: accumulates dW, dU, dBias [3u], writes dx when given.
/// Overwrites G with [dz, dr, dĥ] and dH with the total hidden-state gradients; `resetGradient` is scratch [n, u].
@inline(__always)
public func gruResetBeforeBackward(
  _ dH: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, count n: Int, steps T: Int, inputs d: Int, units u: Int,
  kernel W: UnsafePointer<Float>, recurrentKernel U: UnsafePointer<Float>,
  gates G: UnsafeMutablePointer<Float>, resetHidden RH: UnsafePointer<Float>, hidden H: UnsafePointer<Float>,
  dKernel: UnsafeMutablePointer<Float>, dRecurrentKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
  dx: UnsafeMutablePointer<Float>?, resetGradient dRH: UnsafeMutablePointer<Float>,
  recurrentDropout rd: RecurrentDropoutBuffers? = nil, inputDropout: InputDropoutBuffers? = nil,
  activation act: GateActivation = .tanh, recurrentActivation gate: GateActivation = .sigmoid, mask: UnsafePointer<Float>? = nil
) {
  let g3 = 3 * u
  for t in stride(from: T - 1, through: 0, by: -1) {
    for s in 0..<n {
      let g = G + (s * T + t) * g3, dh = dH + (s * T + t) * u, h = H + (s * T + t) * u
      if isMasked(mask, s, t, steps: T) {  // a carried step: no gate gradients (so dRH = 0 too); ∂h passes to t − 1
        g.update(repeating: 0, count: g3)
        if t > 0 { carryGradient(dh, units: u) }
        continue
      }
      forEach8(u) { j, lanes in
        let z = loadPartial8(g + j, lanes), candidate = loadPartial8(g + 2 * u + j, lanes), dhj = loadPartial8(dh + j, lanes)
        let previous = t > 0 ? loadPartial8(h + j - u, lanes) : .zero
        storePartial8(dhj * (previous - candidate) * gate.derivative(output: z), g + j, lanes)
        storePartial8(dhj * (1 - z) * act.derivative(output: candidate), g + 2 * u + j, lanes)
        if t > 0 { storePartial8(loadPartial8(dh + j - u, lanes) + dhj * z, dh + j - u, lanes) }  // through h' = z ⊙ h + …
        else { storePartial8(.zero, g + u + j, lanes) }  // h₀ = 0: the reset gate has no effect at the first step
      }
    }
    guard t > 0 else { continue }
    // dRH [n, u] = dĥ[:, t] · U_hᵀ
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(u), Int32(u), 1, G + t * g3 + 2 * u, Int32(T * g3), U + 2 * u,
      Int32(g3), 0, dRH, Int32(u))
    for s in 0..<n {
      let g = G + (s * T + t) * g3, dh = dH + (s * T + t) * u, h = H + (s * T + t) * u, drh = dRH + s * u
      // RH = r ⊙ h_{t−1} (⊙ m_h): the reset gate's gradient takes the masked state, h_{t−1}'s the mask
      let masked: UnsafePointer<Float> = rd.map { UnsafePointer($0.saved + (s * T + t - 1) * g3 + 2 * u) } ?? h - u
      let mask: UnsafePointer<Float>? = rd.map { UnsafePointer($0.masks + s * g3 + 2 * u) }
      forEach8(u) { j, lanes in
        let r = loadPartial8(g + u + j, lanes), dr = loadPartial8(drh + j, lanes)
        storePartial8(dr * loadPartial8(masked + j, lanes) * gate.derivative(output: r), g + u + j, lanes)
        let toState = mask.map { dr * r * loadPartial8($0 + j, lanes) } ?? dr * r
        storePartial8(loadPartial8(dh + j - u, lanes) + toState, dh + j - u, lanes)
      }
    }
    if let rd {  // dH[:, t−1] += Σ_{k = z, r} (dG_k[:, t] · U_kᵀ) ⊙ m_k
      maskedStepGradient(
        G + t * g3, rows: n, units: u, gates: 3, products: 2, gateStride: T * g3, masks: rd.masks, U, scratch: rd.scratch,
        into: dH + (t - 1) * u, hiddenStride: T * u)
    } else {  // dH[:, t−1] += [dz, dr][:, t] · U[:, 0..<2u]ᵀ
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(u), Int32(2 * u), 1, G + t * g3, Int32(T * g3), U, Int32(g3), 1,
        dH + (t - 1) * u, Int32(T * u))
    }
  }
  if let rd {  // dU[:, 0..<2u] += H̃_{z,r}ᵀ · [dz, dr] of the next steps
    maskedRecurrentKernelGradient(saved: rd.saved, gateGradients: G, count: n, steps: T, units: u, gates: 3, products: 2, into: dRecurrentKernel)
  }
  for s in 0..<n {
    if T > 1 && rd == nil {  // dU[:, 0..<2u] += H[s, 0..<T−1]ᵀ · [dz, dr][s, 1..<T]
      cblas_sgemm(
        CblasRowMajor, CblasTrans, CblasNoTrans, Int32(u), Int32(2 * u), Int32(T - 1), 1, H + s * T * u, Int32(u),
        G + (s * T + 1) * g3, Int32(g3), 1, dRecurrentKernel, Int32(g3))
    }
    // dU[:, 2u..<3u] += RH[s]ᵀ · dĥ[s]
    cblas_sgemm(
      CblasRowMajor, CblasTrans, CblasNoTrans, Int32(u), Int32(u), Int32(T), 1, RH + s * T * u, Int32(u),
      G + s * T * g3 + 2 * u, Int32(g3), 1, dRecurrentKernel + 2 * u, Int32(g3))
  }
  sumRows(G, rows: n * T, cols: g3, into: dBias)
  if let inputDropout {
    maskedProjectionBackward(
      G, input: x, count: n, steps: T, inputs: d, units: u, gates: 3, kernel: W, dropout: inputDropout, dKernel: dKernel, dx: dx)
    return
  }
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(g3), Int32(n * T), 1, x, Int32(d), G, Int32(g3), 1, dKernel, Int32(g3))
  if let dx {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n * T), Int32(d), Int32(g3), 1, G, Int32(g3), W, Int32(g3), 0, dx, Int32(d))
  }
}
