// Optimizers.swift: Keras 3's SGD, Adam and RMSprop update rules over one flat parameter buffer.
import Dispatch
import Glibc

// Keras applies these rules per variable; they are element-wise, so one pass over the flat buffer
// of all trainable parameters is the same computation. Formulas follow keras/src/optimizers/*.py.


/// Optimizer state for `count` parameters: the slots and the iteration counter.
public final class Optimizer: @unchecked Sendable {
  public let config: OptimizerConfig
  public let count: Int
  /// Completed update steps (Keras's `optimizer.iterations`).
  public private(set) var iterations: Int = 0
  /// [slotsPerParameter × count]: Adam's m then v; the momentum or RMS velocity otherwise.
  public let slots: UnsafeMutablePointer<Float>

  public init(_ config: OptimizerConfig, count: Int) {
    self.config = config
    self.count = count
    let n = max(config.slotsPerParameter * count, 1)
    slots = .allocate(capacity: n)
    slots.initialize(repeating: 0, count: n)
  }

  deinit { slots.deallocate() }

  /// Applies one update to `w` given gradients `g` (both [count]). Large models split the element-wise
  /// update over two threads: it is memory-bound, and BLAS's threads are idle meanwhile.
  public func step(_ w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>) {
    let parts = count >= 1 << 16 ? 2 : 1
    let chunk = (count + parts - 1) / parts
    let buffers = Buffers(w: w, g: g)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let lo = part * chunk
      update(buffers.w + lo, buffers.g + lo, slotOffset: lo, count: min(chunk, count - lo))
    }
    iterations += 1
  }

  /// The caller's buffers, shared with the two update threads (each touches its own half).
  private struct Buffers: @unchecked Sendable {
    let w: UnsafeMutablePointer<Float>
    let g: UnsafePointer<Float>
  }

  private func update(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, slotOffset lo: Int, count: Int) {
    let slots = self.slots + lo
    switch config {
    case .sgd(let lr, let momentum, let nesterov):
      sgdStep(w, g, velocity: momentum == 0 ? nil : slots, count: count, lr: lr, momentum: momentum, nesterov: nesterov)
    case .adam(let lr, let b1, let b2, let eps):
      let t = Double(iterations + 1)
      let alpha = Float(Double(lr) * (1 - pow(Double(b2), t)).squareRoot() / (1 - pow(Double(b1), t)))
      adamStep(w, g, m: slots, v: slots + self.count, count: count, alpha: alpha, beta1: b1, beta2: b2, epsilon: eps)
    case .rmsprop(let lr, let rho, let eps):
      rmspropStep(w, g, velocity: slots, count: count, lr: lr, rho: rho, epsilon: eps)
    }
  }
}

// MARK: - Update kernels

/// SGD: v = momentum·v − lr·g; w += v (nesterov: w += momentum·v − lr·g); without momentum w −= lr·g.
@inline(__always)
public func sgdStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, velocity v: UnsafeMutablePointer<Float>?,
  count: Int, lr: Float, momentum: Float, nesterov: Bool
) {
  guard let v else {
    for i in 0..<count { w[i] -= lr * g[i] }
    return
  }
  for i in 0..<count {
    v[i] = momentum * v[i] - lr * g[i]
    w[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i]
  }
}

/// Adam with bias correction folded into alpha = lr·√(1−β2ᵗ)/(1−β1ᵗ):
/// m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= alpha·m/(√v + ε).
@inline(__always)
public func adamStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
  v: UnsafeMutablePointer<Float>, count: Int, alpha: Float, beta1: Float, beta2: Float, epsilon: Float
) {
  let c1 = 1 - beta1, c2 = 1 - beta2
  // 8 lanes at a time through SIMD8 (the pointers may alias as far as the compiler knows, which keeps
  // a plain loop scalar: ~3x slower here), then the tail.
  let vector = count / 8 * 8
  var i = 0
  while i < vector {
    let gi = load8(g + i)
    var mi = load8(m + i), vi = load8(v + i)
    mi += (gi - mi) * c1
    vi += (gi * gi - vi) * c2
    store8(mi, m + i)
    store8(vi, v + i)
    store8(load8(w + i) - alpha * mi / (vi.squareRoot() + epsilon), w + i)
    i += 8
  }
  for i in vector..<count {
    let gi = g[i]
    m[i] += (gi - m[i]) * c1
    v[i] += (gi * gi - v[i]) * c2
    w[i] -= alpha * m[i] / (v[i].squareRoot() + epsilon)
  }
}

@inlinable @inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inlinable @inline(__always) func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { load8(UnsafePointer(p)) }

@inlinable @inline(__always) func store8(_ x: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: x, as: SIMD8<Float>.self)
}

/// RMSprop: v = ρ·v + (1−ρ)·g²; w −= lr·g/√(v + ε)  (ε inside the root, as Keras).
@inline(__always)
public func rmspropStep(
  _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, velocity v: UnsafeMutablePointer<Float>,
  count: Int, lr: Float, rho: Float, epsilon: Float
) {
  let c = 1 - rho
  for i in 0..<count {
    v[i] = rho * v[i] + c * g[i] * g[i]
    w[i] -= lr * g[i] / (v[i] + epsilon).squareRoot()
  }
}
