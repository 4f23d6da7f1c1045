// Optimizers.swift: Keras 3's optimizers (SGD, Adam, RMSprop, Adagrad, Adadelta, Adamax, Nadam) with gradient clipping and time decay, over one flat parameter buffer.
import Dispatch
import Glibc

// Keras applies these rules per variable; they are element-wise, so one pass over each trainable weight's range
// of the flat buffer is the same computation (clipnorm is per weight, as in Keras). Formulas:
// keras/src/optimizers/*.py, written out in Docs/keras-formulas.md. Slots are laid out slot-major,
// [slotsPerParameter × count], in the order Keras creates them per variable.

/// Optimizer state for `count` parameters: the slots and the iteration counter.
public final class Optimizer: @unchecked Sendable {
  public let config: OptimizerConfig
  public let count: Int
  /// The ranges of the flat buffer that are trained (frozen and non-trainable weights are left alone).
  public let segments: [Range<Int>]
  /// Completed update steps (Keras's `optimizer.iterations`).
  public internal(set) var iterations: Int = 0
  /// [slotsPerParameter × count]: SGD momentum; Adam m, v (v̂ with amsgrad); RMSprop velocity (momentum,
  /// average gradient); Adagrad accumulator; Adadelta E[g²], E[Δ²]; Adamax m, u; Nadam m, v.
  public let slots: UnsafeMutablePointer<Float>
  /// Nadam's running product of momentum schedules (Keras's `u_product`, float32, starts at 1).
  public internal(set) var uProduct: Float = 1
  /// The base learning rate; LearningRateScheduler and ReduceLROnPlateau change it between epochs.
  public var learningRate: Float

  public init(_ config: OptimizerConfig, count: Int, segments: [Range<Int>]? = nil) {
    self.config = config
    self.count = count
    self.segments = segments ?? [0..<count]
    learningRate = config.learningRate
    let n = max(config.slotsPerParameter * count, 1)
    slots = .allocate(capacity: n)
    slots.initialize(repeating: 0, count: n)
    if case .adagrad(let initial, _) = config.rule { slots.update(repeating: initial, count: count) }
  }

  deinit { slots.deallocate() }

  /// Restores the counters of a saved state (the slots are written through `slots`).
  public func restore(iterations: Int, learningRate: Float, uProduct: Float = 1) {
    self.iterations = iterations
    self.learningRate = learningRate
    self.uProduct = uProduct
  }

  /// The learning rate of the next step (Keras 2's time decay applied).
  public var currentLearningRate: Float {
    config.decay == 0 ? learningRate : learningRate / (1 + config.decay * Float(iterations))
  }

  /// Applies one update to `w` given gradients `g` (both [count]; `g` is clipped in place first). Large
  /// weights split the element-wise update over two threads: it is memory-bound, and BLAS's threads are idle.
  public func step(_ w: UnsafeMutablePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
    clip(g)
    let step = StepConstants(config, iterations: iterations, lr: currentLearningRate, uProduct: &uProduct)
    let buffers = Buffers(w: w, g: g)
    for segment in segments {
      guard segment.count >= 1 << 16 else {  // small weights: on this thread (a dispatch costs more than the update)
        update(w + segment.lowerBound, g + segment.lowerBound, slotOffset: segment.lowerBound, count: segment.count, step)
        continue
      }
      let parts = 2
      let chunk = (segment.count + parts - 1) / parts
      DispatchQueue.concurrentPerform(iterations: parts) { part in
        let lo = segment.lowerBound + part * chunk
        update(buffers.w + lo, buffers.g + lo, slotOffset: lo, count: max(0, min(chunk, segment.upperBound - lo)), step)
      }
    }
    iterations += 1
  }

  /// The caller's buffers, shared with the two update threads (each touches its own half).
  private struct Buffers: @unchecked Sendable {
    let w: UnsafeMutablePointer<Float>
    let g: UnsafeMutablePointer<Float>
  }

  // MARK: - Clipping

