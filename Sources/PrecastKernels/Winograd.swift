// Winograd.swift: 3×3, stride-1 Conv2D as Winograd F(m×m, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016), m = 2 or 4: (m+2)² multiplications per m×m output tile instead of 9m², so 2.25× (m = 2)
// or 4× (m = 4) less GEMM work than im2col.
import CBLAS
import Dispatch

// Each m×m output tile of an image reads an α×α input tile, α = m + 2 (tiles overlap by two pixels; padding reads
// zeros). With the algorithm's Bᵀ [α, α], G [α, 3] and Aᵀ [m, α] (below), the tile's output is
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A   per input/output channel pair, summed over input channels.
// Element k of the α×α transformed tiles, over all tiles and channels, is one GEMM:
//   M_k [tiles, cout] = V_k [tiles, cin] · U_k [cin, cout],   V = Bᵀ d B (input),  U = G g Gᵀ (kernel),
// α² GEMMs per batch of tiles, then Y = Aᵀ M A (output), with bias and activation fused.
//
// The backward pass is the exact adjoint of that computation (so it is the convolution's gradient up to rounding):
//   dM = A dY Aᵀ,   dU_k += V_kᵀ · dM_k,   dV_k = dM_k · U_kᵀ,   dx += B dV Bᵀ (tiles overlap: added),   dg = Gᵀ dU G.
// Every pass works on 8 channels at a time (SIMD8), so cin and cout are multiples of 8.
//
// Each 2-D transform is its algorithm's 1-D transform applied along the rows of a tile, then along its columns, in
// a small α×α buffer of SIMD8 values on the stack (`TileLine` is one row or column of it).
//
// Scratch (`Window2D.winogradScratchCount`): U [α², cin, cout], then per core: its dU sums [α², cin, cout],
// V [tiles, α², cin] and M [tiles, α², cout] for `imagesPerGemm` images (a tile's α² elements together, so that a
// transform writes one contiguous block; GEMM k reads every α²-th row). Cores take contiguous runs of the batch
// (OpenBLAS runs single-threaded meanwhile), as the im2col path does.

// MARK: - The algorithms

/// One row or column of a tile buffer: `count` SIMD8 values `stride` apart.
@usableFromInline
struct TileLine {
  let base: UnsafeMutablePointer<SIMD8<Float>>, stride: Int
  @inline(__always) subscript(_ i: Int) -> SIMD8<Float> {
    get { base[i * stride] }
    nonmutating set { base[i * stride] = newValue }
  }
}

/// Winograd F(m×m, 3×3): the output tile side m and the 1-D transforms, each in place on one `TileLine`.
protocol WinogradAlgorithm: Sendable {
  /// Output tile side m; the input tile side is α = m + 2.
  static var m: Int { get }
  /// Bᵀ d (α → α).
  static func input(_ t: TileLine)
  /// B v, its adjoint (α → α).
  static func inputAdjoint(_ t: TileLine)
  /// Aᵀ m (α → m, into the first m).
  static func output(_ t: TileLine)
  /// A y, its adjoint (m → α).
  static func outputAdjoint(_ t: TileLine)
  /// G g (3 → α).
  static func kernel(_ t: TileLine)
  /// Gᵀ u, its adjoint (α → 3).
  static func kernelAdjoint(_ t: TileLine)
}

extension WinogradAlgorithm {
  static var alpha: Int { m + 2 }
}

