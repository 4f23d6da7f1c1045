// Benchmark.swift: times training and inference and compares them with OpenBLAS's own sgemm rate.

/// One GEMM of a training step, row-major C[m, n] = op(A)·op(B).
public struct GemmShape: Sendable, CustomStringConvertible {
  public var m: Int, n: Int, k: Int
  public var transA: Bool, transB: Bool
  public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
  public var description: String { "\(m)×\(n)×\(k)\(transA ? " Aᵀ" : "")\(transB ? " Bᵀ" : "")" }
}

extension ModelInfo {
  /// The GEMMs of one training step on a batch of `n`: per Dense layer the forward x·K, the kernel
  /// gradient xᵀ·dz and (except for the first weighted layer) the input gradient dz·Kᵀ.
  public func trainingGemms(batch n: Int) -> [GemmShape] {
    var shapes: [GemmShape] = []
    var first = true
    for layer in layers where layer.className == "Dense" {
      guard let kernel = layer.weights.first, kernel.shape.count == 2 else { continue }
      let (inputs, outputs) = (kernel.shape[0], kernel.shape[1])
      shapes.append(GemmShape(m: n, n: outputs, k: inputs, transA: false, transB: false))
      shapes.append(GemmShape(m: inputs, n: outputs, k: n, transA: true, transB: false))
      if !first { shapes.append(GemmShape(m: n, n: inputs, k: outputs, transA: false, transB: true)) }
      first = false
    }
    return shapes
  }
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
