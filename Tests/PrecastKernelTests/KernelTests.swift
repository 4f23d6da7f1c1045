// KernelTests.swift: BLAS kernels against plain loops, and losses against values computed by hand from Keras's formulas.
import PrecastRuntime
import PrecastTestSupport
import XCTest

final class KernelTests: XCTestCase {
  func testDenseForwardMatchesNaiveForBatchOneAndMany() {
    var rng = Random(seed: 1)
    let (inputs, outputs) = (7, 5)
    let kernel = (0..<(inputs * outputs)).map { _ in Float(rng.nextNormal()) }
    for n in [1, 6] {
      let x = (0..<(n * inputs)).map { _ in Float(rng.nextNormal()) }
      let expected = denseForwardNaive(x, count: n, inputs: inputs, outputs: outputs, kernel: kernel, bias: nil)
      var y = [Float](repeating: 0, count: n * outputs)
      denseForward(x, count: n, inputs: inputs, outputs: outputs, kernel: kernel, output: &y)
      XCTAssertLessThanOrEqual(maxAbsDifference(y, expected), 1e-5)
    }
  }

  func testOpenBLASIsTheBLAS() {
    XCTAssertFalse(blasCoreName.isEmpty, "openblas_get_corename() is empty: not OpenBLAS")
  }

  /// Sigmoid + BCE from logits equals −[t·log σ(z) + (1−t)·log(1−σ(z))] computed in Double.
  func testSigmoidBinaryCrossentropyValueAndGradient() {
    let z: [Float] = [-3, 0.5, 8]
    let t: [Float] = [0, 1, 1]
    let p = z.map { 1 / (1 + exp(-$0)) }
    var grad = [Float](repeating: 0, count: 3)
    let loss = sigmoidBinaryCrossentropy(logits: z, probabilities: p, targets: t, rows: 3, cols: 1, grad: &grad)
    let expected = zip(z, t).map { z, t -> Double in
      let s = 1 / (1 + Foundation.exp(-Double(z)))
      return -(Double(t) * Foundation.log(s) + (1 - Double(t)) * Foundation.log(1 - s))
    }.reduce(0, +) / 3
    XCTAssertEqual(loss, expected, accuracy: 1e-6)
    for i in 0..<3 { XCTAssertEqual(grad[i], (p[i] - t[i]) / 3, accuracy: 1e-7) }
  }

  /// Softmax + CCE from logits equals log Σ e^z − z_label (no clipping, as Keras on TensorFlow).
  func testSoftmaxCrossentropyMatchesLogSumExp() {
    let z: [Float] = [1, 2, 3, 100, 0, -100]
    var p = [Float](repeating: 0, count: 6)
    activate(z, rows: 2, cols: 3, .softmax, output: &p)
    let onehot: [Float] = [0, 0, 1, 0, 0, 1]
    var grad = [Float](repeating: 0, count: 6)
    let loss = softmaxCategoricalCrossentropy(logits: z, probabilities: p, targets: onehot, rows: 2, cols: 3, grad: &grad)
    let row1 = Foundation.log(Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)) - 3
    let row2 = 200.0  // log Σ ≈ 100, minus (−100)
    XCTAssertEqual(loss, (row1 + row2) / 2, accuracy: 1e-4)
    var sparseGrad = [Float](repeating: 0, count: 6)
    let sparse = softmaxSparseCategoricalCrossentropy(logits: z, probabilities: p, labels: [2, 2], rows: 2, cols: 3, grad: &sparseGrad)
    XCTAssertEqual(sparse, loss, accuracy: 1e-9)
    XCTAssertEqual(sparseGrad, grad)
  }

  /// Adam's first step moves each weight by ≈ lr·sign(g) (Keras's bias-corrected rule).
  func testAdamFirstStep() {
    let optimizer = Optimizer(.adam(), count: 2)
    var w: [Float] = [1, 1], g: [Float] = [0.5, -2]
    optimizer.step(&w, gradients: &g)
    XCTAssertEqual(w[0], 1 - 0.001, accuracy: 1e-6)
    XCTAssertEqual(w[1], 1 + 0.001, accuracy: 1e-6)
  }

  /// The 8-lane path and the scalar tail of Adam give the same updates (19 = 2·8 + 3), over several steps.
  func testAdamVectorAndTailAgree() {
    let optimizer = Optimizer(.adam(learningRate: 0.01), count: 19)
    var w = [Float](repeating: 0.5, count: 19)
    for step in 0..<5 {
      var g = [Float](repeating: Float(step) - 1.5, count: 19)
      optimizer.step(&w, gradients: &g)
    }
    XCTAssertEqual(Set(w).count, 1, "\(w)")
    XCTAssertNotEqual(w[0], 0.5)
  }

  /// Glorot uniform draws stay within √(6/(fanIn+fanOut)) and have the matching variance.
  func testGlorotUniformLimitsAndVariance() {
    var rng = Random(seed: 4)
    var w = [Float](repeating: 0, count: 100_000)
    Initializer.glorotUniform.fill(&w, count: w.count, fanIn: 300, fanOut: 100, rng: &rng)
    let limit = Float((6.0 / 400).squareRoot())
    XCTAssertLessThanOrEqual(w.map(abs).max()!, limit)
    let variance = w.map { Double($0 * $0) }.reduce(0, +) / Double(w.count)
    XCTAssertEqual(variance, Double(limit * limit) / 3, accuracy: 2e-4)
  }
}