/// F(2×2, 3×3):  Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
/// Aᵀ = [1 1 1 0; 0 1 −1 −1].
enum WinogradF2: WinogradAlgorithm {
  static var m: Int { 2 }
  @inline(__always) static func input(_ t: TileLine) {
    let d0 = t[0], d1 = t[1], d2 = t[2], d3 = t[3]
    t[0] = d0 - d2
    t[1] = d1 + d2
    t[2] = d2 - d1
    t[3] = d1 - d3
  }
  @inline(__always) static func inputAdjoint(_ t: TileLine) {
    let v0 = t[0], v1 = t[1], v2 = t[2], v3 = t[3]
    t[1] = v1 - v2 + v3
    t[2] = v1 + v2 - v0
    t[3] = -v3
  }
  @inline(__always) static func output(_ t: TileLine) {
    let m0 = t[0], m1 = t[1], m2 = t[2], m3 = t[3]
    t[0] = m0 + m1 + m2
    t[1] = m1 - m2 - m3
  }
  @inline(__always) static func outputAdjoint(_ t: TileLine) {
    let y0 = t[0], y1 = t[1]
    t[1] = y0 + y1
    t[2] = y0 - y1
    t[3] = -y1
  }
  @inline(__always) static func kernel(_ t: TileLine) {
    let g0 = t[0], g1 = t[1], g2 = t[2], half = SIMD8<Float>(repeating: 0.5)
    t[1] = half * (g0 + g1 + g2)
    t[2] = half * (g0 - g1 + g2)
    t[3] = g2
  }
  @inline(__always) static func kernelAdjoint(_ t: TileLine) {
    let u0 = t[0], u1 = t[1], u2 = t[2], u3 = t[3], half = SIMD8<Float>(repeating: 0.5)
    t[0] = u0 + half * (u1 + u2)
    t[1] = half * (u1 - u2)
    t[2] = half * (u1 + u2) + u3
  }
}

/// F(4×4, 3×3), interpolation points 0, ±1, ±2, ∞:
/// Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
/// G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙; 1⁄24 −1⁄12 ⅙; 0 0 1],
/// Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].
enum WinogradF4: WinogradAlgorithm {
  static var m: Int { 4 }
  @inline(__always) static func input(_ t: TileLine) {
    let d0 = t[0], d1 = t[1], d2 = t[2], d3 = t[3], d4 = t[4], d5 = t[5]
    let four = SIMD8<Float>(repeating: 4), five = SIMD8<Float>(repeating: 5), two = SIMD8<Float>(repeating: 2)
    let a = d4 - four * d2, b = d3 - four * d1  // ±4 rows: d4 − 4d2 ± (d3 − 4d1)
    let c = d4 - d2, e = two * (d3 - d1)  // ±2 rows: d4 − d2 ± 2(d3 − d1)
    t[0] = four * d0 - five * d2 + d4
    t[1] = a + b
    t[2] = a - b
    t[3] = c + e
    t[4] = c - e
    t[5] = four * d1 - five * d3 + d5
  }
  @inline(__always) static func inputAdjoint(_ t: TileLine) {
    let v0 = t[0], v1 = t[1], v2 = t[2], v3 = t[3], v4 = t[4], v5 = t[5]
    let four = SIMD8<Float>(repeating: 4), five = SIMD8<Float>(repeating: 5), two = SIMD8<Float>(repeating: 2)
    let p = v1 + v2, q = v2 - v1, r = v3 + v4, s = v4 - v3
    t[0] = four * v0
    t[1] = four * (q + v5) + two * s
    t[2] = -five * v0 - four * p - r
    t[3] = -q - two * s - five * v5
    t[4] = v0 + p + r
    t[5] = v5
  }
  @inline(__always) static func output(_ t: TileLine) {
    let m0 = t[0], m1 = t[1], m2 = t[2], m3 = t[3], m4 = t[4], m5 = t[5]
    let two = SIMD8<Float>(repeating: 2), four = SIMD8<Float>(repeating: 4), eight = SIMD8<Float>(repeating: 8)
    let p = m1 + m2, q = m1 - m2, r = m3 + m4, s = m3 - m4
    t[0] = m0 + p + r
    t[1] = q + two * s
    t[2] = p + four * r
    t[3] = q + eight * s + m5
  }
  @inline(__always) static func outputAdjoint(_ t: TileLine) {
    let y0 = t[0], y1 = t[1], y2 = t[2], y3 = t[3]
    let two = SIMD8<Float>(repeating: 2), four = SIMD8<Float>(repeating: 4), eight = SIMD8<Float>(repeating: 8)
    let even1 = y0 + y2, odd1 = y1 + y3, even2 = y0 + four * y2, odd2 = two * y1 + eight * y3
    t[1] = even1 + odd1
    t[2] = even1 - odd1
    t[3] = even2 + odd2
    t[4] = even2 - odd2
    t[5] = y3
  }
  @inline(__always) static func kernel(_ t: TileLine) {
    let g0 = t[0], g1 = t[1], g2 = t[2]
    let sixth = SIMD8<Float>(repeating: 1.0 / 6), quarter = SIMD8<Float>(repeating: 0.25)
    let even = g0 + g2, even2 = quarter * g0 + g2  // the ±2 points: (g0/4 ± g1/2 + g2)/6
    let half = SIMD8<Float>(repeating: 0.5) * g1
    t[0] = quarter * g0
    t[1] = -sixth * (even + g1)
    t[2] = -sixth * (even - g1)
    t[3] = sixth * (even2 + half)
    t[4] = sixth * (even2 - half)
    t[5] = g2
  }
  @inline(__always) static func kernelAdjoint(_ t: TileLine) {
    let u0 = t[0], u1 = t[1], u2 = t[2], u3 = t[3], u4 = t[4], u5 = t[5]
    let sixth = SIMD8<Float>(repeating: 1.0 / 6), quarter = SIMD8<Float>(repeating: 0.25)
    let half = SIMD8<Float>(repeating: 0.5)
    let p = u1 + u2, q = u2 - u1, r = u3 + u4, s = u3 - u4
    t[0] = quarter * (u0 + sixth * r) - sixth * p
    t[1] = sixth * (q + half * s)
    t[2] = sixth * (r - p) + u5
  }
}

