// Conv2D.swift: 2-D convolution kernels (NHWC, Keras kernel [kh, kw, cin, cout]) lowered to im2col + sgemm.
import CBLAS
import Dispatch

// A convolution of a chunk of images is one GEMM: the patches of every output pixel laid out as rows
// (`im2col`, [pixels, kh·kw·cin], in the kernel's own (ky, kx, ci) order) times the kernel viewed as
// [kh·kw·cin, cout]. The generator fixes the geometry and the chunk (images per GEMM) so the patch
// matrix stays a few MB; a 1×1, stride-1, unpadded convolution needs no patch matrix at all.

// Small patches (K = kh·kw·cin ≤ 32, e.g. a 3×3 first layer over grey or RGB pixels) make a GEMM whose
// K is too short for OpenBLAS (its C tile is loaded and stored for 9 multiply-adds), and the pass over
// the output that adds the bias and applies the activation costs as much again. For those, and filters
// a multiple of 8, a direct kernel gathers each pixel's patch once and produces all filters in SIMD
// registers with bias and ReLU fused; its backward accumulates the kernel and bias gradients the same way.

// MARK: - Forward

/// y [n, OH, OW, cout] = activation(conv(x [n, H, W, cin], kernel) + bias), with z the pre-activation
/// (z may equal y). `columns` holds at least `chunk · OH·OW · kh·kw·cin` floats.
@inline(__always)
public func conv2DForward(
  _ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters: Int, kernel: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, _ activation: ActivationFunction, columns: UnsafeMutablePointer<Float>, chunk: Int,
  preactivation z: UnsafeMutablePointer<Float>, output y: UnsafeMutablePointer<Float>
) {
  if g.supportsDirectConvolution(filters: filters) {
    let fusedRelu = activation == .relu && z == y
    conv2DDirectForward(x, count: n, g, filters: filters, kernel: kernel, bias: bias, relu: fusedRelu, output: z)
    if !fusedRelu { activate(z, rows: n * g.outputPixels, cols: filters, activation, output: y) }
  } else if let split = CoreSplit(count: n, chunk: chunk) {
    // Each core convolves its own images: im2col, a one-thread sgemm and bias + activation on its share of
    // `columns`, while the chunk's patch matrix and output are still in its cache.
    let shared = (x: SharedPointer(x), kernel: SharedPointer(kernel), bias: bias.map(SharedPointer.init), z: SharedPointer(z), y: SharedPointer(y))
    split.run(columns: columns, g) { first, images, patches in
      let rows = images * g.outputPixels, at = first * g.outputPixels * filters
      gemmPatches(patches, rows: rows, g, filters: filters, kernel: shared.kernel.base, output: shared.z.base + at)
      biasActivate(shared.z.base + at, bias: shared.bias?.base, rows: rows, cols: filters, activation, output: shared.y.base + at)
    } images: { first, images in UnsafePointer(shared.x.base) + first * g.inputSize }
  } else {
    conv2DGemmForward(x, count: n, g, filters: filters, kernel: kernel, columns: columns, chunk: chunk, output: z)
    biasActivate(z, bias: bias, rows: n * g.outputPixels, cols: filters, activation, output: y)
  }
}

/// z [rows, cout] = patches [rows, K] · kernel [K, cout].
@inline(__always)
func gemmPatches(_ patches: UnsafePointer<Float>, rows: Int, _ g: Window2D, filters: Int, kernel: UnsafePointer<Float>, output z: UnsafeMutablePointer<Float>) {
  cblas_sgemm(
    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(filters), Int32(g.patchSize),
    1, patches, Int32(g.patchSize), kernel, Int32(filters), 0, z, Int32(filters))
}

/// The batch split over the cores for the im2col path: one contiguous part of the images per BLAS thread, each
/// with its own slice of `columns` (`chunk / parts` images' patches) and OpenBLAS single-threaded meanwhile. Nil
/// when one part would do (one thread, a single image, or a chunk too small to share).
@usableFromInline
struct CoreSplit {
  let count: Int, parts: Int, imagesPerGemm: Int

  init?(count n: Int, chunk: Int) {
    let parts = min(blasThreads, n, chunk)
    guard parts > 1 else { return nil }
    (count, self.parts, imagesPerGemm) = (n, parts, chunk / parts)
  }