// MARK: - Convolution and augmentation

final class ConvolutionKernelTests: XCTestCase {
  /// The im2col + sgemm path equals a direct convolution for odd/even kernels, strides, both paddings and dilation.
  func testIm2colMatchesDirectConvolution() {
    var rng = Random(seed: 4)
    for (h, w, c, kh, kw, s, same, filters, batch, dy, dx) in [
      (7, 6, 2, 3, 3, 1, false, 4, 3, 1, 1), (7, 6, 2, 3, 3, 1, true, 4, 3, 1, 1), (8, 8, 3, 2, 2, 2, true, 5, 2, 1, 1),
      (9, 7, 1, 4, 3, 2, true, 8, 2, 1, 1), (5, 5, 4, 1, 1, 1, false, 3, 2, 1, 1), (6, 5, 3, 3, 2, 3, false, 2, 5, 1, 1),
      (9, 8, 2, 3, 3, 1, true, 4, 2, 2, 3), (9, 8, 2, 3, 2, 1, false, 4, 2, 3, 2),  // dilated: span (k − 1)·d + 1
    ] {
      let rows = convolutionOutput(input: h, kernel: (kh - 1) * dy + 1, stride: s, same: same)
      let cols = convolutionOutput(input: w, kernel: (kw - 1) * dx + 1, stride: s, same: same)
      let g = Window2D(
        inputHeight: h, inputWidth: w, channels: c, kernelHeight: kh, kernelWidth: kw, strideY: s, strideX: s,
        padTop: rows.padBefore, padLeft: cols.padBefore, outputHeight: rows.size, outputWidth: cols.size, dilationY: dy, dilationX: dx)
      let x = (0..<(batch * g.inputSize)).map { _ in Float(rng.nextNormal()) }
      let kernel = (0..<(g.patchSize * filters)).map { _ in Float(rng.nextNormal()) }
      let expected = conv2DForwardNaive(x, count: batch, g, filters: filters, kernel: kernel, bias: nil)
      var got = [Float](repeating: 0, count: expected.count)
      var columns = [Float](repeating: 0, count: 2 * g.outputPixels * g.patchSize)
      x.withUnsafeBufferPointer { xs in
        kernel.withUnsafeBufferPointer { ks in
          conv2DGemmForward(xs.baseAddress!, count: batch, g, filters: filters, kernel: ks.baseAddress!, columns: &columns, chunk: 2, output: &got)
        }
      }
      XCTAssertLessThanOrEqual(maxAbsDifference(got, expected), 1e-4, "\(h)×\(w)×\(c), kernel \(kh)×\(kw), stride \(s), same \(same), dilation \(dy)×\(dx)")
    }
  }