// MARK: - Geometry and cores

/// The geometry of one Winograd convolution: tiles per image and the scratch layout.
@usableFromInline
struct WinogradLayout: Sendable {
  let g: Window2D, filters: Int
  /// Output tile side m and input tile side α = m + 2.
  let m: Int, alpha: Int
  let tilesHigh: Int, tilesWide: Int
  /// α²: elements of a transformed tile, GEMMs per batch of tiles.
  var elements: Int { alpha * alpha }
  /// α²·cin·cout: U, and each core's dU.
  var kernelCount: Int { g.winogradKernelFloats(filters: filters, tile: m) }
  var tilesPerImage: Int { tilesHigh * tilesWide }

  init(_ g: Window2D, filters: Int, tile m: Int) {
    precondition(g.supportsWinograd(filters: filters), "Winograd F(m×m, 3×3) needs a 3×3, stride-1 window and channels in 8s")
    precondition(m == 2 || m == 4, "Winograd output tiles are 2×2 or 4×4, not \(m)×\(m)")
    self.g = g
    self.filters = filters
    self.m = m
    alpha = m + 2
    tilesHigh = (g.outputHeight + m - 1) / m
    tilesWide = (g.outputWidth + m - 1) / m
  }

  /// Floats per core for `images` images per GEMM: dU, V and M (as `Window2D.winogradScratchCount` lays them out).
  func coreCount(images: Int) -> Int { kernelCount + images * g.winogradImageFloats(filters: filters, tile: m) }
}

/// One core's share: its images, its dU sums, V and M.
@usableFromInline
struct WinogradCore: @unchecked Sendable {
  let first: Int, count: Int
  let dU: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>
}

/// Splits `n` images over the cores that fit in `scratchCount` floats and calls `body(core)` on each, OpenBLAS
/// single-threaded while more than one runs. Returns the number of cores used.
@inline(__always)
func forEachWinogradCore(
  _ layout: WinogradLayout, count n: Int, imagesPerGemm: Int, scratch: UnsafeMutablePointer<Float>, scratchCount: Int,
  _ body: @Sendable (WinogradCore) -> Void
) -> Int {
  let perCore = layout.coreCount(images: imagesPerGemm)
  let fit = (scratchCount - layout.kernelCount) / perCore
  precondition(fit >= 1, "Winograd scratch too small: \(scratchCount) floats")
  let threads = blasThreads
  let parts = max(1, min(threads, n, fit))
  let size = (n + parts - 1) / parts
  let tileFloats = imagesPerGemm * layout.tilesPerImage * layout.elements
  let base = SharedPointer(scratch + layout.kernelCount)
  let cin = layout.g.channels
  let core = { @Sendable (part: Int) -> WinogradCore in
    let mine = base.base + part * perCore
    let first = part * size
    return WinogradCore(
      first: first, count: max(0, min(size, n - first)), dU: mine, v: mine + layout.kernelCount,
      m: mine + layout.kernelCount + tileFloats * cin)
  }
  if parts == 1 {
    body(core(0))
    return 1
  }
  setBlasThreads(1)
  defer { setBlasThreads(threads) }
  DispatchQueue.concurrentPerform(iterations: parts) { part in body(core(part)) }
  return parts
}

// MARK: - Forward