  /// Calls `body(first, images, patches)` for every GEMM-sized run of images, on the core that owns them;
  /// `part` says which core (for per-core sums). `input(first, images)` is where those images start.
  func run(
    columns: UnsafeMutablePointer<Float>, _ g: Window2D,
    _ body: @Sendable (_ first: Int, _ images: Int, _ patches: UnsafePointer<Float>) -> Void,
    images input: @Sendable (_ first: Int, _ images: Int) -> UnsafePointer<Float>
  ) {
    run(columns: columns, g, { _, first, images, patches in body(first, images, patches) }, images: input)
  }

  func run(
    columns: UnsafeMutablePointer<Float>, _ g: Window2D,
    _ body: @Sendable (_ part: Int, _ first: Int, _ images: Int, _ patches: UnsafePointer<Float>) -> Void,
    images input: @Sendable (_ first: Int, _ images: Int) -> UnsafePointer<Float>
  ) {
    let threads = blasThreads
    setBlasThreads(1)
    defer { setBlasThreads(threads) }
    let size = (count + parts - 1) / parts, perGemm = imagesPerGemm, total = count
    let shared = SharedPointer(columns)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let mine = shared.base + part * perGemm * g.outputPixels * g.patchSize
      var first = part * size
      let end = min(first + size, total)
      while first < end {
        let images = min(perGemm, end - first)
        let x = input(first, images)
        if g.isPointwise {
          body(part, first, images, x)
        } else {
          im2col(x, images: images, g, columns: mine)
          body(part, first, images, UnsafePointer(mine))
        }
        first += images
      }
    }
  }
}

/// z [n, OH, OW, cout] = conv(x, kernel) without bias through im2col + sgemm, `chunk` images per GEMM.
@inline(__always)
public func conv2DGemmForward(
  _ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters: Int, kernel: UnsafePointer<Float>,
  columns: UnsafeMutablePointer<Float>, chunk: Int, output z: UnsafeMutablePointer<Float>
) {
  forEachChunk(x, count: n, g, columns: columns, chunk: chunk) { first, images, patches in
    // z [images·OH·OW, cout] = patches [images·OH·OW, K] · kernel [K, cout]
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(images * g.outputPixels), Int32(filters), Int32(g.patchSize),
      1, patches, Int32(g.patchSize), kernel, Int32(filters), 0, z + first * g.outputPixels * filters, Int32(filters))
  }
}

/// z [n, OH, OW, cout] = conv(x, kernel) + bias (then ReLU when `relu`), directly; filters a multiple of 8, K ≤ 32.
@inline(__always)
public func conv2DDirectForward(
  _ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters: Int, kernel: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, relu: Bool, output z: UnsafeMutablePointer<Float>
) {
  let shared = (x: SharedPointer(x), kernel: SharedPointer(kernel), bias: bias.map(SharedPointer.init), z: SharedPointer(z))
  forEachPart(n, minimumPerPart: 4) { _, first, count in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: g.patchSize) { patch in
      var out = shared.z.base + first * g.outputPixels * filters
      for image in first..<(first + count) {
        let base = UnsafePointer(shared.x.base) + image * g.inputSize
        for oy in 0..<g.outputHeight {
          for ox in 0..<g.outputWidth {
            gatherPatch(base, g, oy: oy, ox: ox, into: patch.baseAddress!)
            convolvePixel(
              patch.baseAddress!, count: g.patchSize, kernel: shared.kernel.base, filters: filters,
              bias: shared.bias?.base, relu: relu, output: out)
            out += filters
          }
        }
      }
    }
  }
}

/// out [cout] = bias + patch [K] · kernel [K, cout], 32 (then 8) filters at a time in SIMD registers.
@inlinable @inline(__always)
internal func convolvePixel(
  _ p: UnsafePointer<Float>, count k: Int, kernel w: UnsafePointer<Float>, filters f: Int,
  bias: UnsafePointer<Float>?, relu: Bool, output out: UnsafeMutablePointer<Float>
) {
  var j = 0
  while j + 32 <= f {
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
    if let bias {
      a0 = load8(bias + j)
      a1 = load8(bias + j + 8)
      a2 = load8(bias + j + 16)
      a3 = load8(bias + j + 24)
    }
    var row = w + j
    for i in 0..<k {
      let s = SIMD8<Float>(repeating: p[i])
      a0 += s * load8(row)
      a1 += s * load8(row + 8)
      a2 += s * load8(row + 16)
      a3 += s * load8(row + 24)
      row += f
    }
    storeActivated8(a0, out + j, relu: relu)
    storeActivated8(a1, out + j + 8, relu: relu)
    storeActivated8(a2, out + j + 16, relu: relu)
    storeActivated8(a3, out + j + 24, relu: relu)
    j += 32
  }
  while j < f {
    var a = bias.map { load8($0 + j) } ?? SIMD8<Float>()
    var row = w + j
    for i in 0..<k {
      a += SIMD8<Float>(repeating: p[i]) * load8(row)
      row += f
    }
    storeActivated8(a, out + j, relu: relu)
    j += 8
  }
}

