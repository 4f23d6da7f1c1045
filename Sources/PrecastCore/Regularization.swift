// Regularization.swift: Keras's weight and activity regularizers and weight constraints, with their math.

/// `keras.regularizers.L1L2`: penalty l1·Σ|x| + l2·Σx² (no ½), gradient l1·sign(x) + 2·l2·x, with sign(0) = +1
/// as Keras on JAX differentiates |x| (a bias that starts at zero moves on the first step).
public struct Regularizer: Sendable, Equatable {
  public var l1: Float
  public var l2: Float

  public init(l1: Float = 0, l2: Float = 0) {
    self.l1 = l1
    self.l2 = l2
  }

  /// `keras.regularizers.L1(0.01)`.
  public static func l1(_ l1: Float = 0.01) -> Regularizer { Regularizer(l1: l1) }
  /// `keras.regularizers.L2(0.01)`.
  public static func l2(_ l2: Float = 0.01) -> Regularizer { Regularizer(l2: l2) }
  /// `keras.regularizers.L1L2(l1=0.0, l2=0.0)`.
  public static func l1l2(l1: Float = 0, l2: Float = 0) -> Regularizer { Regularizer(l1: l1, l2: l2) }

  /// The penalty of `count` values, adding `scale`·∂penalty/∂x into `gradient` when given.
  public func penalty(_ x: UnsafePointer<Float>, count: Int, scale: Float = 1, gradient: UnsafeMutablePointer<Float>? = nil) -> Double {
    var absolute = 0.0, squares = 0.0
    for i in 0..<count {
      let v = x[i]
      absolute += Double(abs(v))
      squares += Double(v) * Double(v)
      if let gradient { gradient[i] += scale * (l1 * (v < 0 ? -1 : 1) + 2 * l2 * v) }
    }
    return Double(l1) * absolute + Double(l2) * squares
  }
}

/// A Keras weight constraint, applied after every optimizer step (`keras.constraints`). Axes are those of the
/// weight's shape that each norm runs over; Keras's default is axis 0 (for a Dense kernel [in, out]: one norm
/// per output unit; for a Conv2D kernel pass [0, 1, 2] for one norm per filter).
public enum Constraint: Sendable, Equatable {
  /// `MaxNorm(max_value=2, axis=0)`: w·min(n, max)/(ε + n).
  case maxNorm(maxValue: Float = 2, axes: [Int] = [0])
  /// `NonNeg()`: max(w, 0).
  case nonNeg
  /// `UnitNorm(axis=0)`: w/(ε + n).
  case unitNorm(axes: [Int] = [0])

  /// Applies the constraint to a weight of `shape` in place.
  public func apply(_ w: UnsafeMutablePointer<Float>, shape: [Int]) {
    let count = shape.reduce(1, *)
    switch self {
    case .nonNeg:
      for i in 0..<count where w[i] < 0 { w[i] = 0 }
    case .maxNorm(let maxValue, let axes):
      normalize(w, shape: shape, axes: axes, limit: maxValue)
    case .unitNorm(let axes):
      normalize(w, shape: shape, axes: axes, limit: nil)
    }
  }

  /// w·target/(ε + n) with n each group's L2 norm and target min(n, limit), or 1 without a limit.
  private func normalize(_ w: UnsafeMutablePointer<Float>, shape: [Int], axes: [Int], limit: Float?) {
    let count = shape.reduce(1, *)
    do {
      // Each norm group: the elements that differ only along `axes`.
      var norms = [Double](repeating: 0, count: count)
      let group = { (i: Int) -> Int in groupIndex(i, shape: shape, reducing: axes) }
      for i in 0..<count { norms[group(i)] += Double(w[i]) * Double(w[i]) }
      for i in 0..<count {
        let n = Float(norms[group(i)].squareRoot())
        let target = limit.map { min(max(n, 0), $0) } ?? 1
        w[i] = w[i] * target / (1e-7 + n)
      }
    }
  }
}

/// The flat index of element `i`'s group when the `reducing` axes of `shape` are collapsed to 0.
private func groupIndex(_ i: Int, shape: [Int], reducing axes: [Int]) -> Int {
  var rest = i, index = 0, stride = 1
  for axis in shape.indices.reversed() {
    let coordinate = rest % shape[axis]
    rest /= shape[axis]
    if !axes.contains(axis) { index += coordinate * stride }
    stride *= shape[axis]
  }
  return index
}