/// y [n, OH, OW, cout] = activation(conv(x [n, H, W, cin], kernel [3, 3, cin, cout]) + bias) by Winograd F(m×m, 3×3)
/// with m = `tile` (2 or 4), z the pre-activation (z may equal y). Any padding; stride 1; cin and cout multiples of 8.
@inline(__always)
public func conv2DWinogradForward(
  _ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters: Int, tile: Int, kernel: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, _ activation: ActivationFunction, scratch: UnsafeMutablePointer<Float>, scratchCount: Int,
  imagesPerGemm: Int, preactivation z: UnsafeMutablePointer<Float>, output y: UnsafeMutablePointer<Float>
) {
  let layout = WinogradLayout(g, filters: filters, tile: tile)
  if tile == 4 {
    winogradForward(
      WinogradF4.self, x, count: n, layout, kernel: kernel, bias: bias, activation, scratch: scratch,
      scratchCount: scratchCount, imagesPerGemm: imagesPerGemm, preactivation: z, output: y)
  } else {
    winogradForward(
      WinogradF2.self, x, count: n, layout, kernel: kernel, bias: bias, activation, scratch: scratch,
      scratchCount: scratchCount, imagesPerGemm: imagesPerGemm, preactivation: z, output: y)
  }
}

@inline(__always)
func winogradForward<A: WinogradAlgorithm>(
  _: A.Type, _ x: UnsafePointer<Float>, count n: Int, _ layout: WinogradLayout, kernel: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, _ activation: ActivationFunction, scratch: UnsafeMutablePointer<Float>, scratchCount: Int,
  imagesPerGemm: Int, preactivation z: UnsafeMutablePointer<Float>, output y: UnsafeMutablePointer<Float>
) {
  let g = layout.g, filters = layout.filters, cin = g.channels
  winogradKernelTransform(A.self, kernel, layout, into: scratch)
  let u = SharedPointer(scratch)
  let shared = (x: SharedPointer(x), bias: bias.map(SharedPointer.init), z: SharedPointer(z), y: SharedPointer(y))
  let fusedRelu = activation == .relu && z == y
  _ = forEachWinogradCore(layout, count: n, imagesPerGemm: imagesPerGemm, scratch: scratch, scratchCount: scratchCount) { core in
    var first = core.first
    let end = core.first + core.count
    while first < end {
      let images = min(imagesPerGemm, end - first)
      let tiles = images * layout.tilesPerImage
      winogradInputTransform(A.self, UnsafePointer(shared.x.base) + first * g.inputSize, images: images, layout, into: core.v)
      for k in 0..<layout.elements {
        cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(tiles), Int32(filters), Int32(cin),
          1, core.v + k * cin, Int32(layout.elements * cin), u.base + k * cin * filters, Int32(filters),
          0, core.m + k * filters, Int32(layout.elements * filters))
      }
      let at = first * g.outputPixels * filters
      winogradOutputTransform(
        A.self, core.m, images: images, layout, bias: shared.bias.map { UnsafePointer($0.base) }, relu: fusedRelu,
        into: shared.z.base + at)
      if !fusedRelu {
        activate(shared.z.base + at, rows: images * g.outputPixels, cols: filters, activation, output: shared.y.base + at)
      }
      first += images
    }
  }
}

/// U [α², cin, cout] = G g Gᵀ for every channel pair of kernel [3, 3, cin, cout].
@inline(__always)
func winogradKernelTransform<A: WinogradAlgorithm>(
  _: A.Type, _ kernel: UnsafePointer<Float>, _ layout: WinogradLayout, into u: UnsafeMutablePointer<Float>
) {
  let cin = layout.g.channels, f = layout.filters, plane = cin * f
  withTileBuffer(A.self) { t in
    for ci in 0..<cin {
      for cb in stride(from: 0, to: f, by: 8) {
        for ky in 0..<3 {
          for kx in 0..<3 { t[ky * A.alpha + kx] = load8(kernel + ((ky * 3 + kx) * cin + ci) * f + cb) }
        }
        transformTile(t, A.alpha, rows: 3, columns: A.alpha, A.kernel)
        storeTile(A.self, t, at: u + ci * f + cb, plane: plane)
      }
    }
  }
}

