// Pooling.swift: max and average pooling over 2-D windows and over whole images (NHWC), forward and backward.

// Windows use `Window2D` (kernel = pool size). Padding in "same" mode is ignored, as in Keras/TensorFlow:
// max pooling never picks it, average pooling divides by the number of real pixels in the window.
// Max pooling's backward recomputes each window's arg-max from the saved input instead of storing indices;
// ties go to the first maximum in row-major order.

// MARK: - MaxPooling2D

/// y [n, OH, OW, C] = max over each window of x [n, H, W, C]; images split over the BLAS threads.
@inline(__always)
public func maxPool2DForward(_ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, output y: UnsafeMutablePointer<Float>) {
  let c = g.channels
  let shared = (x: SharedPointer(x), y: SharedPointer(y))
  forEachPart(n, minimumPerPart: 8) { _, first, count in
    var out = shared.y.base + first * g.outputPixels * c
    for image in first..<(first + count) {
      let base = UnsafePointer(shared.x.base) + image * g.inputSize
      for oy in 0..<g.outputHeight {
        let (y0, y1) = windowRange(oy, g.strideY, g.padTop, g.kernelHeight, g.inputHeight)
        for ox in 0..<g.outputWidth {
          let (x0, x1) = windowRange(ox, g.strideX, g.padLeft, g.kernelWidth, g.inputWidth)
          out.update(from: base + (y0 * g.inputWidth + x0) * c, count: c)
          for iy in y0..<y1 {
            for ix in x0..<x1 { maxInPlace(out, base + (iy * g.inputWidth + ix) * c, count: c) }
          }
          out += c
        }
      }
    }
  }
}

/// dx [n, H, W, C] = dy routed to each window's first maximum (overwrites dx). `y` is the forward output:
/// a pixel takes the gradient where it equals its window's maximum and no earlier pixel did.
/// With `reluInput` (x is a ReLU's output) ReLU's derivative is fused: a window whose maximum is 0 passes
/// nothing, so dx is the gradient before that ReLU.
@inline(__always)
public func maxPool2DBackward(
  _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, output y: UnsafePointer<Float>, count n: Int, _ g: Window2D,
  dx: UnsafeMutablePointer<Float>, reluInput: Bool = false
) {
  let c = g.channels
  // Windows that tile the image exactly write every pixel of dx once; otherwise clear it and add.
  let tiles = g.strideY == g.kernelHeight && g.strideX == g.kernelWidth && g.padTop == 0 && g.padLeft == 0
    && g.outputHeight * g.kernelHeight == g.inputHeight && g.outputWidth * g.kernelWidth == g.inputWidth
  let shared = (x: SharedPointer(x), y: SharedPointer(y), dy: SharedPointer(dy), dx: SharedPointer(dx))
  forEachPart(n, minimumPerPart: 8) { _, first, count in
    if !tiles { (shared.dx.base + first * g.inputSize).update(repeating: 0, count: count * g.inputSize) }
    for image in first..<(first + count) {
      let base = UnsafePointer(shared.x.base) + image * g.inputSize
      let dbase = shared.dx.base + image * g.inputSize
      var at = image * g.outputPixels * c  // output pixel index × c
      for oy in 0..<g.outputHeight {
        let (y0, y1) = windowRange(oy, g.strideY, g.padTop, g.kernelHeight, g.inputHeight)
        for ox in 0..<g.outputWidth {
          let (x0, x1) = windowRange(ox, g.strideX, g.padLeft, g.kernelWidth, g.inputWidth)
          let maxima = UnsafePointer(shared.y.base) + at, grad = UnsafePointer(shared.dy.base) + at
          var v = 0
          while v < c {
            // 8 channels at a time; the last group masks off lanes past C.
            let lanes = min(8, c - v)
            let best = loadPartial8(maxima + v, lanes), g8 = loadPartial8(grad + v, lanes)
            var free = reluInput ? best .> 0 : SIMDMask<SIMD8<Int32>>(repeating: true)
            for iy in y0..<y1 {
              for ix in x0..<x1 {
                let offset = (iy * g.inputWidth + ix) * c + v
                let hit = (loadPartial8(base + offset, lanes) .== best) .& free
                free = free .& .!hit
                let routed = SIMD8<Float>(repeating: 0).replacing(with: g8, where: hit)
                storePartial8(tiles ? routed : loadPartial8(dbase + offset, lanes) + routed, dbase + offset, lanes)
              }
            }
            v += 8
          }
          at += c
        }
      }
    }
  }
}