/// Stores `a`, or relu(a) when `relu`.
@inlinable @inline(__always)
internal func storeActivated8(_ a: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, relu: Bool) {
  store8(relu ? a.replacing(with: 0, where: a .< 0) : a, p)
}

// MARK: - Backward

/// Backward of `z = conv(x, kernel) + bias` given dz = ∂L/∂z [n, OH, OW, cout]: accumulates
/// dKernel += patchesᵀ·dz and dBias += Σ dz; writes dx (col2im of dz·kernelᵀ) when `dx` is non-nil.
@inline(__always)
public func conv2DBackward(
  _ dz: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters: Int,
  kernel: UnsafePointer<Float>, dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
  dx: UnsafeMutablePointer<Float>?, columns: UnsafeMutablePointer<Float>, chunk: Int
) {
  if dx == nil && g.supportsDirectConvolution(filters: filters) {
    conv2DDirectBackward(dz, input: x, count: n, g, filters: filters, dKernel: dKernel, dBias: dBias)
    return
  }
  let pixels = g.outputPixels, k = g.patchSize
  if let split = CoreSplit(count: n, chunk: chunk) {
    // Each core takes its own images (as in the forward pass) and sums its kernel and bias gradients apart.
    let shared = (x: SharedPointer(x), dz: SharedPointer(dz), kernel: SharedPointer(kernel), dx: dx.map(SharedPointer.init))
    accumulateKernelGradients(parts: split.parts, patchSize: k, filters: filters, dKernel: dKernel, dBias: dBias) { sums in
      split.run(columns: columns, g, { part, first, images, patches in
        let rows = images * pixels
        let dzChunk = UnsafePointer(shared.dz.base) + first * pixels * filters
        let kernelSums = sums.base + part * (k * filters + filters)
        sumRows(dzChunk, rows: rows, cols: filters, into: kernelSums + k * filters)
        cblas_sgemm(
          CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(filters), Int32(rows),
          1, patches, Int32(k), dzChunk, Int32(filters), 1, kernelSums, Int32(filters))
        guard let dx = shared.dx?.base else { return }
        let dxChunk = dx + first * g.inputSize
        // The patches are consumed: their buffer takes the patch gradients (or dx itself, when pointwise).
        let dPatches = g.isPointwise ? dxChunk : UnsafeMutablePointer(mutating: patches)
        cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(k), Int32(filters),
          1, dzChunk, Int32(filters), shared.kernel.base, Int32(filters), 0, dPatches, Int32(k))
        if !g.isPointwise { col2im(dPatches, images: images, g, dx: dxChunk) }
      }, images: { first, _ in UnsafePointer(shared.x.base) + first * g.inputSize })
    }
    return
  }
  if let dBias { sumRows(dz, rows: n * pixels, cols: filters, into: dBias) }
  forEachChunk(x, count: n, g, columns: columns, chunk: chunk) { first, images, patches in
    let rows = images * pixels
    let dzChunk = dz + first * pixels * filters
    // dKernel [K, cout] += patchesᵀ [K, rows] · dz [rows, cout]
    cblas_sgemm(
      CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(filters), Int32(rows),
      1, patches, Int32(k), dzChunk, Int32(filters), 1, dKernel, Int32(filters))
    if let dx {
      let dxChunk = dx + first * g.inputSize
      // dPatches [rows, K] = dz [rows, cout] · kernelᵀ [cout, K]; straight into dx when pointwise.
      let dPatches = g.isPointwise ? dxChunk : columns
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(k), Int32(filters),
        1, dzChunk, Int32(filters), kernel, Int32(filters), 0, dPatches, Int32(k))
      if !g.isPointwise { col2im(columns, images: images, g, dx: dxChunk) }
    }
  }
}