/// V [tiles, α², cin] = Bᵀ d B for every α×α input tile of `images` images (zeros outside the image).
@inline(__always)
func winogradInputTransform<A: WinogradAlgorithm>(
  _: A.Type, _ x: UnsafePointer<Float>, images: Int, _ layout: WinogradLayout, into v: UnsafeMutablePointer<Float>
) {
  let g = layout.g, c = g.channels, alpha = A.alpha
  let elements = layout.elements
  withTileBuffer(A.self) { t in
    forEachTile(images: images, layout, channels: c) { index, image, ty, tx, cb in
      let base = x + image * g.inputSize + cb
      let y0 = A.m * ty - g.padTop, x0 = A.m * tx - g.padLeft
      if y0 >= 0 && y0 + alpha <= g.inputHeight && x0 >= 0 && x0 + alpha <= g.inputWidth {
        for i in 0..<alpha {
          let row = base + ((y0 + i) * g.inputWidth + x0) * c
          for j in 0..<alpha { t[i * alpha + j] = load8(row + j * c) }
        }
      } else {
        for i in 0..<alpha {
          let iy = y0 + i
          for j in 0..<alpha {
            let ix = x0 + j
            let inside = iy >= 0 && iy < g.inputHeight && ix >= 0 && ix < g.inputWidth
            t[i * alpha + j] = inside ? load8(base + (iy * g.inputWidth + ix) * c) : SIMD8()
          }
        }
      }
      transformTile(t, alpha, rows: alpha, columns: alpha, A.input)
      storeTile(A.self, t, at: v + index * elements * c + cb, plane: c)
    }
  }
}

/// z [images, OH, OW, cout] = Aᵀ M A (+ bias, then ReLU when `relu`) for every tile, cropped to the output.
@inline(__always)
func winogradOutputTransform<A: WinogradAlgorithm>(
  _: A.Type, _ m: UnsafePointer<Float>, images: Int, _ layout: WinogradLayout, bias: UnsafePointer<Float>?, relu: Bool,
  into z: UnsafeMutablePointer<Float>
) {
  let g = layout.g, f = layout.filters, alpha = A.alpha
  let elements = layout.elements
  withTileBuffer(A.self) { t in
    forEachTile(images: images, layout, channels: f) { index, image, ty, tx, cb in
      loadTile(A.self, t, from: m + index * elements * f + cb, plane: f)
      transformTile(t, alpha, rows: alpha, columns: A.m, A.output)
      let b = bias.map { load8($0 + cb) } ?? SIMD8()
      let oy = A.m * ty, ox = A.m * tx
      let p = z + image * g.outputPixels * f + (oy * g.outputWidth + ox) * f + cb
      for i in 0..<A.m where oy + i < g.outputHeight {
        for j in 0..<A.m where ox + j < g.outputWidth {
          storeActivated8(t[i * alpha + j] + b, p + (i * g.outputWidth + j) * f, relu: relu)
        }
      }
    }
  }
}

// MARK: - Backward

/// Backward of `conv2DWinogradForward` given dz = ∂L/∂(conv + bias) [n, OH, OW, cout]: accumulates dKernel and dBias;
/// writes dx [n, H, W, cin] when non-nil. The exact adjoint of the forward computation (see the top of this file).
@inline(__always)
public func conv2DWinogradBackward(
  _ dz: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters: Int, tile: Int,
  kernel: UnsafePointer<Float>, dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
  dx: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>, scratchCount: Int, imagesPerGemm: Int
) {
  let layout = WinogradLayout(g, filters: filters, tile: tile)
  if tile == 4 {
    winogradBackward(
      WinogradF4.self, dz, input: x, count: n, layout, kernel: kernel, dKernel: dKernel, dBias: dBias, dx: dx,
      scratch: scratch, scratchCount: scratchCount, imagesPerGemm: imagesPerGemm)
  } else {
    winogradBackward(
      WinogradF2.self, dz, input: x, count: n, layout, kernel: kernel, dKernel: dKernel, dBias: dBias, dx: dx,
      scratch: scratch, scratchCount: scratchCount, imagesPerGemm: imagesPerGemm)
  }
}