/// The first `lanes` (1…8) floats at `p` in a SIMD8, zeros after.
@inline(__always)
func loadPartial8(_ p: UnsafePointer<Float>, _ lanes: Int) -> SIMD8<Float> {
  if lanes == 8 { return load8(p) }
  var v = SIMD8<Float>()
  for i in 0..<lanes { v[i] = p[i] }
  return v
}

@inline(__always)
func loadPartial8(_ p: UnsafeMutablePointer<Float>, _ lanes: Int) -> SIMD8<Float> { loadPartial8(UnsafePointer(p), lanes) }

/// Stores the first `lanes` (1…8) lanes of `v` at `p`.
@inline(__always)
func storePartial8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ lanes: Int) {
  if lanes == 8 { return store8(v, p) }
  for i in 0..<lanes { p[i] = v[i] }
}

/// a = max(a, b) element-wise, 8 lanes at a time.
@inline(__always)
func maxInPlace(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
  var i = 0
  while i + 8 <= count {
    let x = load8(a + i), y = load8(b + i)
    store8(x.replacing(with: y, where: y .> x), a + i)
    i += 8
  }
  while i < count {
    if b[i] > a[i] { a[i] = b[i] }
    i += 1
  }
}

// MARK: - AveragePooling2D

/// y [n, OH, OW, C] = mean over each window's real (unpadded) pixels of x [n, H, W, C].
@inline(__always)
public func averagePool2DForward(_ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, output y: UnsafeMutablePointer<Float>) {
  let c = g.channels
  var out = y
  for image in 0..<n {
    let base = x + image * g.inputSize
    for oy in 0..<g.outputHeight {
      let (y0, y1) = windowRange(oy, g.strideY, g.padTop, g.kernelHeight, g.inputHeight)
      for ox in 0..<g.outputWidth {
        let (x0, x1) = windowRange(ox, g.strideX, g.padLeft, g.kernelWidth, g.inputWidth)
        out.update(repeating: 0, count: c)
        for iy in y0..<y1 {
          for ix in x0..<x1 {
            let pixel = base + (iy * g.inputWidth + ix) * c
            for ci in 0..<c { out[ci] += pixel[ci] }
          }
        }
        let scale = 1 / Float((y1 - y0) * (x1 - x0))
        for ci in 0..<c { out[ci] *= scale }
        out += c
      }
    }
  }
}

/// dx [n, H, W, C] = dy spread evenly over each window's real pixels (overwrites dx).
@inline(__always)
public func averagePool2DBackward(_ dy: UnsafePointer<Float>, count n: Int, _ g: Window2D, dx: UnsafeMutablePointer<Float>) {
  let c = g.channels
  dx.update(repeating: 0, count: n * g.inputSize)
  var grad = dy
  for image in 0..<n {
    let dbase = dx + image * g.inputSize
    for oy in 0..<g.outputHeight {
      let (y0, y1) = windowRange(oy, g.strideY, g.padTop, g.kernelHeight, g.inputHeight)
      for ox in 0..<g.outputWidth {
        let (x0, x1) = windowRange(ox, g.strideX, g.padLeft, g.kernelWidth, g.inputWidth)
        let scale = 1 / Float((y1 - y0) * (x1 - x0))
        for iy in y0..<y1 {
          for ix in x0..<x1 {
            let pixel = dbase + (iy * g.inputWidth + ix) * c
            for ci in 0..<c { pixel[ci] += grad[ci] * scale }
          }
        }
        grad += c
      }
    }
  }
}