  /// Keras's `clipvalue` (each element), `clipnorm` (each weight's L2 norm) or `global_clipnorm` (all together).
  private func clip(_ g: UnsafeMutablePointer<Float>) {
    if let bound = config.clipValue {
      let low = SIMD8<Float>(repeating: -bound), high = SIMD8<Float>(repeating: bound)
      for segment in segments {
        map8(g + segment.lowerBound, g + segment.lowerBound, count: segment.count) { $0.clamped(lowerBound: low, upperBound: high) }
      }
    }
    if let bound = config.clipNorm {
      for segment in segments {
        let norm = squaredSum(g + segment.lowerBound, count: segment.count).squareRoot()
        if norm > Double(bound) { scale(g + segment.lowerBound, count: segment.count, by: Float(Double(bound) / norm)) }
      }
    }
    if let bound = config.globalClipNorm {
      let norm = segments.reduce(0.0) { $0 + squaredSum(g + $1.lowerBound, count: $1.count) }.squareRoot()
      if norm > Double(bound) || !norm.isFinite {
        let factor = norm.isFinite ? Float(Double(bound) / norm) : .nan  // Keras: NaN gradients for an infinite norm
        for segment in segments { scale(g + segment.lowerBound, count: segment.count, by: factor) }
      }
    }
  }

  private func squaredSum(_ g: UnsafePointer<Float>, count: Int) -> Double {
    var sum = 0.0
    for i in 0..<count { sum += Double(g[i]) * Double(g[i]) }
    return sum
  }

  private func scale(_ g: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    map8(g, g, count: count) { $0 * factor }
  }

  // MARK: - Update

  private func update(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, slotOffset lo: Int, count: Int, _ k: StepConstants) {
    let s = self.slots + lo, n = self.count
    switch config.rule {
    case .sgd(let momentum, let nesterov):
      sgdStep(w, g, velocity: momentum == 0 ? nil : s, count: count, lr: k.lr, momentum: momentum, nesterov: nesterov)
    case .adam(let b1, let b2, let eps, let amsgrad):
      adamStep(w, g, m: s, v: s + n, vHat: amsgrad ? s + 2 * n : nil, count: count, alpha: k.alpha, beta1: b1, beta2: b2, epsilon: eps)
    case .rmsprop(let rho, let momentum, let eps, let centered):
      let momentumSlot = momentum > 0 ? s + n : nil
      let average = centered ? s + (momentum > 0 ? 2 : 1) * n : nil
      rmspropStep(
        w, g, velocity: s, momentum: momentumSlot, average: average, count: count, lr: k.lr, rho: rho, momentumRate: momentum,
        epsilon: eps)
    case .adagrad(_, let eps):
      adagradStep(w, g, accumulator: s, count: count, lr: k.lr, epsilon: eps)
    case .adadelta(let rho, let eps):
      adadeltaStep(w, g, squaredGradients: s, squaredDeltas: s + n, count: count, lr: k.lr, rho: rho, epsilon: eps)
    case .adamax(let b1, let b2, let eps):
      adamaxStep(w, g, m: s, u: s + n, count: count, lr: k.lr, correction: k.correction1, beta1: b1, beta2: b2, epsilon: eps)
    case .nadam(let b1, let b2, let eps):
      nadamStep(w, g, m: s, v: s + n, count: count, k, beta1: b1, beta2: b2, epsilon: eps)
    }
  }
}

/// The scalars of one step, computed once (float32 like Keras; the powers in Double, then rounded).
struct StepConstants: Sendable {
  var lr: Float
  /// Adam: lr·√(1−β2ᵗ)/(1−β1ᵗ).
  var alpha: Float = 0
  /// 1 − β1ᵗ (Adamax), 1 − β2ᵗ (Nadam).
  var correction1: Float = 1, correction2: Float = 1
  /// Nadam: u_t, u_{t+1}, P_t = Π u_i (i ≤ t), P_{t+1} = P_t·u_{t+1}.
  var u: Float = 0, uNext: Float = 0, product: Float = 1, productNext: Float = 1

  init(_ config: OptimizerConfig, iterations: Int, lr: Float, uProduct: inout Float) {
    self.lr = lr
    let t = Double(iterations + 1)
    switch config.rule {
    case .adam(let b1, let b2, _, _):
      alpha = Float(Double(lr) * (1 - pow(Double(b2), t)).squareRoot() / (1 - pow(Double(b1), t)))
    case .adamax(let b1, _, _):
      correction1 = Float(1 - pow(Double(b1), t))
    case .nadam(let b1, let b2, _):
      u = b1 * (1 - 0.5 * Float(pow(0.96, t)))
      uNext = b1 * (1 - 0.5 * Float(pow(0.96, t + 1)))
      uProduct *= u  // once per step, before any weight is updated
      product = uProduct
      productNext = uProduct * uNext
      correction2 = Float(1 - pow(Double(b2), t))
    default: break
    }
  }
}

// MARK: - Update kernels (8 lanes at a time, the last group masked)