@inline(__always)
func winogradBackward<A: WinogradAlgorithm>(
  _: A.Type, _ dz: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, _ layout: WinogradLayout,
  kernel: UnsafePointer<Float>, dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
  dx: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>, scratchCount: Int, imagesPerGemm: Int
) {
  let g = layout.g, filters = layout.filters, cin = g.channels
  winogradKernelTransform(A.self, kernel, layout, into: scratch)
  if let dBias { sumRows(dz, rows: n * g.outputPixels, cols: filters, into: dBias) }
  let u = SharedPointer(scratch)
  let shared = (x: SharedPointer(x), dz: SharedPointer(dz), dx: dx.map(SharedPointer.init))
  let cores = forEachWinogradCore(layout, count: n, imagesPerGemm: imagesPerGemm, scratch: scratch, scratchCount: scratchCount) { core in
    core.dU.update(repeating: 0, count: layout.kernelCount)
    var first = core.first
    let end = core.first + core.count
    while first < end {
      let images = min(imagesPerGemm, end - first)
      let tiles = images * layout.tilesPerImage
      winogradInputTransform(A.self, UnsafePointer(shared.x.base) + first * g.inputSize, images: images, layout, into: core.v)
      winogradOutputAdjoint(A.self, UnsafePointer(shared.dz.base) + first * g.outputPixels * filters, images: images, layout, into: core.m)
      for k in 0..<layout.elements {
        // dU_k [cin, cout] += V_kᵀ [cin, tiles] · dM_k [tiles, cout]
        cblas_sgemm(
          CblasRowMajor, CblasTrans, CblasNoTrans, Int32(cin), Int32(filters), Int32(tiles),
          1, core.v + k * cin, Int32(layout.elements * cin), core.m + k * filters, Int32(layout.elements * filters),
          1, core.dU + k * cin * filters, Int32(filters))
      }
      if let dx = shared.dx?.base {
        for k in 0..<layout.elements {
          // dV_k [tiles, cin] = dM_k [tiles, cout] · U_kᵀ [cout, cin], into V (no longer needed)
          cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(tiles), Int32(cin), Int32(filters),
            1, core.m + k * filters, Int32(layout.elements * filters), u.base + k * cin * filters, Int32(filters),
            0, core.v + k * cin, Int32(layout.elements * cin))
        }
        winogradInputAdjoint(A.self, core.v, images: images, layout, into: dx + first * g.inputSize)
      }
      first += images
    }
  }
  // dU = Σ of the cores' sums (in the first core's block), then dKernel += Gᵀ dU G.
  let sums = scratch + layout.kernelCount, perCore = layout.coreCount(images: imagesPerGemm)
  for part in 1..<max(cores, 1) { update8(sums, sums + part * perCore, count: layout.kernelCount) { $0 + $1 } }
  winogradKernelAdjoint(A.self, sums, layout, into: dKernel)
}

/// dM [tiles, α², cout] = A dY Aᵀ for every tile of dz [images, OH, OW, cout] (zeros past the output's edge).
@inline(__always)
func winogradOutputAdjoint<A: WinogradAlgorithm>(
  _: A.Type, _ dz: UnsafePointer<Float>, images: Int, _ layout: WinogradLayout, into m: UnsafeMutablePointer<Float>
) {
  let g = layout.g, f = layout.filters, alpha = A.alpha
  let elements = layout.elements
  withTileBuffer(A.self) { t in
    forEachTile(images: images, layout, channels: f) { index, image, ty, tx, cb in
      let oy = A.m * ty, ox = A.m * tx
      let p = dz + image * g.outputPixels * f + (oy * g.outputWidth + ox) * f + cb
      for i in 0..<A.m {
        for j in 0..<A.m {
          let inside = oy + i < g.outputHeight && ox + j < g.outputWidth
          t[i * alpha + j] = inside ? load8(p + (i * g.outputWidth + j) * f) : SIMD8()
        }
      }
      transformTile(t, alpha, rows: A.m, columns: alpha, A.outputAdjoint)
      storeTile(A.self, t, at: m + index * elements * f + cb, plane: f)
    }
  }
}