  /// The direct kernels (K ≤ 32, filters in 8s) equal the naive convolution forward (bias and ReLU fused)
  /// and the im2col + sgemm path backward (kernel and bias gradients), with 1 and 2 threads.
  func testDirectConvolutionMatchesReferences() {
    var rng = Random(seed: 5)
    let savedThreads = blasThreads
    defer { setBlasThreads(savedThreads) }
    for (h, w, c, kh, kw, s, same, filters, batch, threads) in [
      (28, 28, 1, 3, 3, 1, false, 32, 9, 2), (7, 6, 2, 3, 3, 1, true, 8, 3, 1), (9, 7, 3, 3, 3, 2, true, 40, 10, 2),
      (6, 6, 8, 2, 2, 2, false, 16, 1, 2), (5, 5, 1, 5, 5, 1, true, 24, 8, 2),
    ] {
      setBlasThreads(threads)
      let rows = convolutionOutput(input: h, kernel: kh, stride: s, same: same)
      let cols = convolutionOutput(input: w, kernel: kw, stride: s, same: same)
      let g = Window2D(
        inputHeight: h, inputWidth: w, channels: c, kernelHeight: kh, kernelWidth: kw, strideY: s, strideX: s,
        padTop: rows.padBefore, padLeft: cols.padBefore, outputHeight: rows.size, outputWidth: cols.size)
      XCTAssertTrue(g.supportsDirectConvolution(filters: filters))
      let x = (0..<(batch * g.inputSize)).map { _ in Float(rng.nextNormal()) }
      let kernel = (0..<(g.patchSize * filters)).map { _ in Float(rng.nextNormal()) }
      let bias = (0..<filters).map { _ in Float(rng.nextNormal()) }
      let expected = conv2DForwardNaive(x, count: batch, g, filters: filters, kernel: kernel, bias: bias).map { max($0, 0) }
      var got = [Float](repeating: 0, count: expected.count)
      conv2DDirectForward(x, count: batch, g, filters: filters, kernel: kernel, bias: bias, relu: true, output: &got)
      let label = "\(h)×\(w)×\(c), kernel \(kh)×\(kw), stride \(s), same \(same), \(filters) filters, \(threads) thread(s)"
      XCTAssertLessThanOrEqual(maxAbsDifference(got, expected), 1e-4, label)

      let dz = (0..<expected.count).map { _ in Float(rng.nextNormal()) }
      var columns = [Float](repeating: 0, count: batch * g.outputPixels * g.patchSize)
      var dKernel = [Float](repeating: 0.5, count: kernel.count), dBias = [Float](repeating: 0.5, count: filters)
      var refKernel = dKernel, refBias = dBias  // both accumulate onto the same starting values
      conv2DDirectBackward(dz, input: x, count: batch, g, filters: filters, dKernel: &dKernel, dBias: &dBias)
      sumRows(dz, rows: batch * g.outputPixels, cols: filters, into: &refBias)
      im2col(x, images: batch, g, columns: &columns)
      for k in 0..<g.patchSize {
        for f in 0..<filters {
          var sum: Float = 0
          for p in 0..<(batch * g.outputPixels) { sum += columns[p * g.patchSize + k] * dz[p * filters + f] }
          refKernel[k * filters + f] += sum
        }
      }
      XCTAssertLessThanOrEqual(maxAbsDifference(dKernel, refKernel), 2e-3, label)
      XCTAssertLessThanOrEqual(maxAbsDifference(dBias, refBias), 1e-3, label)
    }
  }

