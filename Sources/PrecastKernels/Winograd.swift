// Winograd.swift: 3×3, stride-1 Conv2D as Winograd F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016): 16 multiplications per 2×2 output tile instead of 36, so 2.25× less GEMM work than im2col.
import CBLAS
import Dispatch

// Each 2×2 output tile of an image reads a 4×4 input tile (tiles overlap by two pixels; padding reads zeros). With
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],  Aᵀ = [1 1 1 0; 0 1 −1 −1],
// the tile's output is Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ) ] A per input/output channel pair, summed over input channels.
// Element k of the 4×4 transformed tiles, over all tiles and channels, is one GEMM:
//   M_k [tiles, cout] = V_k [tiles, cin] · U_k [cin, cout],   V = Bᵀ d B (input),  U = G g Gᵀ (kernel),
// 16 GEMMs per batch of tiles, then Y = Aᵀ M A (output), with bias and activation fused.
//
// The backward pass is the exact adjoint of that computation (so it is the convolution's gradient up to rounding):
//   dM = A dY Aᵀ,   dU_k += V_kᵀ · dM_k,   dV_k = dM_k · U_kᵀ,   dx += B dV Bᵀ (tiles overlap: added),   dg = Gᵀ dU G.
// Every pass works on 8 channels at a time (SIMD8), so cin and cout are multiples of 8.
//
// Scratch (`winogradScratchCount`): U [16, cin, cout], then per core: its dU sums [16, cin, cout], V [16, tiles, cin]
// and M [16, tiles, cout] for `imagesPerGemm` images. Cores take contiguous runs of the batch (OpenBLAS runs
// single-threaded meanwhile), as the im2col path does.

public typealias Tile4 = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

/// Bᵀ·(d0, d1, d2, d3): the input transform along one axis.
@inline(__always) func inputTransform(_ d: Tile4) -> Tile4 { (d.0 - d.2, d.1 + d.2, d.2 - d.1, d.1 - d.3) }
/// B·(v0, v1, v2, v3): its adjoint.
@inline(__always) func inputTransformAdjoint(_ v: Tile4) -> Tile4 { (v.0, v.1 - v.2 + v.3, v.1 + v.2 - v.0, -v.3) }
/// Aᵀ·(m0, m1, m2, m3): the output transform along one axis (4 → 2).
@inline(__always) func outputTransform(_ m: Tile4) -> (SIMD8<Float>, SIMD8<Float>) { (m.0 + m.1 + m.2, m.1 - m.2 - m.3) }
/// A·(y0, y1): its adjoint (2 → 4).
@inline(__always) func outputTransformAdjoint(_ y0: SIMD8<Float>, _ y1: SIMD8<Float>) -> Tile4 { (y0, y0 + y1, y0 - y1, -y1) }
/// G·(g0, g1, g2): the kernel transform along one axis (3 → 4).
@inline(__always) func kernelTransform(_ g0: SIMD8<Float>, _ g1: SIMD8<Float>, _ g2: SIMD8<Float>) -> Tile4 {
  let half = SIMD8<Float>(repeating: 0.5)
  return (g0, half * (g0 + g1 + g2), half * (g0 - g1 + g2), g2)
}
/// Gᵀ·(u0, u1, u2, u3): its adjoint (4 → 3).
@inline(__always) func kernelTransformAdjoint(_ u: Tile4) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
  let half = SIMD8<Float>(repeating: 0.5)
  return (u.0 + half * (u.1 + u.2), half * (u.1 - u.2), half * (u.1 + u.2) + u.3)
}

/// The geometry of one Winograd convolution: tiles per image and the scratch layout.
@usableFromInline
struct WinogradLayout: Sendable {
  let g: Window2D, filters: Int
  let tilesHigh: Int, tilesWide: Int
  /// 16·cin·cout: U, and each core's dU.
  var kernelCount: Int { 16 * g.channels * filters }
  var tilesPerImage: Int { tilesHigh * tilesWide }

  init(_ g: Window2D, filters: Int) {
    precondition(g.supportsWinograd(filters: filters), "Winograd F(2×2, 3×3) needs a 3×3, stride-1 window and channels in 8s")
    self.g = g
    self.filters = filters
    tilesHigh = (g.outputHeight + 1) / 2
    tilesWide = (g.outputWidth + 1) / 2
  }

