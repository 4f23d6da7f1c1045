// Dense.swift: fully connected layer kernels (forward y = x·K, backward dK, dB, dX) on OpenBLAS.
import CBLAS
import Glibc

// Shapes: x [n, inputs], kernel [inputs, outputs] (Keras layout), y [n, outputs], all row-major.
// Batch 1 goes through sgemv (memory-bound, ~5x faster than sgemm with M=1); larger batches through sgemm.

// MARK: - Forward

/// y = x·kernel (no bias: the caller fuses bias and activation in one pass, see `biasActivate`).
@inline(__always)
public func denseForward(
  _ x: UnsafePointer<Float>, count n: Int, inputs: Int, outputs: Int,
  kernel: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>
) {
  if n * inputs * outputs <= smallGemmLimit {
    smallDenseForward(x, count: n, inputs: inputs, outputs: outputs, kernel: kernel, output: y)
  } else if n == 1 {
    // y[j] = Σ_i x[i]·K[i, j]  →  y = Kᵀ·x with K stored [inputs, outputs].
    cblas_sgemv(
      CblasRowMajor, CblasTrans, Int32(inputs), Int32(outputs), 1, kernel, Int32(outputs),
      x, 1, 0, y, 1)
  } else {
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(outputs), Int32(inputs),
      1, x, Int32(inputs), kernel, Int32(outputs), 0, y, Int32(outputs))
  }
}

// MARK: - Backward

/// Backward of `y = x·kernel + bias` given dz = ∂L/∂(x·K + b) [n, outputs].
/// Accumulates dKernel += xᵀ·dz and dBias += Σ_rows dz; writes dx = dz·Kᵀ when `dx` is non-nil.
@inline(__always)
public func denseBackward(
  _ dz: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, inputs: Int, outputs: Int,
  kernel: UnsafePointer<Float>, dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
  dx: UnsafeMutablePointer<Float>?
) {
  if n * inputs * outputs <= smallGemmLimit {
    smallDenseBackward(dz, input: x, count: n, inputs: inputs, outputs: outputs, kernel: kernel, dKernel: dKernel, dx: dx)
    if let dBias { sumRows(dz, rows: n, cols: outputs, into: dBias) }
    return
  }
  // dK [inputs, outputs] += xᵀ [inputs, n] · dz [n, outputs]
  cblas_sgemm(
    CblasRowMajor, CblasTrans, CblasNoTrans, Int32(inputs), Int32(outputs), Int32(n),
    1, x, Int32(inputs), dz, Int32(outputs), 1, dKernel, Int32(outputs))
  if let dBias { sumRows(dz, rows: n, cols: outputs, into: dBias) }
  guard let dx else { return }
  if n == 1 {
    cblas_sgemv(
      CblasRowMajor, CblasNoTrans, Int32(inputs), Int32(outputs), 1, kernel, Int32(outputs),
      dz, 1, 0, dx, 1)
  } else {
    // dx [n, inputs] = dz [n, outputs] · Kᵀ [outputs, inputs]
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(inputs), Int32(outputs),
      1, dz, Int32(outputs), kernel, Int32(outputs), 0, dx, Int32(inputs))
  }
}

// MARK: - Small layers

/// Multiply-adds up to which a Dense layer's products run in Swift loops instead of OpenBLAS: a tutorial MLP
/// (Pima: 8 → 12 → 8 → 1 at batch 10) spends more in OpenBLAS's per-call overhead (argument checks, thread
/// dispatch, packing) than in its ~1,000 multiply-adds.
public let smallGemmLimit = 8192

/// y [n, outputs] = x [n, inputs] · kernel [inputs, outputs] by `smallGemm`.
@inline(__always)
func smallDenseForward(
  _ x: UnsafePointer<Float>, count n: Int, inputs: Int, outputs: Int, kernel: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>
) {
  y.update(repeating: 0, count: n * outputs)
  smallGemm(m: n, n: outputs, k: inputs, x, lda: inputs, kernel, ldb: outputs, y, ldc: outputs)
}

