// Conv2D.swift: 2-D convolution kernels (NHWC, Keras kernel [kh, kw, cin, cout]) lowered to im2col + sgemm.
import CBLAS

// A convolution of a chunk of images is one GEMM: the patches of every output pixel laid out as rows
// (`im2col`, [pixels, kh·kw·cin], in the kernel's own (ky, kx, ci) order) times the kernel viewed as
// [kh·kw·cin, cout]. The generator fixes the geometry and the chunk (images per GEMM) so the patch
// matrix stays a few MB; a 1×1, stride-1, unpadded convolution needs no patch matrix at all.

// MARK: - Forward

/// z [n, OH, OW, cout] = conv(x [n, H, W, cin], kernel) without bias (the caller fuses bias and activation).
/// `columns` holds at least `chunk · OH·OW · kh·kw·cin` floats.
@inline(__always)
public func conv2DForward(
  _ x: UnsafePointer<Float>, count n: Int, _ g: Window2D, filters: Int, kernel: UnsafePointer<Float>,
  columns: UnsafeMutablePointer<Float>, chunk: Int, output z: UnsafeMutablePointer<Float>
) {
  let pixels = g.outputPixels
  var first = 0
  while first < n {
    let images = min(chunk, n - first)
    let input = x + first * g.inputSize
    var patches = input
    if !g.isPointwise {
      im2col(input, images: images, g, columns: columns)
      patches = UnsafePointer(columns)
    }
    // z [images·OH·OW, cout] = patches [images·OH·OW, K] · kernel [K, cout]
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(images * pixels), Int32(filters), Int32(g.patchSize),
      1, patches, Int32(g.patchSize), kernel, Int32(filters), 0, z + first * pixels * filters, Int32(filters))
    first += images
  }
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
  let pixels = g.outputPixels, k = g.patchSize
  if let dBias { sumRows(dz, rows: n * pixels, cols: filters, into: dBias) }
  var first = 0
  while first < n {
    let images = min(chunk, n - first)
    let rows = images * pixels
    let input = x + first * g.inputSize
    let dzChunk = dz + first * pixels * filters
    var patches = input
    if !g.isPointwise {
      im2col(input, images: images, g, columns: columns)
      patches = UnsafePointer(columns)
    }
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
    first += images
  }
}

// MARK: - Patch matrices

/// columns [images·OH·OW, kh·kw·cin] = the (zero-padded) patch under every output pixel.
@inline(__always)
public func im2col(_ x: UnsafePointer<Float>, images: Int, _ g: Window2D, columns: UnsafeMutablePointer<Float>) {
  let c = g.channels, rowWidth = g.kernelWidth * c
  var out = columns
  for image in 0..<images {
    let base = x + image * g.inputSize
    for oy in 0..<g.outputHeight {
      for ox in 0..<g.outputWidth {
        let x0 = ox * g.strideX - g.padLeft
        for ky in 0..<g.kernelHeight {
          let iy = oy * g.strideY - g.padTop + ky
          if iy < 0 || iy >= g.inputHeight {
            out.update(repeating: 0, count: rowWidth)
          } else if x0 >= 0 && x0 + g.kernelWidth <= g.inputWidth {
            out.update(from: base + (iy * g.inputWidth + x0) * c, count: rowWidth)  // the whole row is inside
          } else {
            for kx in 0..<g.kernelWidth {
              let ix = x0 + kx
              if ix < 0 || ix >= g.inputWidth {
                (out + kx * c).update(repeating: 0, count: c)
              } else {
                (out + kx * c).update(from: base + (iy * g.inputWidth + ix) * c, count: c)
              }
            }
          }
          out += rowWidth
        }
      }
    }
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
          let iy = oy * g.strideY - g.padTop + ky
          if iy >= 0 && iy < g.inputHeight {
            for kx in 0..<g.kernelWidth {
              let ix = x0 + kx
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
              let iy = oy * g.strideY - g.padTop + ky, ix = ox * g.strideX - g.padLeft + kx
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