  /// Floats per core for `images` images per GEMM: dU, V and M (`Window2D.winogradScratchCount` counts the same).
  func coreCount(images: Int) -> Int { kernelCount + images * tilesPerImage * 16 * (g.channels + filters) }
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
  let tileFloats = imagesPerGemm * layout.tilesPerImage * 16
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

/// y [n, OH, OW, cout] = activation(conv(x [n, H, W, cin], kernel [3, 3, cin, cout]) + bias) by Winograd F(2×2, 3×3),
/// with z the pre-activation (z may equal y). Any padding; stride 1; cin and cout multiples of 8.
@inline(__always)
public func conv2DWinogradForward(
  _ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters: Int, kernel: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, _ activation: ActivationFunction, scratch: UnsafeMutablePointer<Float>, scratchCount: Int,
  imagesPerGemm: Int, preactivation z: UnsafeMutablePointer<Float>, output y: UnsafeMutablePointer<Float>
) {
  let layout = WinogradLayout(g, filters: filters)
  winogradKernelTransform(kernel, layout, into: scratch)
  let u = SharedPointer(scratch)
  let shared = (x: SharedPointer(x), bias: bias.map(SharedPointer.init), z: SharedPointer(z), y: SharedPointer(y))
  let fusedRelu = activation == .relu && z == y
  _ = forEachWinogradCore(layout, count: n, imagesPerGemm: imagesPerGemm, scratch: scratch, scratchCount: scratchCount) { core in
    var first = core.first
    let end = core.first + core.count
    while first < end {
      let images = min(imagesPerGemm, end - first)
      let tiles = images * layout.tilesPerImage
      winogradInputTransform(UnsafePointer(shared.x.base) + first * g.inputSize, images: images, layout, into: core.v)
      let cin = g.channels
      for k in 0..<16 {
        cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(tiles), Int32(filters), Int32(cin),
          1, core.v + k * tiles * cin, Int32(cin), u.base + k * cin * filters, Int32(filters),
          0, core.m + k * tiles * filters, Int32(filters))
      }
      let at = first * g.outputPixels * filters
      winogradOutputTransform(core.m, images: images, layout, bias: shared.bias.map { UnsafePointer($0.base) }, relu: fusedRelu, into: shared.z.base + at)
      if !fusedRelu {
        activate(shared.z.base + at, rows: images * g.outputPixels, cols: filters, activation, output: shared.y.base + at)
      }
      first += images
    }
  }
}

/// U [16, cin, cout] = G g Gᵀ for every channel pair of kernel [3, 3, cin, cout].
@inline(__always)
func winogradKernelTransform(_ kernel: UnsafePointer<Float>, _ layout: WinogradLayout, into u: UnsafeMutablePointer<Float>) {
  let cin = layout.g.channels, f = layout.filters, plane = cin * f
  for ci in 0..<cin {
    var cb = 0
    while cb < f {
      @inline(__always) func tap(_ ky: Int, _ kx: Int) -> SIMD8<Float> { load8(kernel + ((ky * 3 + kx) * cin + ci) * f + cb) }
      // Along x for each kernel row, then along y for each of the 4 columns.
      let r0 = kernelTransform(tap(0, 0), tap(0, 1), tap(0, 2))
      let r1 = kernelTransform(tap(1, 0), tap(1, 1), tap(1, 2))
      let r2 = kernelTransform(tap(2, 0), tap(2, 1), tap(2, 2))
      storeTile(
        (kernelTransform(r0.0, r1.0, r2.0), kernelTransform(r0.1, r1.1, r2.1),
         kernelTransform(r0.2, r1.2, r2.2), kernelTransform(r0.3, r1.3, r2.3)),
        columnsAt: u + ci * f + cb, plane: plane)
      cb += 8
    }
  }
}

/// V [16, tiles, cin] = Bᵀ d B for every 4×4 input tile of `images` images (zeros outside the image).
@inline(__always)
func winogradInputTransform(_ x: UnsafePointer<Float>, images: Int, _ layout: WinogradLayout, into v: UnsafeMutablePointer<Float>) {
  let g = layout.g, c = g.channels
  let plane = images * layout.tilesPerImage * c
  let zero = SIMD8<Float>()
  forEachTile(images: images, layout, channels: c) { t, image, ty, tx, cb in
    let base = x + image * g.inputSize
    let y0 = 2 * ty - g.padTop, x0 = 2 * tx - g.padLeft
    let interior = y0 >= 0 && y0 + 4 <= g.inputHeight && x0 >= 0 && x0 + 4 <= g.inputWidth
    @inline(__always) func row(_ i: Int) -> Tile4 {
      let iy = y0 + i
      if interior {
        let p = base + (iy * g.inputWidth + x0) * c + cb
        return inputTransform((load8(p), load8(p + c), load8(p + 2 * c), load8(p + 3 * c)))
      }
      guard iy >= 0 && iy < g.inputHeight else { return (zero, zero, zero, zero) }
      @inline(__always) func pixel(_ j: Int) -> SIMD8<Float> {
        let ix = x0 + j
        return ix >= 0 && ix < g.inputWidth ? load8(base + (iy * g.inputWidth + ix) * c + cb) : zero
      }
      return inputTransform((pixel(0), pixel(1), pixel(2), pixel(3)))
    }
    let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3)
    storeTile(
      (inputTransform((r0.0, r1.0, r2.0, r3.0)), inputTransform((r0.1, r1.1, r2.1, r3.1)),
       inputTransform((r0.2, r1.2, r2.2, r3.2)), inputTransform((r0.3, r1.3, r2.3, r3.3))),
      columnsAt: v + t * c + cb, plane: plane)
  }
}