/// Calls `body(i, lanes)` for i = 0, 8, 16, … < count, with `lanes` = min(8, count − i).
@inline(__always)
func forEach8(_ count: Int, _ body: (Int, Int) -> Void) {
  // Full groups pass the literal 8, so that after inlining every `lanes == 8` test folds away and the partial
  // loads become plain vector loads (passing min(8, count − i) left them lane by lane: Adam ran 5× slower).
  var i = 0
  while i + 8 <= count {
    body(i, 8)
    i += 8
  }
  if i < count { body(i, count - i) }
}

/// Adam's and Nadam's moment updates of 8 lanes at `i`: m += (g − m)(1 − β1), v += (g² − v)(1 − β2), stored;
/// returns g, m and v.
@inline(__always)
func updateMoments(
  _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ i: Int, _ lanes: Int,
  beta1: Float, beta2: Float
) -> (g: SIMD8<Float>, m: SIMD8<Float>, v: SIMD8<Float>) {
  let gi = loadPartial8(g + i, lanes)
  var mi = loadPartial8(m + i, lanes), vi = loadPartial8(v + i, lanes)
  mi += (gi - mi) * (1 - beta1)
  vi += (gi * gi - vi) * (1 - beta2)
  storePartial8(mi, m + i, lanes)
  storePartial8(vi, v + i, lanes)
  return (gi, mi, vi)
}

/// SGD: v = momentum·v − lr·g; w += v (nesterov: w += momentum·v − lr·g); without momentum w −= lr·g.
@inline(__always)
public func sgdStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, velocity v: UnsafeMutablePointer<Float>?,
  count: Int, lr: Float, momentum: Float, nesterov: Bool
) {
  forEach8(count) { i, lanes in
    let gi = loadPartial8(g + i, lanes)
    var wi = loadPartial8(w + i, lanes)
    if let v {
      let vi = momentum * loadPartial8(v + i, lanes) - lr * gi
      storePartial8(vi, v + i, lanes)
      wi += nesterov ? momentum * vi - lr * gi : vi
    } else {
      wi -= lr * gi
    }
    storePartial8(wi, w + i, lanes)
  }
}

/// Adam with bias correction folded into alpha = lr·√(1−β2ᵗ)/(1−β1ᵗ):
/// m += (g − m)(1 − β1); v += (g² − v)(1 − β2); amsgrad: v̂ = max(v̂, v); w −= alpha·m/(√v(̂) + ε).
@inline(__always)
public func adamStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
  v: UnsafeMutablePointer<Float>, vHat: UnsafeMutablePointer<Float>? = nil, count: Int, alpha: Float, beta1: Float, beta2: Float,
  epsilon: Float
) {
  guard vHat == nil else {
    forEach8(count) { i, lanes in
      var (_, mi, vi) = updateMoments(g, m, v, i, lanes, beta1: beta1, beta2: beta2)
      vi = pointwiseMax(loadPartial8(vHat! + i, lanes), vi)
      storePartial8(vi, vHat! + i, lanes)
      storePartial8(loadPartial8(w + i, lanes) - alpha * mi / (vi.squareRoot() + epsilon), w + i, lanes)
    }
    return
  }
  // Plain Adam, the tutorials' optimizer: one pass of full vectors (the memory-bound update of every step), then the tail.
  let b1 = SIMD8<Float>(repeating: 1 - beta1), b2 = SIMD8<Float>(repeating: 1 - beta2)
  let a = SIMD8<Float>(repeating: alpha), e = SIMD8<Float>(repeating: epsilon)
  var i = 0
  while i + 8 <= count {
    let gi = load8(g + i)
    var mi = load8(m + i), vi = load8(v + i)
    mi += (gi - mi) * b1
    vi += (gi * gi - vi) * b2
    store8(mi, m + i)
    store8(vi, v + i)
    store8(load8(w + i) - a * mi / (vi.squareRoot() + e), w + i)
    i += 8
  }
  while i < count {
    let gi = g[i]
    m[i] += (gi - m[i]) * (1 - beta1)
    v[i] += (gi * gi - v[i]) * (1 - beta2)
    w[i] -= alpha * m[i] / (v[i].squareRoot() + epsilon)
    i += 1
  }
}