/// dKernel [K, cout] += Σ over pixels of patch ⊗ dz and dBias += Σ dz, directly (no input gradient);
/// each thread sums its images into its own scratch, then the parts are added.
@inline(__always)
public func conv2DDirectBackward(
  _ dz: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters f: Int,
  dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?
) {
  let k = g.patchSize
  let shared = (x: SharedPointer(x), dz: SharedPointer(dz))
  accumulateKernelGradients(count: n, patchSize: k, filters: f, dKernel: dKernel, dBias: dBias) { first, count, sums, biasSums in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: k) { patch in
      var d = UnsafePointer(shared.dz.base) + first * g.outputPixels * f
      for image in first..<(first + count) {
        let base = UnsafePointer(shared.x.base) + image * g.inputSize
        for oy in 0..<g.outputHeight {
          for ox in 0..<g.outputWidth {
            gatherPatch(base, g, oy: oy, ox: ox, into: patch.baseAddress!)
            var j = 0
            while j < f {
              let dj = load8(d + j)
              store8(load8(biasSums + j) + dj, biasSums + j)
              var row = sums + j
              for i in 0..<k {
                store8(load8(row) + SIMD8<Float>(repeating: patch[i]) * dj, row)
                row += f
              }
              j += 8
            }
            d += f
          }
        }
      }
    }
  }
}

// MARK: - Conv2D + ReLU + MaxPooling2D in one pass

// The tutorials' first block, Conv2D(relu) → MaxPooling2D, as one pair of kernels for the first layer:
// forward convolves the pixels of each pooling window, keeps the maximum per channel (ReLU after the max,
// which is the same) and which pixel won; the convolution's output is never stored. Backward routes each
// window's gradient to the winning pixel's patch when the maximum is > 0. Pooling windows are valid with
// strides equal to their size (Keras's default); the direct kernels' conditions apply.

/// y [n, PH, PW, cout] = maxpool(relu(conv(x, kernel) + bias)); argmax [n, PH, PW, cout] = the winning pixel
/// of each window (row-major index in the window, first maximum on ties; windows up to 16×16).
@inlinable @inline(__always)
public func conv2DReluMaxPoolForward(
  _ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, pool p: Window2D, filters f: Int, kernel: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>, argmax a: UnsafeMutablePointer<UInt8>
) {
  let shared = (x: SharedPointer(x), kernel: SharedPointer(kernel), bias: bias.map(SharedPointer.init), y: SharedPointer(y), a: SharedPointer(a))
  if p.kernelHeight == 2 && p.kernelWidth == 2 {
    conv2DReluMaxPool2x2Forward(shared, count: n, g, pool: p, filters: f)
    return
  }
  forEachPart(n, minimumPerPart: 4) { _, first, count in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: g.patchSize + 2 * f) { scratch in
      // z [cout]: one pixel's convolution; winner [cout]: the pixel holding each channel's maximum so far.
      let patch = scratch.baseAddress!, z = patch + g.patchSize, winner = z + f
      var at = first * p.outputPixels * f
      for image in first..<(first + count) {
        let base = UnsafePointer(shared.x.base) + image * g.inputSize
        for py in 0..<p.outputHeight {
          for px in 0..<p.outputWidth {
            let best = shared.y.base + at
            for wy in 0..<p.kernelHeight {
              for wx in 0..<p.kernelWidth {
                let j = wy * p.kernelWidth + wx
                gatherPatch(base, g, oy: py * p.strideY + wy, ox: px * p.strideX + wx, into: patch)
                convolvePixel(patch, count: g.patchSize, kernel: shared.kernel.base, filters: f, bias: shared.bias?.base, relu: false, output: j == 0 ? best : z)
                if j == 0 {
                  winner.update(repeating: 0, count: f)
                  continue
                }
                var c = 0
                while c < f {
                  let v = load8(z + c), b = load8(best + c)
                  let wins = v .> b
                  store8(b.replacing(with: v, where: wins), best + c)
                  store8(load8(winner + c).replacing(with: Float(j), where: wins), winner + c)
                  c += 8
                }
              }
            }
            map8(best, best, count: f) { $0.replacing(with: 0, where: $0 .< 0) }
            for c in 0..<f { shared.a.base[at + c] = UInt8(winner[c]) }
            at += f
          }
        }
      }
    }
  }
}