/// z [images, OH, OW, cout] = Aᵀ M A (+ bias, then ReLU when `relu`) for every tile, cropped to the output.
@inline(__always)
func winogradOutputTransform(
  _ m: UnsafePointer<Float>, images: Int, _ layout: WinogradLayout, bias: UnsafePointer<Float>?, relu: Bool,
  into z: UnsafeMutablePointer<Float>
) {
  let g = layout.g, f = layout.filters
  let plane = images * layout.tilesPerImage * f
  forEachTile(images: images, layout, channels: f) { t, image, ty, tx, cb in
    let tile = loadTile(m + t * f + cb, plane: plane)
    let r0 = outputTransform(tile.0), r1 = outputTransform(tile.1), r2 = outputTransform(tile.2), r3 = outputTransform(tile.3)
    var (y00, y10) = outputTransform((r0.0, r1.0, r2.0, r3.0))
    var (y01, y11) = outputTransform((r0.1, r1.1, r2.1, r3.1))
    if let bias {
      let b = load8(bias + cb)
      y00 += b
      y01 += b
      y10 += b
      y11 += b
    }
    let oy = 2 * ty, ox = 2 * tx
    let twoRows = oy + 1 < g.outputHeight, twoColumns = ox + 1 < g.outputWidth
    let p = z + image * g.outputPixels * f + (oy * g.outputWidth + ox) * f + cb
    storeActivated8(y00, p, relu: relu)
    if twoColumns { storeActivated8(y01, p + f, relu: relu) }
    if twoRows {
      storeActivated8(y10, p + g.outputWidth * f, relu: relu)
      if twoColumns { storeActivated8(y11, p + (g.outputWidth + 1) * f, relu: relu) }
    }
  }
}

// MARK: - Backward

/// Backward of `conv2DWinogradForward` given dz = ∂L/∂(conv + bias) [n, OH, OW, cout]: accumulates dKernel and dBias;
/// writes dx [n, H, W, cin] when non-nil. The exact adjoint of the forward computation (see the top of this file).
@inline(__always)
public func conv2DWinogradBackward(
  _ dz: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters: Int,
  kernel: UnsafePointer<Float>, dKernel: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
  dx: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>, scratchCount: Int, imagesPerGemm: Int
) {
  let layout = WinogradLayout(g, filters: filters)
  let cin = g.channels
  winogradKernelTransform(kernel, layout, into: scratch)
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
      winogradInputTransform(UnsafePointer(shared.x.base) + first * g.inputSize, images: images, layout, into: core.v)
      winogradOutputAdjoint(UnsafePointer(shared.dz.base) + first * g.outputPixels * filters, images: images, layout, into: core.m)
      for k in 0..<16 {
        // dU_k [cin, cout] += V_kᵀ [cin, tiles] · dM_k [tiles, cout]
        cblas_sgemm(
          CblasRowMajor, CblasTrans, CblasNoTrans, Int32(cin), Int32(filters), Int32(tiles),
          1, core.v + k * tiles * cin, Int32(cin), core.m + k * tiles * filters, Int32(filters),
          1, core.dU + k * cin * filters, Int32(filters))
      }
      if let dx = shared.dx?.base {
        for k in 0..<16 {
          // dV_k [tiles, cin] = dM_k [tiles, cout] · U_kᵀ [cout, cin], into V (no longer needed)
          cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(tiles), Int32(cin), Int32(filters),
            1, core.m + k * tiles * filters, Int32(filters), u.base + k * cin * filters, Int32(filters),
            0, core.v + k * tiles * cin, Int32(cin))
        }
        winogradInputAdjoint(core.v, images: images, layout, into: dx + first * g.inputSize)
      }
      first += images
    }
  }
  // dU = Σ of the cores' sums (in the first core's block), then dKernel += Gᵀ dU G.
  let sums = scratch + layout.kernelCount, perCore = layout.coreCount(images: imagesPerGemm)
  for part in 1..<max(cores, 1) { update8(sums, sums + part * perCore, count: layout.kernelCount) { $0 + $1 } }
  winogradKernelAdjoint(sums, layout, into: dKernel)
}