/// The input rows (or columns) [lo, hi) under output position `o`, clipped to the image.
@inline(__always)
func windowRange(_ o: Int, _ stride: Int, _ pad: Int, _ size: Int, _ limit: Int) -> (Int, Int) {
  let start = o * stride - pad
  return (max(start, 0), min(start + size, limit))
}

// MARK: - Global pooling

/// y [n, C] = mean over the `pixels` positions of x [n, pixels, C]; with `mask` [n, pixels] (Keras's mask_zero on a
/// 1-D sequence) the mean of the unmasked positions only (0 when a sample has none, where Keras divides 0 by 0).
@inline(__always)
public func globalAveragePoolForward(
  _ x: UnsafePointer<Float>, count n: Int, pixels: Int, channels c: Int, output y: UnsafeMutablePointer<Float>,
  mask: UnsafePointer<Float>? = nil
) {
  for image in 0..<n {
    let out = y + image * c
    out.update(repeating: 0, count: c)
    for p in 0..<pixels where mask.map({ $0[image * pixels + p] != 0 }) ?? true {
      let pixel = x + (image * pixels + p) * c
      for ci in 0..<c { out[ci] += pixel[ci] }
    }
    let scale = 1 / averagedPositions(image, pixels: pixels, mask: mask)
    for ci in 0..<c { out[ci] *= scale }
  }
}

/// dx [n, pixels, C] = dy [n, C] / positions at every (unmasked) position, 0 at masked ones (overwrites dx).
@inline(__always)
public func globalAveragePoolBackward(
  _ dy: UnsafePointer<Float>, count n: Int, pixels: Int, channels c: Int, dx: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>? = nil
) {
  for image in 0..<n {
    let scale = 1 / averagedPositions(image, pixels: pixels, mask: mask)
    for p in 0..<pixels {
      let pixel = dx + (image * pixels + p) * c
      let kept = mask.map { $0[image * pixels + p] } ?? 1
      for ci in 0..<c { pixel[ci] = dy[image * c + ci] * scale * kept }
    }
  }
}

/// How many positions of sample `image` an average takes: all, or the unmasked ones (at least 1).
@inline(__always)
func averagedPositions(_ image: Int, pixels: Int, mask: UnsafePointer<Float>?) -> Float {
  guard let mask else { return Float(pixels) }
  var count: Float = 0
  for p in 0..<pixels { count += mask[image * pixels + p] }
  return max(count, 1)
}

/// y [n, C] = max over the `pixels` positions of x [n, pixels, C].
@inline(__always)
public func globalMaxPoolForward(_ x: UnsafePointer<Float>, count n: Int, pixels: Int, channels c: Int, output y: UnsafeMutablePointer<Float>) {
  for image in 0..<n {
    let out = y + image * c
    out.update(from: x + image * pixels * c, count: c)
    for p in 1..<max(pixels, 1) {
      let pixel = x + (image * pixels + p) * c
      for ci in 0..<c where pixel[ci] > out[ci] { out[ci] = pixel[ci] }
    }
  }
}

/// dx [n, pixels, C] = dy [n, C] at each channel's first maximum, zero elsewhere (overwrites dx).
@inline(__always)
public func globalMaxPoolBackward(
  _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, pixels: Int, channels c: Int, dx: UnsafeMutablePointer<Float>
) {
  dx.update(repeating: 0, count: n * pixels * c)
  for image in 0..<n {
    let base = x + image * pixels * c
    for ci in 0..<c {
      var best = ci
      for p in 1..<max(pixels, 1) where base[p * c + ci] > base[best] { best = p * c + ci }
      dx[image * pixels * c + best] = dy[image * c + ci]
    }
  }
}