/// `conv2DReluMaxPoolForward` for 2×2 pooling windows (Keras's default): the window's four pixels are convolved
/// together, 16 filters at a time, so eight independent sums are in flight (one pixel's four 8-filter sums wait on
/// each other's multiply-add latency).
@inlinable @inline(__always)
func conv2DReluMaxPool2x2Forward(
  _ shared: (x: SharedPointer<Float>, kernel: SharedPointer<Float>, bias: SharedPointer<Float>?, y: SharedPointer<Float>, a: SharedPointer<UInt8>),
  count n: Int, _ g: Window2D, pool p: Window2D, filters f: Int
) {
  let k = g.patchSize
  forEachPart(n, minimumPerPart: 4) { _, first, count in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * k) { patches in
      let q0 = patches.baseAddress!, q1 = q0 + k, q2 = q1 + k, q3 = q2 + k
      let w = UnsafePointer(shared.kernel.base)
      var at = first * p.outputPixels * f
      for image in first..<(first + count) {
        let base = UnsafePointer(shared.x.base) + image * g.inputSize
        for py in 0..<p.outputHeight {
          for px in 0..<p.outputWidth {
            gatherWindowPatches(base, g, pool: p, py: py, px: px, into: q0)
            var j = 0
            while j < f {
              let wide = j + 16 <= f  // 16 filters, or the last 8
              let b0 = shared.bias.map { load8($0.base + j) } ?? SIMD8<Float>()
              let b1 = wide ? shared.bias.map { load8($0.base + j + 8) } ?? SIMD8<Float>() : SIMD8<Float>()
              var (s0, s1, s2, s3) = (b0, b0, b0, b0)
              var (t0, t1, t2, t3) = (b1, b1, b1, b1)
              var row = w + j
              for i in 0..<k {
                let w0 = load8(row), w1 = wide ? load8(row + 8) : SIMD8<Float>()
                let x0 = SIMD8<Float>(repeating: q0[i]), x1 = SIMD8<Float>(repeating: q1[i])
                let x2 = SIMD8<Float>(repeating: q2[i]), x3 = SIMD8<Float>(repeating: q3[i])
                s0 += x0 * w0
                s1 += x1 * w0
                s2 += x2 * w0
                s3 += x3 * w0
                t0 += x0 * w1
                t1 += x1 * w1
                t2 += x2 * w1
                t3 += x3 * w1
                row += f
              }
              storeMaxOf4(s0, s1, s2, s3, y: shared.y.base + at + j, winner: shared.a.base + at + j)
              if wide { storeMaxOf4(t0, t1, t2, t3, y: shared.y.base + at + j + 8, winner: shared.a.base + at + j + 8) }
              j += wide ? 16 : 8
            }
            at += f
          }
        }
      }
    }
  }
}

/// The patches [4, K] of a 2×2 pooling window's pixels (row-major), for the fused Conv2D + ReLU + max pooling kernels.
@inlinable @inline(__always)
func gatherWindowPatches(_ image: UnsafePointer<Float>, _ g: Window2D, pool p: Window2D, py: Int, px: Int, into q: UnsafeMutablePointer<Float>) {
  let oy = py * p.strideY, ox = px * p.strideX, k = g.patchSize
  gatherPatch(image, g, oy: oy, ox: ox, into: q)
  gatherPatch(image, g, oy: oy, ox: ox + 1, into: q + k)
  gatherPatch(image, g, oy: oy + 1, ox: ox, into: q + 2 * k)
  gatherPatch(image, g, oy: oy + 1, ox: ox + 1, into: q + 3 * k)
}

/// y = relu(max of the four pixels' sums) and, per lane, which pixel (0…3, row-major) held the first maximum.
@inlinable @inline(__always)
func storeMaxOf4(
  _ s0: SIMD8<Float>, _ s1: SIMD8<Float>, _ s2: SIMD8<Float>, _ s3: SIMD8<Float>, y: UnsafeMutablePointer<Float>,
  winner: UnsafeMutablePointer<UInt8>
) {
  var best = s0, index = SIMD8<Int32>()
  @inline(__always) func challenge(_ candidate: SIMD8<Float>, _ j: Int32) {
    let wins = candidate .> best
    best.replace(with: candidate, where: wins)
    index.replace(with: SIMD8(repeating: j), where: wins)
  }
  challenge(s1, 1)
  challenge(s2, 2)
  challenge(s3, 3)
  store8(best.replacing(with: 0, where: best .< 0), y)
  UnsafeMutableRawPointer(winner).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: index), as: SIMD8<UInt8>.self)
}

