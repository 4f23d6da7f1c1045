// Benchmark.swift: times training and inference and compares them with OpenBLAS's own sgemm rate.

/// One GEMM of a training step, row-major C[m, n] = op(A)·op(B).
public struct GemmShape: Sendable, CustomStringConvertible {
  public var m: Int, n: Int, k: Int
  public var transA: Bool, transB: Bool
  public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
  public var description: String { "\(m)×\(n)×\(k)\(transA ? " Aᵀ" : "")\(transB ? " Bᵀ" : "")" }
}

/// A layer whose work is GEMMs, as the benchmark sees it: Dense is [n, inputs]·[inputs, outputs]; Conv2D is
/// [n·pixels, patch]·[patch, filters], `chunk` images per GEMM (0: the whole batch); a recurrent layer is its
/// input projection [n·steps, inputs]·[inputs, gates] plus, per step, [n, units]·[units, gates] forward and
/// [n, gates]·[gates, units] backward, and the recurrent kernel's gradient in two GEMMs.
public struct GemmLayer: Sendable {
  public var name: String
  public var isConvolution: Bool
  /// Rows per sample (output pixels for Conv2D, 1 for Dense), the GEMM's K and N.
  public var rowsPerSample: Int
  public var inputs: Int
  public var outputs: Int
  public var chunk: Int
  /// Whether the backward pass computes the input gradient (not for the first weighted layer).
  public var inputGradient: Bool
  /// Recurrent layers: the units (rowsPerSample is then the steps, outputs the gate width); 0 otherwise.
  public var recurrentUnits: Int

  public init(
    name: String, isConvolution: Bool, rowsPerSample: Int, inputs: Int, outputs: Int, chunk: Int, inputGradient: Bool, recurrentUnits: Int = 0
  ) {
    self.recurrentUnits = recurrentUnits
    self.name = name
    self.isConvolution = isConvolution
    self.rowsPerSample = rowsPerSample
    self.inputs = inputs
    self.outputs = outputs
    self.chunk = chunk
    self.inputGradient = inputGradient
  }

  /// The GEMMs of one training step on `n` samples: forward, kernel gradient, input gradient.
  public func trainingGemms(batch n: Int) -> [GemmShape] {
    var shapes: [GemmShape] = []
    var left = n
    while left > 0 {
      let images = chunk > 0 ? min(chunk, left) : left
      let rows = images * rowsPerSample
      shapes.append(GemmShape(m: rows, n: outputs, k: inputs, transA: false, transB: false))
      shapes.append(GemmShape(m: inputs, n: outputs, k: rows, transA: true, transB: false))
      if inputGradient { shapes.append(GemmShape(m: rows, n: inputs, k: outputs, transA: false, transB: true)) }
      left -= images
    }
    if recurrentUnits > 0 && rowsPerSample > 1 {
      let (u, steps) = (recurrentUnits, rowsPerSample - 1)
      shapes += Array(repeating: GemmShape(m: n, n: outputs, k: u, transA: false, transB: false), count: steps)
      shapes += Array(repeating: GemmShape(m: n, n: u, k: outputs, transA: false, transB: true), count: steps)
      shapes.append(GemmShape(m: u, n: outputs, k: n * rowsPerSample - 1, transA: true, transB: false))
      if n > 1 { shapes.append(GemmShape(m: u, n: outputs, k: n - 1, transA: true, transB: false)) }
    }
    return shapes
  }
}

/// Per-layer wall time of training steps: the generated `trainStep` calls `lap(Part.dense1)` after each layer's
/// forward and backward call when a probe is attached (`--benchmark`); otherwise it costs one nil check. A model's
/// `Part` enumeration names its buckets: one per layer in model order, then the loss, then the rest.
public final class StepProbe {
  /// Seconds per layer index; index `layers.count` collects the loss, `layers.count + 1` the rest.
  public private(set) var seconds: [Double]
  private var last = 0.0

  public init(layers: Int) { seconds = Array(repeating: 0, count: layers + 2) }

  /// Starts timing a step.
  public func start() { last = now() }

  /// Adds the time since the previous lap to `bucket`.
  public func lap(_ bucket: Int) {
    let t = now()
    seconds[bucket] += t - last
    last = t
  }

  /// Adds the time since the previous lap to the bucket `part` names (a model's `Part`: its raw value is the index).
  @inlinable
  public func lap<Part: RawRepresentable>(_ part: Part) where Part.RawValue == Int { lap(part.rawValue) }

  public func reset() { seconds = Array(repeating: 0, count: seconds.count) }
}

/// Seconds per call of `shape` on OpenBLAS (median of 9 samples of ≥ 20 ms each).
public func measureSgemm(_ shape: GemmShape) -> Double {
  let a = [Float](repeating: 0.5, count: shape.m * shape.k)
  let b = [Float](repeating: 0.25, count: shape.k * shape.n)
  var c = [Float](repeating: 0, count: shape.m * shape.n)
  return a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      c.withUnsafeMutableBufferPointer { c in
        measure {
          sgemm(transA: shape.transA, transB: shape.transB, m: shape.m, n: shape.n, k: shape.k,
                a.baseAddress!, b.baseAddress!, beta: 0, c.baseAddress!)
        }
      }
    }
  }
}

/// Median seconds per call of `body` over 9 samples of at least 20 ms each.
public func measure(_ body: () -> Void) -> Double {
  body()
  var reps = 1
  while true {
    let t0 = now()
    for _ in 0..<reps { body() }
    if now() - t0 > 0.02 { break }
    reps *= 2
  }
  var samples: [Double] = []
  for _ in 0..<9 {
    let t0 = now()
    for _ in 0..<reps { body() }
    samples.append((now() - t0) / Double(reps))
  }
  return samples.sorted()[4]
}
