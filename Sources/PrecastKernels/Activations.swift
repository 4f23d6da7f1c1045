// Activations.swift: Keras's activations, fused with the bias add (forward) and their derivatives (backward).
import Glibc


// SELU constants (Klambauer et al.; Keras uses the same rounded values).
let seluAlpha: Float = 1.6732632423543772
let seluScale: Float = 1.0507009873554805

@inline(__always) func sigmoidf(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

// MARK: - 8-lane exp, sigmoid and tanh (the recurrent layers' gates)

/// eˣ of 8 lanes, Cephes's expf: x = k·ln 2 + r with |r| ≤ ½ln 2, eʳ by a degree-6 polynomial, 2ᵏ by the
/// exponent bits. Relative error about 1e-7 (libm's within 2 ulp); inputs are clamped to [−87.3, 88.3].
@inline(__always)
func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
  let x = clamp8(x, -87.3, 88.3)
  let k = (x * 1.442_695_04 + 0.5).rounded(.down)
  let r = x - k * 0.693_359_375 + k * 2.121_944_4e-4  // ln 2 in two parts, for an exact reduction
  var p = SIMD8<Float>(repeating: 1.987_569_15e-4) * r + 1.398_199_95e-3
  p = p * r + 8.333_451_9e-3
  p = p * r + 4.166_579_59e-2
  p = p * r + 1.666_666_55e-1
  p = p * r + 5.000_000_12e-1
  let er = p * r * r + r + 1
  // k + 1.5·2²³ holds k in its low mantissa bits: (bits − bits(1.5·2²³) + 127) << 23 are the bits of 2ᵏ.
  let shifted = unsafeBitCast(k + 12_582_912, to: SIMD8<Int32>.self)
  let twoK = unsafeBitCast((shifted &- 0x4B40_0000 &+ 127) &<< 23, to: SIMD8<Float>.self)
  return er * twoK
}

/// x limited to [lo, hi] lane by lane; NaN stays NaN. (SIMD's `clamped` calls the generic, unspecialised
/// pointwiseMin/pointwiseMax, which took 8% of an LSTM's training time.)
@inlinable @inline(__always)
func clamp8(_ x: SIMD8<Float>, _ lo: Float, _ hi: Float) -> SIMD8<Float> {
  x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
}

/// σ(x) = 1 / (1 + e⁻ˣ) of 8 lanes.
@inline(__always)
func sigmoid8(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exp8(-x)) }

/// tanh(x) = 2σ(2x) − 1 of 8 lanes (absolute error about 1e-7).
@inline(__always)
func tanh8(_ x: SIMD8<Float>) -> SIMD8<Float> { 2 / (1 + exp8(-2 * x)) - 1 }

// MARK: - Forward: y = act(z + bias)

/// Adds `bias` to each row of `z` [rows, cols] and applies `activation`, writing `y` (which may equal `z`).
/// When `y != z`, `z` keeps the pre-activation values (needed by swish and by losses computed from logits).
@inline(__always)
public func biasActivate(
  _ z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, rows: Int, cols: Int,
  _ activation: ActivationFunction, output y: UnsafeMutablePointer<Float>
) {
  if let bias { addBias(z, bias: bias, rows: rows, cols: cols) }
  activate(z, rows: rows, cols: cols, activation, output: y)
}

@inline(__always)
func addBias(_ z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, cols: Int) {
  for r in 0..<rows { update8(z + r * cols, bias, count: cols) { $0 + $1 } }
}

/// y[i] = f(x[i]), 8 lanes at a time, then the tail lane by lane. Explicit SIMD8 because the pointers may
/// alias as far as the compiler knows, which keeps a plain loop scalar (3–8× slower).
@inlinable @inline(__always)
func map8(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, _ f: (SIMD8<Float>) -> SIMD8<Float>) {
  var i = 0
  while i + 8 <= count {
    store8(f(load8(x + i)), y + i)
    i += 8
  }
  while i < count {
    y[i] = f(SIMD8(repeating: x[i]))[0]
    i += 1
  }
}