/// Backward of `conv2DReluMaxPoolForward` given dy = ∂L/∂y [n, PH, PW, cout]: accumulates dKernel and dBias
/// (no input gradient: this pair serves a model's first layer).
@inlinable @inline(__always)
public func conv2DReluMaxPoolBackward(
  _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, _ g: Window2D, pool p: Window2D, filters f: Int,
  output y: UnsafePointer<Float>, argmax a: UnsafePointer<UInt8>, dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?
) {
  let k = g.patchSize, window = p.kernelHeight * p.kernelWidth
  let shared = (x: SharedPointer(x), dy: SharedPointer(dy), y: SharedPointer(y), a: SharedPointer(a))
  if window == 4 && p.kernelHeight == 2 {
    conv2DReluMaxPool2x2Backward(shared, count: n, g, pool: p, filters: f, dKernel: dKernel, dBias: dBias)
    return
  }
  accumulateKernelGradients(count: n, patchSize: k, filters: f, dKernel: dKernel, dBias: dBias) { first, count, sums, biasSums in
    // The patches of a pooling window's pixels [window, K], and per 8 channels the gradient each pixel takes.
    withUnsafeTemporaryAllocation(of: Float.self, capacity: window * k) { patches in
      withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: window) { taken in
        var at = first * p.outputPixels * f
        for image in first..<(first + count) {
          let base = UnsafePointer(shared.x.base) + image * g.inputSize
          for py in 0..<p.outputHeight {
            for px in 0..<p.outputWidth {
              for wy in 0..<p.kernelHeight {
                for wx in 0..<p.kernelWidth {
                  let patch = patches.baseAddress! + (wy * p.kernelWidth + wx) * k
                  gatherPatch(base, g, oy: py * p.strideY + wy, ox: px * p.strideX + wx, into: patch)
                }
              }
              let grad = UnsafePointer(shared.dy.base) + at, maxima = UnsafePointer(shared.y.base) + at
              let winner = UnsafePointer(shared.a.base) + at
              var c = 0
              while c < f {
                let g8 = load8(grad + c).replacing(with: 0, where: load8(maxima + c) .<= 0)  // ReLU's derivative
                store8(load8(biasSums + c) + g8, biasSums + c)
                var w8 = SIMD8<Float>()
                for lane in 0..<8 { w8[lane] = Float(winner[c + lane]) }
                for j in 0..<window { taken[j] = g8.replacing(with: 0, where: w8 .!= Float(j)) }
                // dKernel[i, c..<c+8] += Σ_j patch_j[i] · taken_j: one read-modify-write per row.
                var row = sums + c
                for i in 0..<k {
                  var s = SIMD8<Float>(repeating: patches[i]) * taken[0]
                  for j in 1..<window { s += SIMD8<Float>(repeating: patches[j * k + i]) * taken[j] }
                  store8(load8(row) + s, row)
                  row += f
                }
                c += 8
              }
              at += f
            }
          }
        }
      }
    }
  }
}

/// `conv2DReluMaxPoolBackward` for 2×2 windows: per window and 8 channels, the gradient goes to the winning pixel
/// (four masked copies), and each kernel row takes its four multiply-adds in one read-modify-write.
@inlinable @inline(__always)
func conv2DReluMaxPool2x2Backward(
  _ shared: (x: SharedPointer<Float>, dy: SharedPointer<Float>, y: SharedPointer<Float>, a: SharedPointer<UInt8>),
  count n: Int, _ g: Window2D, pool p: Window2D, filters f: Int, dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?
) {
  let k = g.patchSize
  accumulateKernelGradients(count: n, patchSize: k, filters: f, dKernel: dKernel, dBias: dBias) { first, count, sums, biasSums in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * k) { patches in
      let q0 = patches.baseAddress!, q1 = q0 + k, q2 = q1 + k, q3 = q2 + k
      var at = first * p.outputPixels * f
      for image in first..<(first + count) {
        let base = UnsafePointer(shared.x.base) + image * g.inputSize
        for py in 0..<p.outputHeight {
          for px in 0..<p.outputWidth {
            gatherWindowPatches(base, g, pool: p, py: py, px: px, into: q0)
            var c = 0
            while c < f {
              let g8 = load8(shared.dy.base + at + c).replacing(with: 0, where: load8(shared.y.base + at + c) .<= 0)  // ReLU's derivative
              store8(load8(biasSums + c) + g8, biasSums + c)
              let bytes = UnsafeRawPointer(shared.a.base + at + c).loadUnaligned(as: SIMD8<UInt8>.self)
              // g8 where winner = j, else 0, by arithmetic: the one-hot max(0, 1 − (winner − j)²). Masks from the
              // small integer winners compile to a lane-by-lane loop (LLVM turns any comparison of them into the
              // generic integer one), which made this backward 5× slower.
              let winner = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bytes))
              @inline(__always) func taken(_ j: Float) -> SIMD8<Float> {
                let d = winner - j
                return g8 * clamp8(1 - d * d, 0, 1)
              }
              let t0 = taken(0), t1 = taken(1), t2 = taken(2), t3 = taken(3)
              var row = sums + c
              for i in 0..<k {
                let s = SIMD8<Float>(repeating: q0[i]) * t0 + SIMD8<Float>(repeating: q1[i]) * t1
                  + SIMD8<Float>(repeating: q2[i]) * t2 + SIMD8<Float>(repeating: q3[i]) * t3
                store8(load8(row) + s, row)
                row += f
              }
              c += 8
            }
            at += f
          }
        }
      }
    }
  }
}