  /// Winograd F(2×2, 3×3) and F(4×4, 3×3) equal the naive convolution forward (bias, then ReLU fused or a separate
  /// activation) and backward (kernel, bias and input gradients), for same and valid padding, sizes that leave
  /// partial tiles, several images per GEMM batch, and 1, 2 and 3 threads.
  func testWinogradMatchesNaiveConvolution() {
    var rng = Random(seed: 6)
    let savedThreads = blasThreads
    defer { setBlasThreads(savedThreads) }
    for (h, w, c, same, filters, batch, imagesPerGemm, threads, activation) in [
      (7, 6, 8, true, 8, 3, 1, 2, ActivationFunction.relu), (7, 6, 8, false, 16, 3, 2, 1, .tanh),
      (28, 28, 32, true, 32, 5, 1, 2, .relu), (14, 14, 32, true, 64, 4, 3, 2, .linear), (5, 9, 16, false, 8, 7, 2, 3, .relu),
      (3, 3, 8, true, 8, 1, 1, 2, .relu),
    ] as [(Int, Int, Int, Bool, Int, Int, Int, Int, ActivationFunction)] {
      for tile in [2, 4] {
        setBlasThreads(threads)
        let rows = convolutionOutput(input: h, kernel: 3, stride: 1, same: same)
        let cols = convolutionOutput(input: w, kernel: 3, stride: 1, same: same)
        let g = Window2D(
          inputHeight: h, inputWidth: w, channels: c, kernelHeight: 3, kernelWidth: 3, strideY: 1, strideX: 1,
          padTop: rows.padBefore, padLeft: cols.padBefore, outputHeight: rows.size, outputWidth: cols.size)
        XCTAssertTrue(g.supportsWinograd(filters: filters))
        let label = "F(\(tile)×\(tile)), \(h)×\(w)×\(c), same \(same), \(filters) filters, batch \(batch), \(imagesPerGemm) per GEMM, \(threads) thread(s)"
        let x = (0..<(batch * g.inputSize)).map { _ in Float(rng.nextNormal()) }
        let kernel = (0..<(g.patchSize * filters)).map { _ in Float(rng.nextNormal()) }
        let bias = (0..<filters).map { _ in Float(rng.nextNormal()) }
        let reference = conv2DForwardNaive(x, count: batch, g, filters: filters, kernel: kernel, bias: bias)
        var expected = reference
        activate(reference, rows: expected.count, cols: 1, activation, output: &expected)
        var scratch = [Float](repeating: .nan, count: g.winogradScratchCount(filters: filters, imagesPerGemm: imagesPerGemm, cores: 2, tile: tile))
        var z = [Float](repeating: .nan, count: expected.count), y = z
        conv2DWinogradForward(
          x, count: batch, g, filters: filters, tile: tile, kernel: kernel, bias: bias, activation, scratch: &scratch,
          scratchCount: scratch.count, imagesPerGemm: imagesPerGemm, preactivation: &z, output: &y)
        assertClose(y, expected, 1e-4 * Float(c), label + " forward")

        let dz = (0..<expected.count).map { _ in Float(rng.nextNormal()) }
        let naive = conv2DBackwardNaive(dz, input: x, count: batch, g, filters: filters, kernel: kernel)
        var dKernel = [Float](repeating: 0.5, count: kernel.count), dBias = [Float](repeating: 0.5, count: filters)
        var dx = [Float](repeating: .nan, count: x.count)
        conv2DWinogradBackward(
          dz, input: x, count: batch, g, filters: filters, tile: tile, kernel: kernel, dKernel: &dKernel, dBias: &dBias, dx: &dx,
          scratch: &scratch, scratchCount: scratch.count, imagesPerGemm: imagesPerGemm)
        assertClose(dKernel, naive.dKernel.map { $0 + 0.5 }, 1e-4 * Float(batch * g.outputPixels), label + " dKernel")
        assertClose(dBias, naive.dBias.map { $0 + 0.5 }, 1e-4 * Float(batch * g.outputPixels), label + " dBias")
        assertClose(dx, naive.dx, 1e-4 * Float(filters), label + " dx")
      }
    }
  }