/// y[i] = f(x[i], b[i]), 8 lanes at a time, then the tail (see `map8`).
@inlinable @inline(__always)
func map8(
  _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, _ b: UnsafePointer<Float>,
  _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>
) {
  var i = 0
  while i + 8 <= count {
    store8(f(load8(x + i), load8(b + i)), y + i)
    i += 8
  }
  while i < count {
    y[i] = f(SIMD8(repeating: x[i]), SIMD8(repeating: b[i]))[0]
    i += 1
  }
}

/// a[i] = f(a[i], b[i]), 8 lanes at a time, then the tail (see `map8`).
@inlinable @inline(__always)
func update8(
  _ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count: Int, _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>
) {
  var i = 0
  while i + 8 <= count {
    store8(f(load8(a + i), load8(b + i)), a + i)
    i += 8
  }
  while i < count {
    a[i] = f(SIMD8(repeating: a[i]), SIMD8(repeating: b[i]))[0]
    i += 1
  }
}

/// y = act(z), element-wise (softmax: per row of `cols`).
@inline(__always)
public func activate(
  _ z: UnsafePointer<Float>, rows: Int, cols: Int, _ activation: ActivationFunction, output y: UnsafeMutablePointer<Float>
) {
  let count = rows * cols
  switch activation {
  case .linear:
    if UnsafePointer(y) != z { y.update(from: z, count: count) }
  case .relu:
    map8(z, y, count: count) { $0.replacing(with: 0, where: $0 .< 0) }
  case .sigmoid:
    for i in 0..<count { y[i] = sigmoidf(z[i]) }
  case .tanh:
    for i in 0..<count { y[i] = tanhf(z[i]) }
  case .leakyRelu(let alpha):
    map8(z, y, count: count) { $0.replacing(with: alpha * $0, where: $0 .< 0) }
  case .elu(let alpha):
    for i in 0..<count { y[i] = z[i] > 0 ? z[i] : alpha * (expf(z[i]) - 1) }
  case .selu:
    for i in 0..<count { y[i] = z[i] > 0 ? seluScale * z[i] : seluScale * seluAlpha * (expf(z[i]) - 1) }
  case .swish:
    for i in 0..<count { y[i] = z[i] * sigmoidf(z[i]) }
  case .hardSigmoid:
    map8(z, y, count: count, hardSigmoid8)
  case .softmax:
    for r in 0..<rows { softmaxRow(z + r * cols, cols: cols, output: y + r * cols) }
  }
}

/// Keras 3's hard sigmoid of 8 lanes, clip(x/6 + 1/2, 0, 1).
@inlinable @inline(__always)
func hardSigmoid8(_ x: SIMD8<Float>) -> SIMD8<Float> {
  let sixth: Float = 1 / 6
  let y = x * sixth + 0.5
  return clamp8(y, 0, 1)
}

/// The hard sigmoid's derivative from its output: 1/6 on the slope (0 < y < 1), 0 where it is clipped.
@inlinable @inline(__always)
func hardSigmoidDerivative8(output y: SIMD8<Float>) -> SIMD8<Float> {
  let sixth: Float = 1 / 6
  let clipped = (y .<= 0) .| (y .>= 1)
  return SIMD8<Float>(repeating: sixth).replacing(with: 0, where: clipped)
}

/// Numerically stable softmax of one row: exp(z - max) / Σ exp(z - max).
@inline(__always)
public func softmaxRow(_ z: UnsafePointer<Float>, cols: Int, output y: UnsafeMutablePointer<Float>) {
  var m = z[0]
  for c in 1..<max(cols, 1) where z[c] > m { m = z[c] }
  var s: Float = 0
  for c in 0..<cols {
    let e = expf(z[c] - m)
    y[c] = e
    s += e
  }
  let inv = 1 / s
  for c in 0..<cols { y[c] *= inv }
}