/// dx [images, H, W, cin] = Σ over tiles of B dV Bᵀ, each tile added at its place (overwrites dx).
@inline(__always)
func winogradInputAdjoint<A: WinogradAlgorithm>(
  _: A.Type, _ v: UnsafePointer<Float>, images: Int, _ layout: WinogradLayout, into dx: UnsafeMutablePointer<Float>
) {
  let g = layout.g, c = g.channels, alpha = A.alpha
  let elements = layout.elements
  dx.update(repeating: 0, count: images * g.inputSize)
  withTileBuffer(A.self) { t in
    forEachTile(images: images, layout, channels: c) { index, image, ty, tx, cb in
      loadTile(A.self, t, from: v + index * elements * c + cb, plane: c)
      transformTile(t, alpha, rows: alpha, columns: alpha, A.inputAdjoint)
      let base = dx + image * g.inputSize + cb
      let y0 = A.m * ty - g.padTop, x0 = A.m * tx - g.padLeft
      for i in 0..<alpha where y0 + i >= 0 && y0 + i < g.inputHeight {
        for j in 0..<alpha where x0 + j >= 0 && x0 + j < g.inputWidth {
          let p = base + ((y0 + i) * g.inputWidth + x0 + j) * c
          store8(load8(p) + t[i * alpha + j], p)
        }
      }
    }
  }
}

/// dKernel [3, 3, cin, cout] += Gᵀ dU G for every channel pair of dU [α², cin, cout].
@inline(__always)
func winogradKernelAdjoint<A: WinogradAlgorithm>(
  _: A.Type, _ dU: UnsafePointer<Float>, _ layout: WinogradLayout, into dKernel: UnsafeMutablePointer<Float>
) {
  let cin = layout.g.channels, f = layout.filters, plane = cin * f
  withTileBuffer(A.self) { t in
    for ci in 0..<cin {
      for cb in stride(from: 0, to: f, by: 8) {
        loadTile(A.self, t, from: dU + ci * f + cb, plane: plane)
        transformTile(t, A.alpha, rows: A.alpha, columns: 3, A.kernelAdjoint)
        for ky in 0..<3 {
          for kx in 0..<3 {
            let p = dKernel + ((ky * 3 + kx) * cin + ci) * f + cb
            store8(load8(p) + t[ky * A.alpha + kx], p)
          }
        }
      }
    }
  }
}

// MARK: - Tile helpers

/// Calls `body` with an α×α buffer of SIMD8 values on the stack (row-major: element (i, j) at `i·α + j`).
@inline(__always)
func withTileBuffer<A: WinogradAlgorithm>(_: A.Type, _ body: (UnsafeMutablePointer<SIMD8<Float>>) -> Void) {
  withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: A.alpha * A.alpha) { body($0.baseAddress!) }
}

/// A 2-D transform: `op` along the first `rows` rows, then along the first `columns` columns of an α×α tile.
@inline(__always)
func transformTile(
  _ t: UnsafeMutablePointer<SIMD8<Float>>, _ alpha: Int, rows: Int, columns: Int, _ op: (TileLine) -> Void
) {
  for i in 0..<rows { op(TileLine(base: t + i * alpha, stride: 1)) }
  for j in 0..<columns { op(TileLine(base: t + j, stride: alpha)) }
}

/// Calls `body(index, image, ty, tx, cb)` for every tile of `images` images (index counts them from 0, image by
/// image, row by row) and every block of 8 channels `cb` of `channels`.
@inline(__always)
func forEachTile(
  images: Int, _ layout: WinogradLayout, channels: Int,
  _ body: (_ index: Int, _ image: Int, _ ty: Int, _ tx: Int, _ cb: Int) -> Void
) {
  var index = 0
  for image in 0..<images {
    for ty in 0..<layout.tilesHigh {
      for tx in 0..<layout.tilesWide {
        for cb in stride(from: 0, to: channels, by: 8) { body(index, image, ty, tx, cb) }
        index += 1
      }
    }
  }
}

/// Loads the α² elements of one tile's 8 channels: element (i, j) from `at + (i·α + j)·plane` (`plane` is the
/// channel count in V and M, which hold a tile's α² elements together, cin·cout in U and dU).
@inline(__always)
func loadTile<A: WinogradAlgorithm>(_: A.Type, _ t: UnsafeMutablePointer<SIMD8<Float>>, from at: UnsafePointer<Float>, plane: Int) {
  for k in 0..<(A.alpha * A.alpha) { t[k] = load8(at + k * plane) }
}

/// Stores the α² elements of one tile's 8 channels: element (i, j) to `at + (i·α + j)·plane`.
@inline(__always)
func storeTile<A: WinogradAlgorithm>(_: A.Type, _ t: UnsafeMutablePointer<SIMD8<Float>>, at: UnsafeMutablePointer<Float>, plane: Int) {
  for k in 0..<(A.alpha * A.alpha) { store8(t[k], at + k * plane) }
}