  /// The im2col path split over the cores (each its own images, kernel sums and col2im) equals the naive gradients.
  func testIm2colBackwardSplitOverCoresMatchesNaive() {
    var rng = Random(seed: 7)
    let savedThreads = blasThreads
    defer { setBlasThreads(savedThreads) }
    for (h, w, c, kh, s, same, filters, batch, chunk, threads) in [
      (9, 8, 3, 3, 1, true, 5, 5, 4, 2), (8, 7, 4, 2, 2, false, 6, 3, 3, 3), (6, 6, 2, 1, 1, false, 4, 4, 2, 2),
    ] {
      setBlasThreads(threads)
      let rows = convolutionOutput(input: h, kernel: kh, stride: s, same: same)
      let cols = convolutionOutput(input: w, kernel: kh, stride: s, same: same)
      let g = Window2D(
        inputHeight: h, inputWidth: w, channels: c, kernelHeight: kh, kernelWidth: kh, strideY: s, strideX: s,
        padTop: rows.padBefore, padLeft: cols.padBefore, outputHeight: rows.size, outputWidth: cols.size)
      let label = "\(h)×\(w)×\(c), kernel \(kh), stride \(s), chunk \(chunk), \(threads) thread(s)"
      let x = (0..<(batch * g.inputSize)).map { _ in Float(rng.nextNormal()) }
      let kernel = (0..<(g.patchSize * filters)).map { _ in Float(rng.nextNormal()) }
      let expected = conv2DForwardNaive(x, count: batch, g, filters: filters, kernel: kernel, bias: nil)
      var columns = [Float](repeating: .nan, count: chunk * g.outputPixels * g.patchSize)
      var y = [Float](repeating: .nan, count: expected.count)
      y.withUnsafeMutableBufferPointer { out in
        conv2DForward(
          x, count: batch, g, filters: filters, kernel: kernel, bias: nil, .linear, columns: &columns, chunk: chunk,
          preactivation: out.baseAddress!, output: out.baseAddress!)
      }
      assertClose(y, expected, 1e-4, label + " forward")
      let dz = (0..<expected.count).map { _ in Float(rng.nextNormal()) }
      let naive = conv2DBackwardNaive(dz, input: x, count: batch, g, filters: filters, kernel: kernel)
      var dKernel = [Float](repeating: 0, count: kernel.count), dBias = [Float](repeating: 0, count: filters)
      var dx = [Float](repeating: .nan, count: x.count)
      conv2DBackward(dz, input: x, count: batch, g, filters: filters, kernel: kernel, dKernel: &dKernel, dBias: &dBias, dx: &dx, columns: &columns, chunk: chunk)
      assertClose(dKernel, naive.dKernel, 1e-3, label + " dKernel")
      assertClose(dBias, naive.dBias, 1e-3, label + " dBias")
      assertClose(dx, naive.dx, 1e-3, label + " dx")
    }
  }