/// Runs `body(sums)` where `sums` holds `parts` zeroed [K·cout + cout] blocks (one per core: kernel, then bias
/// gradient sums), then adds every block into dKernel and dBias.
@inlinable @inline(__always)
func accumulateKernelGradients(
  parts: Int, patchSize k: Int, filters f: Int, dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
  _ body: (_ sums: SharedPointer<Float>) -> Void
) {
  let width = k * f + f
  withUnsafeTemporaryAllocation(of: Float.self, capacity: parts * width) { partials in
    partials.initialize(repeating: 0)
    body(SharedPointer(partials.baseAddress!))
    for part in 0..<parts {
      let sums = partials.baseAddress! + part * width
      update8(dKernel, sums, count: k * f) { $0 + $1 }
      if let dBias { update8(dBias, sums + k * f, count: f) { $0 + $1 } }
    }
  }
}

/// Runs `body(first, count, kernelSums, biasSums)` over parts of `0..<n` images split over the BLAS threads
/// (see `forEachPart`), each part summing into its own zeroed [K, cout] and [cout] scratch; then adds the
/// parts into dKernel and dBias.
@inlinable @inline(__always)
internal func accumulateKernelGradients(
  count n: Int, patchSize k: Int, filters f: Int, dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
  _ body: @Sendable (_ first: Int, _ count: Int, _ kernelSums: UnsafeMutablePointer<Float>, _ biasSums: UnsafeMutablePointer<Float>) -> Void
) {
  let width = k * f + f
  accumulateKernelGradients(parts: maximumParts, patchSize: k, filters: f, dKernel: dKernel, dBias: dBias) { partials in
    forEachPart(n, minimumPerPart: 4) { part, first, count in
      let sums = partials.base + part * width
      body(first, count, sums, sums + k * f)
    }
  }
}

// MARK: - Patch matrices

/// Runs `body(first, images, patches)` for each chunk of at most `chunk` images, where `patches` is the
/// chunk's im2col matrix [images·OH·OW, K] (the input itself for a pointwise convolution).
@inline(__always)
func forEachChunk(
  _ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, columns: UnsafeMutablePointer<Float>, chunk: Int,
  _ body: (_ first: Int, _ images: Int, _ patches: UnsafePointer<Float>) -> Void
) {
  var first = 0
  while first < n {
    let images = min(chunk, n - first)
    let input = x + first * g.inputSize
    if g.isPointwise {
      body(first, images, input)
    } else {
      im2col(input, images: images, g, columns: columns)
      body(first, images, columns)
    }
    first += images
  }
}

/// columns [images·OH·OW, kh·kw·cin] = the (zero-padded) patch under every output pixel.
@inline(__always)
public func im2col(_ x: UnsafePointer<Float>, images: Int, _ g: Window2D, columns: UnsafeMutablePointer<Float>) {
  var out = columns
  for image in 0..<images {
    let base = x + image * g.inputSize
    for oy in 0..<g.outputHeight {
      for ox in 0..<g.outputWidth {
        gatherPatch(base, g, oy: oy, ox: ox, into: out)
        out += g.patchSize
      }
    }
  }
}

/// patch [kh·kw·cin] = the window under output pixel (oy, ox) of one image [H, W, cin], zeros where it is padding;
/// a dilated window takes every `dilation`-th pixel.
@inlinable @inline(__always)
internal func gatherPatch(_ image: UnsafePointer<Float>, _ g: Window2D, oy: Int, ox: Int, into patch: UnsafeMutablePointer<Float>) {
  let c = g.channels, rowWidth = g.kernelWidth * c
  let x0 = ox * g.strideX - g.padLeft
  var out = patch
  for ky in 0..<g.kernelHeight {
    let iy = oy * g.strideY - g.padTop + ky * g.dilationY
    if iy < 0 || iy >= g.inputHeight {
      for i in 0..<rowWidth { out[i] = 0 }
    } else if g.dilationX == 1 && x0 >= 0 && x0 + g.kernelWidth <= g.inputWidth {
      let row = image + (iy * g.inputWidth + x0) * c  // the whole row is inside and contiguous
      for i in 0..<rowWidth { out[i] = row[i] }
    } else {
      for kx in 0..<g.kernelWidth {
        let ix = x0 + kx * g.dilationX
        let inside = ix >= 0 && ix < g.inputWidth
        let pixel = image + (iy * g.inputWidth + ix) * c
        for ci in 0..<c { out[kx * c + ci] = inside ? pixel[ci] : 0 }
      }
    }
    out += rowWidth
  }
}