// MARK: - Backward: dy ← dy ⊙ act'(z)

/// Turns the gradient w.r.t. the activation's output into the gradient w.r.t. its input, in place.
/// `y` is the forward output; `z` the pre-activation (only read for swish).
@inline(__always)
public func activationBackward(
  _ dy: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, preactivation z: UnsafePointer<Float>,
  rows: Int, cols: Int, _ activation: ActivationFunction
) {
  let count = rows * cols
  switch activation {
  case .linear:
    break
  case .relu:
    update8(dy, y, count: count) { g, y in g.replacing(with: 0, where: y .<= 0) }
  case .sigmoid:
    for i in 0..<count { dy[i] *= y[i] * (1 - y[i]) }
  case .tanh:
    for i in 0..<count { dy[i] *= 1 - y[i] * y[i] }
  case .leakyRelu(let alpha):
    update8(dy, y, count: count) { g, y in g.replacing(with: alpha * g, where: y .<= 0) }
  case .elu(let alpha):
    for i in 0..<count { dy[i] = y[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha) }
  case .selu:
    let k = seluScale * seluAlpha
    for i in 0..<count { dy[i] = y[i] > 0 ? seluScale * dy[i] : dy[i] * (y[i] + k) }
  case .swish:
    for i in 0..<count {
      let s = sigmoidf(z[i])
      dy[i] *= s + z[i] * s * (1 - s)
    }
  case .hardSigmoid:
    update8(dy, y, count: count) { g, y in g * hardSigmoidDerivative8(output: y) }
  case .softmax:
    // dz_i = y_i · (dy_i − Σ_j dy_j·y_j), per row.
    for r in 0..<rows {
      let g = dy + r * cols
      let p = y + r * cols
      var dot: Float = 0
      for c in 0..<cols { dot += g[c] * p[c] }
      for c in 0..<cols { g[c] = p[c] * (g[c] - dot) }
    }
  }
}

// MARK: - Recurrent layers' activations

/// An activation of a recurrent layer's step loop, 8 lanes at a time, with its derivative from its output.
protocol GateFunction {
  func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float>
  func derivative(output y: SIMD8<Float>) -> SIMD8<Float>
}

/// tanh as a type, so the step loops specialise on Keras's default activations (no switch per lane group).
struct TanhGate: GateFunction {
  @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> { tanh8(x) }
  @inline(__always) func derivative(output y: SIMD8<Float>) -> SIMD8<Float> { 1 - y * y }
}

/// σ as a type (see `TanhGate`).
struct SigmoidGate: GateFunction {
  @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> { sigmoid8(x) }
  @inline(__always) func derivative(output y: SIMD8<Float>) -> SIMD8<Float> { y * (1 - y) }
}

/// The activations a recurrent layer's candidate/output (`activation`) and gates (`recurrent_activation`) may use.
public enum GateActivation: Sendable, GateFunction {
  case tanh, sigmoid, relu, linear, hardSigmoid

  /// f(x) of 8 lanes.
  @inline(__always)
  func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> {
    switch self {
    case .tanh: return TanhGate()(x)
    case .sigmoid: return SigmoidGate()(x)
    case .relu: return x.replacing(with: 0, where: x .< 0)
    case .linear: return x
    case .hardSigmoid: return hardSigmoid8(x)
    }
  }

  /// f′ from the output y = f(x) (every case has one).
  @inline(__always)
  func derivative(output y: SIMD8<Float>) -> SIMD8<Float> {
    switch self {
    case .tanh: return TanhGate().derivative(output: y)
    case .sigmoid: return SigmoidGate().derivative(output: y)
    case .relu: return SIMD8(repeating: 1).replacing(with: 0, where: y .<= 0)
    case .linear: return SIMD8(repeating: 1)
    case .hardSigmoid: return hardSigmoidDerivative8(output: y)
    }
  }
}