/// dKernel [inputs, outputs] += xᵀ·dz and, when `dx` is non-nil, dx [n, inputs] = dz·kernelᵀ, in plain loops.
@inline(__always)
func smallDenseBackward(
  _ dz: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, inputs: Int, outputs: Int,
  kernel: UnsafePointer<Float>, dKernel: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
) {
  for r in 0..<n {
    let d = dz + r * outputs, row = x + r * inputs
    for i in 0..<inputs {
      let xi = row[i], target = dKernel + i * outputs
      for j in 0..<outputs { target[j] += xi * d[j] }
    }
    guard let dx else { continue }
    for i in 0..<inputs {
      let k = kernel + i * outputs
      var acc: Float = 0
      for j in 0..<outputs { acc += d[j] * k[j] }
      dx[r * inputs + i] = acc
    }
  }
}

/// into[c] += Σ_r m[r, c]
@inline(__always)
public func sumRows(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into: UnsafeMutablePointer<Float>) {
  for r in 0..<rows { update8(into, m + r * cols, count: cols) { $0 + $1 } }
}

// MARK: - Naive references (tests hold the BLAS path against these)

/// Plain-loop y = x·kernel + bias, in Double, for tests.
public func denseForwardNaive(
  _ x: [Float], count n: Int, inputs: Int, outputs: Int, kernel: [Float], bias: [Float]?
) -> [Float] {
  var y = [Float](repeating: 0, count: n * outputs)
  for r in 0..<n {
    for j in 0..<outputs {
      var s = Double(bias?[j] ?? 0)
      for i in 0..<inputs { s += Double(x[r * inputs + i]) * Double(kernel[i * outputs + j]) }
      y[r * outputs + j] = Float(s)
    }
  }
  return y
}

// MARK: - BLAS configuration

/// The number of threads OpenBLAS uses (OPENBLAS_NUM_THREADS, or the core count).
public var blasThreads: Int {
  get { Int(openblas_get_num_threads()) }
}

/// Sets the number of OpenBLAS threads.
public func setBlasThreads(_ count: Int) { openblas_set_num_threads(Int32(count)) }

/// Sets up OpenBLAS: `threads` (nil: OpenBLAS's default) and, with `sleepingWorkers` (training), idle
/// worker threads that sleep at once instead of spinning. OpenBLAS's workers spin for 2^28 cycles (about
/// 0.1 s) after every call by default, which takes the cores that Precast's own kernels, the optimizer and
/// data batching run on between GEMMs: fashion-cnn trains an epoch in 4.4–5.5 s with spinning workers and
/// 3.1 s without. Inference keeps them spinning: waking a worker costs more than a batch-1 prediction
/// (fashion-mlp: 55 µs instead of 23 µs). A timeout set in OPENBLAS_THREAD_TIMEOUT is kept. Needs
/// OpenBLAS's exported `openblas_read_env` and `blas_thread_shutdown_` (looked up at run time).
public func configureBlas(threads: Int?, sleepingWorkers: Bool) {
  if sleepingWorkers, getenv("OPENBLAS_THREAD_TIMEOUT") == nil, let library = dlopen(nil, RTLD_NOW),
    let readEnvironment = dlsym(library, "openblas_read_env"), let shutDown = dlsym(library, "blas_thread_shutdown_")
  {
    setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)  // 2^4 cycles, OpenBLAS's minimum
    unsafeBitCast(readEnvironment, to: (@convention(c) () -> Void).self)()
    _ = unsafeBitCast(shutDown, to: (@convention(c) () -> Int32).self)()  // workers restart on the next call
  }
  if let threads { setBlasThreads(threads) }
}

/// OpenBLAS's name for the CPU core it tuned for ("Zen", "Haswell", …); empty means a foreign BLAS.
public var blasCoreName: String {
  guard let name = openblas_get_corename() else { return "" }
  return String(cString: name)
}

/// Row-major C = A·B (+ transposes), exposed for the benchmark's reference measurement.
@inline(__always)
public func sgemm(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
  _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, beta: Float, _ c: UnsafeMutablePointer<Float>
) {
  let lda = transA ? m : k
  let ldb = transB ? k : n
  cblas_sgemm(
    CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
}