/// dM [16, tiles, cout] = A dY Aᵀ for every tile of dz [images, OH, OW, cout] (zeros past the output's edge).
@inline(__always)
func winogradOutputAdjoint(_ dz: UnsafePointer<Float>, images: Int, _ layout: WinogradLayout, into m: UnsafeMutablePointer<Float>) {
  let g = layout.g, f = layout.filters
  let plane = images * layout.tilesPerImage * f
  let zero = SIMD8<Float>()
  forEachTile(images: images, layout, channels: f) { t, image, ty, tx, cb in
    let oy = 2 * ty, ox = 2 * tx
    let twoRows = oy + 1 < g.outputHeight, twoColumns = ox + 1 < g.outputWidth
    let p = dz + image * g.outputPixels * f + (oy * g.outputWidth + ox) * f + cb
    let y00 = load8(p)
    let y01 = twoColumns ? load8(p + f) : zero
    let y10 = twoRows ? load8(p + g.outputWidth * f) : zero
    let y11 = twoRows && twoColumns ? load8(p + (g.outputWidth + 1) * f) : zero
    let c0 = outputTransformAdjoint(y00, y10), c1 = outputTransformAdjoint(y01, y11)  // along y, per column
    storeTile(
      (outputTransformAdjoint(c0.0, c1.0), outputTransformAdjoint(c0.1, c1.1),
       outputTransformAdjoint(c0.2, c1.2), outputTransformAdjoint(c0.3, c1.3)),
      rowsAt: m + t * f + cb, plane: plane)
  }
}

/// dx [images, H, W, cin] = Σ over tiles of B dV Bᵀ, each tile added at its place (overwrites dx).
@inline(__always)
func winogradInputAdjoint(_ v: UnsafePointer<Float>, images: Int, _ layout: WinogradLayout, into dx: UnsafeMutablePointer<Float>) {
  let g = layout.g, c = g.channels
  let plane = images * layout.tilesPerImage * c
  dx.update(repeating: 0, count: images * g.inputSize)
  forEachTile(images: images, layout, channels: c) { t, image, ty, tx, cb in
    let tile = loadTile(v + t * c + cb, plane: plane)
    // Along x for each row i, then along y for each column j: d[i][j] = columns.j.i.
    let r0 = inputTransformAdjoint(tile.0), r1 = inputTransformAdjoint(tile.1)
    let r2 = inputTransformAdjoint(tile.2), r3 = inputTransformAdjoint(tile.3)
    let columns = (
      inputTransformAdjoint((r0.0, r1.0, r2.0, r3.0)), inputTransformAdjoint((r0.1, r1.1, r2.1, r3.1)),
      inputTransformAdjoint((r0.2, r1.2, r2.2, r3.2)), inputTransformAdjoint((r0.3, r1.3, r2.3, r3.3)))
    let base = dx + image * g.inputSize
    let y0 = 2 * ty - g.padTop, x0 = 2 * tx - g.padLeft
    @inline(__always) func add(_ i: Int, _ j: Int, _ value: SIMD8<Float>) {
      let iy = y0 + i, ix = x0 + j
      guard iy >= 0 && iy < g.inputHeight && ix >= 0 && ix < g.inputWidth else { return }
      let p = base + (iy * g.inputWidth + ix) * c + cb
      store8(load8(p) + value, p)
    }
    @inline(__always) func addColumn(_ j: Int, _ column: Tile4) {
      add(0, j, column.0)
      add(1, j, column.1)
      add(2, j, column.2)
      add(3, j, column.3)
    }
    addColumn(0, columns.0)
    addColumn(1, columns.1)
    addColumn(2, columns.2)
    addColumn(3, columns.3)
  }
}

// MARK: - Tile helpers