/// RMSprop: v = ρ·v + (1−ρ)·g²; centered: a = ρ·a + (1−ρ)·g and the denominator v − a²; Δ = lr·g/√(den + ε)
/// (ε inside the root, as Keras); momentum: mom = momentum·mom + Δ, w −= mom; else w −= Δ.
@inline(__always)
public func rmspropStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, velocity v: UnsafeMutablePointer<Float>,
  momentum mom: UnsafeMutablePointer<Float>? = nil, average a: UnsafeMutablePointer<Float>? = nil,
  count: Int, lr: Float, rho: Float, momentumRate: Float = 0, epsilon: Float
) {
  let c = 1 - rho
  forEach8(count) { i, lanes in
    let gi = loadPartial8(g + i, lanes)
    let vi = rho * loadPartial8(v + i, lanes) + c * gi * gi
    storePartial8(vi, v + i, lanes)
    var denominator = vi
    if let a {
      let ai = rho * loadPartial8(a + i, lanes) + c * gi
      storePartial8(ai, a + i, lanes)
      denominator -= ai * ai
    }
    var increment = lr * gi / (denominator + epsilon).squareRoot()
    if let mom {
      increment += momentumRate * loadPartial8(mom + i, lanes)
      storePartial8(increment, mom + i, lanes)
    }
    storePartial8(loadPartial8(w + i, lanes) - increment, w + i, lanes)
  }
}

/// Adagrad: acc += g² (acc starts at `initialAccumulator`); w −= lr·g/√(acc + ε).
@inline(__always)
public func adagradStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, accumulator acc: UnsafeMutablePointer<Float>,
  count: Int, lr: Float, epsilon: Float
) {
  forEach8(count) { i, lanes in
    let gi = loadPartial8(g + i, lanes)
    let ai = loadPartial8(acc + i, lanes) + gi * gi
    storePartial8(ai, acc + i, lanes)
    storePartial8(loadPartial8(w + i, lanes) - lr * gi / (ai + epsilon).squareRoot(), w + i, lanes)
  }
}

/// Adadelta: E[g²] = ρ·E[g²] + (1−ρ)·g²; Δ = −√(E[Δ²] + ε)·g/√(E[g²] + ε); E[Δ²] = ρ·E[Δ²] + (1−ρ)·Δ²; w += lr·Δ.
@inline(__always)
public func adadeltaStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, squaredGradients eg: UnsafeMutablePointer<Float>,
  squaredDeltas ed: UnsafeMutablePointer<Float>, count: Int, lr: Float, rho: Float, epsilon: Float
) {
  let c = 1 - rho
  forEach8(count) { i, lanes in
    let gi = loadPartial8(g + i, lanes)
    let egi = rho * loadPartial8(eg + i, lanes) + c * gi * gi
    storePartial8(egi, eg + i, lanes)
    let edi = loadPartial8(ed + i, lanes)
    let delta = -(edi + epsilon).squareRoot() * gi / (egi + epsilon).squareRoot()
    storePartial8(rho * edi + c * delta * delta, ed + i, lanes)
    storePartial8(loadPartial8(w + i, lanes) + lr * delta, w + i, lanes)
  }
}

/// Adamax: m += (g − m)(1 − β1); u = max(β2·u, |g|); w −= lr·m/((1 − β1ᵗ)(u + ε)).
@inline(__always)
public func adamaxStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>,
  count: Int, lr: Float, correction: Float, beta1: Float, beta2: Float, epsilon: Float
) {
  let c1 = 1 - beta1
  forEach8(count) { i, lanes in
    let gi = loadPartial8(g + i, lanes)
    var mi = loadPartial8(m + i, lanes)
    mi += (gi - mi) * c1
    storePartial8(mi, m + i, lanes)
    let absolute = gi.replacing(with: -gi, where: gi .< 0)
    let ui = pointwiseMax(beta2 * loadPartial8(u + i, lanes), absolute)
    storePartial8(ui, u + i, lanes)
    storePartial8(loadPartial8(w + i, lanes) - lr * mi / (correction * (ui + epsilon)), w + i, lanes)
  }
}

/// Nadam: m, v as Adam; m̂ = u_{t+1}·m/(1 − P_{t+1}) + (1 − u_t)·g/(1 − P_t); v̂ = v/(1 − β2ᵗ); w −= lr·m̂/(√v̂ + ε).
@inline(__always)
func nadamStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
  count: Int, _ k: StepConstants, beta1: Float, beta2: Float, epsilon: Float
) {
  forEach8(count) { i, lanes in
    let (gi, mi, vi) = updateMoments(g, m, v, i, lanes, beta1: beta1, beta2: beta2)
    let mHat = k.uNext * mi / (1 - k.productNext) + (1 - k.u) * gi / (1 - k.product)
    let vHat = vi / k.correction2
    storePartial8(loadPartial8(w + i, lanes) - k.lr * mHat / (vHat.squareRoot() + epsilon), w + i, lanes)
  }
}

@inlinable @inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inlinable @inline(__always) func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { load8(UnsafePointer(p)) }

@inlinable @inline(__always) func store8(_ x: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: x, as: SIMD8<Float>.self)
}