  /// The fused first block, Conv2D + ReLU + 2×2 max pooling, equals the naive convolution, ReLU and pooling, and each
  /// window's winner is the first pixel holding its maximum; 8, 16 and 24 filters (16-wide blocks and an 8 tail).
  func testConvReluMaxPoolMatchesNaive() {
    var rng = Random(seed: 9)
    for (h, w, c, filters, batch) in [(28, 28, 1, 32, 5), (7, 6, 2, 8, 3), (9, 9, 3, 24, 4), (6, 8, 1, 16, 1)] {
      let g = Window2D(
        inputHeight: h, inputWidth: w, channels: c, kernelHeight: 3, kernelWidth: 3, strideY: 1, strideX: 1,
        padTop: 0, padLeft: 0, outputHeight: h - 2, outputWidth: w - 2)
      let p = Window2D(
        inputHeight: h - 2, inputWidth: w - 2, channels: filters, kernelHeight: 2, kernelWidth: 2, strideY: 2, strideX: 2,
        padTop: 0, padLeft: 0, outputHeight: (h - 2) / 2, outputWidth: (w - 2) / 2)
      let x = (0..<(batch * g.inputSize)).map { _ in Float(rng.nextNormal()) }
      let kernel = (0..<(g.patchSize * filters)).map { _ in Float(rng.nextNormal()) }
      let bias = (0..<filters).map { _ in Float(rng.nextNormal()) }
      let z = conv2DForwardNaive(x, count: batch, g, filters: filters, kernel: kernel, bias: bias)
      var expected = [Float](), winners = [UInt8]()
      for image in 0..<batch {
        for py in 0..<p.outputHeight {
          for px in 0..<p.outputWidth {
            for f in 0..<filters {
              var best = -Float.infinity, winner = 0
              for (j, (dy, dx)) in [(0, 0), (0, 1), (1, 0), (1, 1)].enumerated() {
                let v = z[((image * g.outputHeight + 2 * py + dy) * g.outputWidth + 2 * px + dx) * filters + f]
                if v > best { (best, winner) = (v, j) }
              }
              expected.append(max(best, 0))
              winners.append(UInt8(winner))
            }
          }
        }
      }
      var y = [Float](repeating: .nan, count: expected.count), argmax = [UInt8](repeating: 9, count: expected.count)
      conv2DReluMaxPoolForward(x, count: batch, g, pool: p, filters: filters, kernel: kernel, bias: bias, output: &y, argmax: &argmax)
      assertClose(y, expected, 1e-4, "\(h)×\(w)×\(c), \(filters) filters")
      // Winners may differ only where two pixels' sums are within rounding of each other.
      let differing = zip(argmax, winners).filter { $0 != $1 }.count
      XCTAssertLessThanOrEqual(differing, expected.count / 1000, "\(h)×\(w)×\(c), \(filters) filters: winners")
    }
  }

  /// The register-tiled small GEMM (the recurrent step products) adds A·B into C like the naive product, for
  /// shapes on and off its 2 × 32 tiles, with row strides wider than the rows.
  func testSmallGemmMatchesNaive() {
    var rng = Random(seed: 8)
    for (m, n, k) in [(64, 128, 32), (63, 96, 32), (1, 128, 32), (5, 40, 7), (3, 13, 5), (64, 32, 128), (2, 32, 1)] {
      let (lda, ldb, ldc) = (k + 3, n + 5, n + 2)
      let a = (0..<(m * lda)).map { _ in Float(rng.nextNormal()) }
      let b = (0..<(k * ldb)).map { _ in Float(rng.nextNormal()) }
      var c = (0..<(m * ldc)).map { _ in Float(rng.nextNormal()) }
      var expected = c
      smallGemmNaive(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, &expected, ldc: ldc)
      smallGemm(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, &c, ldc: ldc)
      assertClose(c, expected, 1e-4 * Float(k), "\(m)×\(n)×\(k)")
    }
  }

  /// Fails unless every element of `got` is finite and within `tolerance` of `expected` (so NaN never passes).
  private func assertClose(_ got: [Float], _ expected: [Float], _ tolerance: Float, _ label: String, line: UInt = #line) {
    XCTAssertEqual(got.count, expected.count, label, line: line)
    var worst: Float = 0
    for (a, b) in zip(got, expected) {
      let d = abs(a - b)
      guard d.isFinite else { return XCTFail("\(label): \(a) vs \(b)", line: line) }
      worst = max(worst, d)
    }
    XCTAssertLessThanOrEqual(worst, tolerance, label, line: line)
  }

