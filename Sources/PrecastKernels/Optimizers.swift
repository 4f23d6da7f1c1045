// Optimizers.swift: Keras 3's SGD, Adam and RMSprop update rules over one flat parameter buffer.
import Glibc

// Keras applies these rules per variable; they are element-wise, so one pass over the flat buffer
// of all trainable parameters is the same computation. Formulas follow keras/src/optimizers/*.py.


/// Optimizer state for `count` parameters: the slots and the iteration counter.
public final class Optimizer {
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

  /// Applies one update to `w` given gradients `g` (both [count]).
  public func step(_ w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>) {
    switch config {
    case .sgd(let lr, let momentum, let nesterov):
      sgdStep(w, g, velocity: momentum == 0 ? nil : slots, count: count, lr: lr, momentum: momentum, nesterov: nesterov)
    case .adam(let lr, let b1, let b2, let eps):
      let t = Double(iterations + 1)
      let alpha = Float(Double(lr) * (1 - pow(Double(b2), t)).squareRoot() / (1 - pow(Double(b1), t)))
      adamStep(w, g, m: slots, v: slots + count, count: count, alpha: alpha, beta1: b1, beta2: b2, epsilon: eps)
    case .rmsprop(let lr, let rho, let eps):
      rmspropStep(w, g, velocity: slots, count: count, lr: lr, rho: rho, epsilon: eps)
    }
    iterations += 1
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
  for i in 0..<count {
    let gi = g[i]
    m[i] += (gi - m[i]) * c1
    v[i] += (gi * gi - v[i]) * c2
    w[i] -= alpha * m[i] / (v[i].squareRoot() + epsilon)
  }
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