/// Calls `body(t, image, ty, tx, cb)` for every tile of `images` images (t counts them from 0, image by image, row
/// by row) and every block of 8 channels `cb` of `channels`.
@inline(__always)
func forEachTile(
  images: Int, _ layout: WinogradLayout, channels: Int, _ body: (_ t: Int, _ image: Int, _ ty: Int, _ tx: Int, _ cb: Int) -> Void
) {
  var t = 0
  for image in 0..<images {
    for ty in 0..<layout.tilesHigh {
      for tx in 0..<layout.tilesWide {
        for cb in stride(from: 0, to: channels, by: 8) { body(t, image, ty, tx, cb) }
        t += 1
      }
    }
  }
}

/// The 4×4 elements of one tile's 8 channels, row by row: element (i, j) is at `at + (4i + j)·plane`.
@inline(__always)
func loadTile(_ at: UnsafePointer<Float>, plane: Int) -> (Tile4, Tile4, Tile4, Tile4) {
  @inline(__always) func row(_ i: Int) -> Tile4 {
    (load8(at + (4 * i) * plane), load8(at + (4 * i + 1) * plane), load8(at + (4 * i + 2) * plane), load8(at + (4 * i + 3) * plane))
  }
  return (row(0), row(1), row(2), row(3))
}

/// Stores a tile given row by row (`rows.i.j` is element (i, j)) at `at + (4i + j)·plane`.
@inline(__always)
func storeTile(_ rows: (Tile4, Tile4, Tile4, Tile4), rowsAt at: UnsafeMutablePointer<Float>, plane: Int) {
  @inline(__always) func put(_ i: Int, _ row: Tile4) {
    store8(row.0, at + (4 * i) * plane)
    store8(row.1, at + (4 * i + 1) * plane)
    store8(row.2, at + (4 * i + 2) * plane)
    store8(row.3, at + (4 * i + 3) * plane)
  }
  put(0, rows.0)
  put(1, rows.1)
  put(2, rows.2)
  put(3, rows.3)
}

/// Stores a tile given column by column (`columns.j.i` is element (i, j)) at `at + (4i + j)·plane`.
@inline(__always)
func storeTile(_ columns: (Tile4, Tile4, Tile4, Tile4), columnsAt at: UnsafeMutablePointer<Float>, plane: Int) {
  @inline(__always) func put(_ j: Int, _ column: Tile4) {
    store8(column.0, at + j * plane)
    store8(column.1, at + (4 + j) * plane)
    store8(column.2, at + (8 + j) * plane)
    store8(column.3, at + (12 + j) * plane)
  }
  put(0, columns.0)
  put(1, columns.1)
  put(2, columns.2)
  put(3, columns.3)
}

/// dKernel [3, 3, cin, cout] += Gᵀ dU G for every channel pair of dU [16, cin, cout].
@inline(__always)
func winogradKernelAdjoint(_ dU: UnsafePointer<Float>, _ layout: WinogradLayout, into dKernel: UnsafeMutablePointer<Float>) {
  let cin = layout.g.channels, f = layout.filters, plane = cin * f
  for ci in 0..<cin {
    var cb = 0
    while cb < f {
      let src = dU + ci * f + cb
      @inline(__always) func at(_ i: Int, _ j: Int) -> SIMD8<Float> { load8(src + (i * 4 + j) * plane) }
      // Along x for each of the 4 rows (4 → 3), then along y for each of the 3 columns.
      let r0 = kernelTransformAdjoint((at(0, 0), at(0, 1), at(0, 2), at(0, 3)))
      let r1 = kernelTransformAdjoint((at(1, 0), at(1, 1), at(1, 2), at(1, 3)))
      let r2 = kernelTransformAdjoint((at(2, 0), at(2, 1), at(2, 2), at(2, 3)))
      let r3 = kernelTransformAdjoint((at(3, 0), at(3, 1), at(3, 2), at(3, 3)))
      let c0 = kernelTransformAdjoint((r0.0, r1.0, r2.0, r3.0))
      let c1 = kernelTransformAdjoint((r0.1, r1.1, r2.1, r3.1))
      let c2 = kernelTransformAdjoint((r0.2, r1.2, r2.2, r3.2))
      @inline(__always) func add(_ ky: Int, _ kx: Int, _ value: SIMD8<Float>) {
        let p = dKernel + ((ky * 3 + kx) * cin + ci) * f + cb
        store8(load8(p) + value, p)
      }
      add(0, 0, c0.0)
      add(1, 0, c0.1)
      add(2, 0, c0.2)
      add(0, 1, c1.0)
      add(1, 1, c1.1)
      add(2, 1, c1.2)
      add(0, 2, c2.0)
      add(1, 2, c2.1)
      add(2, 2, c2.2)
      cb += 8
    }
  }
}