  /// Max pooling with a ReLU input routes a window's gradient only when its maximum is > 0; exact tilings
  /// overwrite dx, other geometries clear it first; C not a multiple of 8 takes the masked lanes.
  func testMaxPoolBackwardFusesRelu() {
    for (h, c, tiles) in [(4, 8, true), (5, 3, false), (4, 11, true)] {
      let g = Window2D(
        inputHeight: h, inputWidth: h, channels: c, kernelHeight: 2, kernelWidth: 2, strideY: 2, strideX: 2,
        padTop: 0, padLeft: 0, outputHeight: h / 2, outputWidth: h / 2)
      var rng = Random(seed: UInt64(h * c))
      let x = (0..<g.inputSize).map { _ in max(Float(rng.nextNormal()), 0) }  // a ReLU's output: many zeros
      var y = [Float](repeating: 0, count: g.outputPixels * c)
      maxPool2DForward(x, count: 1, g, output: &y)
      let dy = (0..<y.count).map { _ in Float(rng.nextNormal()) }
      var plain = [Float](repeating: 7, count: x.count), fused = [Float](repeating: 7, count: x.count)
      maxPool2DBackward(dy, input: x, output: y, count: 1, g, dx: &plain)
      maxPool2DBackward(dy, input: x, output: y, count: 1, g, dx: &fused, reluInput: true)
      let masked = zip(plain, x).map { $1 > 0 ? $0 : 0 }  // ReLU's derivative applied afterwards
      XCTAssertEqual(fused, masked, "\(h)×\(h)×\(c), tiles \(tiles)")
      XCTAssertEqual(plain.filter { $0 != 0 }.count, y.count, "one gradient per window")
    }
  }

  /// Keras's "same" rule: ⌈in/stride⌉ outputs, the odd padding pixel after (TensorFlow's convention).
  func testSamePaddingRule() {
    XCTAssertEqual(convolutionOutput(input: 28, kernel: 3, stride: 1, same: true).size, 28)
    XCTAssertEqual(convolutionOutput(input: 28, kernel: 3, stride: 1, same: true).padBefore, 1)
    XCTAssertEqual(convolutionOutput(input: 28, kernel: 2, stride: 1, same: true).padBefore, 0)  // 1 pixel, after
    XCTAssertEqual(convolutionOutput(input: 7, kernel: 3, stride: 2, same: true).size, 4)
    XCTAssertEqual(convolutionOutput(input: 8, kernel: 4, stride: 2, same: true).padBefore, 1)  // total 2
    XCTAssertEqual(convolutionOutput(input: 28, kernel: 3, stride: 1, same: false).size, 26)
    XCTAssertEqual(convolutionOutput(input: 27, kernel: 2, stride: 2, same: false).size, 13)
  }

  /// No ranges: the image is unchanged; flip only: an exact mirror; same seed: same result.
  func testAugmentationIdentityFlipAndDeterminism() {
    let (h, w) = (4, 5)
    let image = (0..<(h * w)).map(Float.init)
    var out = [Float](repeating: 0, count: image.count)
    var rng = Random(seed: 1)
    Augmentation(rotationRange: 0).apply(image, into: &out, height: h, width: w, channels: 1, rng: &rng)
    XCTAssertEqual(out, image)
    var flipped = false
    for _ in 0..<8 {
      Augmentation(horizontalFlip: true).apply(image, into: &out, height: h, width: w, channels: 1, rng: &rng)
      if out != image {
        flipped = true
        for r in 0..<h { XCTAssertEqual(Array(out[(r * w)..<(r * w + w)]), Array(image[(r * w)..<(r * w + w)].reversed())) }
      }
    }
    XCTAssertTrue(flipped, "8 draws never flipped")
    let strong = Augmentation(rotationRange: 30, widthShiftRange: 0.2, heightShiftRange: 0.2, zoomRange: 0.2)
    var a = [Float](repeating: 0, count: image.count), b = a
    var r1 = Random(seed: 9), r2 = Random(seed: 9)
    strong.apply(image, into: &a, height: h, width: w, channels: 1, rng: &r1)
    strong.apply(image, into: &b, height: h, width: w, channels: 1, rng: &r2)
    XCTAssertEqual(a, b)
    XCTAssertNotEqual(a, image)
    XCTAssertTrue(a.allSatisfy { (0...19).contains($0) }, "bilinear + nearest fill stays within the input's range")
  }
}