/// dx [images, H, W, cin] = Σ over patches of their gradients (the adjoint of `im2col`); overwrites dx.
@inline(__always)
public func col2im(_ columns: UnsafePointer<Float>, images: Int, _ g: Window2D, dx: UnsafeMutablePointer<Float>) {
  let c = g.channels, rowWidth = g.kernelWidth * c
  dx.update(repeating: 0, count: images * g.inputSize)
  var patch = columns
  for image in 0..<images {
    let base = dx + image * g.inputSize
    for oy in 0..<g.outputHeight {
      for ox in 0..<g.outputWidth {
        let x0 = ox * g.strideX - g.padLeft
        for ky in 0..<g.kernelHeight {
          let iy = oy * g.strideY - g.padTop + ky * g.dilationY
          if iy >= 0 && iy < g.inputHeight {
            for kx in 0..<g.kernelWidth {
              let ix = x0 + kx * g.dilationX
              guard ix >= 0 && ix < g.inputWidth else { continue }
              let target = base + (iy * g.inputWidth + ix) * c
              let source = patch + kx * c
              for ci in 0..<c { target[ci] += source[ci] }
            }
          }
          patch += rowWidth
        }
      }
    }
  }
}

// MARK: - Naive reference (tests hold the im2col path against it)

/// Direct convolution in Double, z [n, OH, OW, cout] = conv(x) + bias, for tests.
public func conv2DForwardNaive(
  _ x: [Float], count n: Int, _ g: Window2D, filters: Int, kernel: [Float], bias: [Float]?
) -> [Float] {
  var z = [Float](repeating: 0, count: n * g.outputPixels * filters)
  for image in 0..<n {
    for oy in 0..<g.outputHeight {
      for ox in 0..<g.outputWidth {
        for f in 0..<filters {
          var s = Double(bias?[f] ?? 0)
          for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
              let iy = oy * g.strideY - g.padTop + ky * g.dilationY, ix = ox * g.strideX - g.padLeft + kx * g.dilationX
              guard iy >= 0, iy < g.inputHeight, ix >= 0, ix < g.inputWidth else { continue }
              for ci in 0..<g.channels {
                let xv = x[image * g.inputSize + (iy * g.inputWidth + ix) * g.channels + ci]
                let kv = kernel[((ky * g.kernelWidth + kx) * g.channels + ci) * filters + f]
                s += Double(xv) * Double(kv)
              }
            }
          }
          z[((image * g.outputHeight + oy) * g.outputWidth + ox) * filters + f] = Float(s)
        }
      }
    }
  }
  return z
}

/// The gradients of `conv2DForwardNaive` given dz = ∂L/∂z [n, OH, OW, cout], in Double, for tests:
/// dKernel [kh, kw, cin, cout], dBias [cout] and dx [n, H, W, cin].
public func conv2DBackwardNaive(
  _ dz: [Float], input x: [Float], count n: Int, _ g: Window2D, filters: Int, kernel: [Float]
) -> (dKernel: [Float], dBias: [Float], dx: [Float]) {
  var dKernel = [Double](repeating: 0, count: g.patchSize * filters), dBias = [Double](repeating: 0, count: filters)
  var dx = [Double](repeating: 0, count: n * g.inputSize)
  for image in 0..<n {
    for oy in 0..<g.outputHeight {
      for ox in 0..<g.outputWidth {
        for f in 0..<filters {
          let d = Double(dz[((image * g.outputHeight + oy) * g.outputWidth + ox) * filters + f])
          dBias[f] += d
          for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
              let iy = oy * g.strideY - g.padTop + ky * g.dilationY, ix = ox * g.strideX - g.padLeft + kx * g.dilationX
              guard iy >= 0, iy < g.inputHeight, ix >= 0, ix < g.inputWidth else { continue }
              for ci in 0..<g.channels {
                let xi = image * g.inputSize + (iy * g.inputWidth + ix) * g.channels + ci
                let ki = ((ky * g.kernelWidth + kx) * g.channels + ci) * filters + f
                dKernel[ki] += Double(x[xi]) * d
                dx[xi] += Double(kernel[ki]) * d
              }
            }
          }
        }
      }
    }
  }
  return (dKernel.map(Float.init), dBias.map(Float.init), dx.map(Float.init))
}
