// SmallGemm.swift: C += A·B for the recurrent layers' step products ([batch part, u]·[u, g·u] with u = 32, say),
// register-tiled in SIMD8. OpenBLAS reaches ~25 GFLOP/s per core on such shapes (its set-up and packing are
// paid again at every one of the 100 steps); these loops keep a 2 × 32 block of C in registers and stream B.

/// C [m, n] += A [m, k] · B [k, n] (row-major, row strides lda, ldb, ldc). Any sizes; fastest when n is a multiple of 32.
@inline(__always)
public func smallGemm(
  m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
  _ c: UnsafeMutablePointer<Float>, ldc: Int
) {
  var j = 0
  while j + 32 <= n {
    var r = 0
    while r + 2 <= m {
      let a0 = a + r * lda, a1 = a0 + lda
      var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c02 = SIMD8<Float>(), c03 = SIMD8<Float>()
      var c10 = SIMD8<Float>(), c11 = SIMD8<Float>(), c12 = SIMD8<Float>(), c13 = SIMD8<Float>()
      var row = b + j
      for p in 0..<k {
        let b0 = load8(row), b1 = load8(row + 8), b2 = load8(row + 16), b3 = load8(row + 24)
        let x0 = SIMD8<Float>(repeating: a0[p]), x1 = SIMD8<Float>(repeating: a1[p])
        c00 += x0 * b0
        c01 += x0 * b1
        c02 += x0 * b2
        c03 += x0 * b3
        c10 += x1 * b0
        c11 += x1 * b1
        c12 += x1 * b2
        c13 += x1 * b3
        row += ldb
      }
      let y0 = c + r * ldc + j, y1 = y0 + ldc
      store8(load8(y0) + c00, y0)
      store8(load8(y0 + 8) + c01, y0 + 8)
      store8(load8(y0 + 16) + c02, y0 + 16)
      store8(load8(y0 + 24) + c03, y0 + 24)
      store8(load8(y1) + c10, y1)
      store8(load8(y1 + 8) + c11, y1 + 8)
      store8(load8(y1 + 16) + c12, y1 + 16)
      store8(load8(y1 + 24) + c13, y1 + 24)
      r += 2
    }
    if r < m { smallGemmColumns(rows: r..<m, columns: j..<(j + 32), k: k, a, lda: lda, b, ldb: ldb, c, ldc: ldc) }
    j += 32
  }
  if j < n { smallGemmColumns(rows: 0..<m, columns: j..<n, k: k, a, lda: lda, b, ldb: ldb, c, ldc: ldc) }
}

/// The edges of `smallGemm`: one row at a time, 8 columns (then 1) at a time.
@inline(__always)
func smallGemmColumns(
  rows: Range<Int>, columns: Range<Int>, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
  _ c: UnsafeMutablePointer<Float>, ldc: Int
) {
  for r in rows {
    let x = a + r * lda, y = c + r * ldc
    var j = columns.lowerBound
    while j + 8 <= columns.upperBound {
      var sum = SIMD8<Float>()
      for p in 0..<k { sum += SIMD8<Float>(repeating: x[p]) * load8(b + p * ldb + j) }
      store8(load8(y + j) + sum, y + j)
      j += 8
    }
    while j < columns.upperBound {
      var sum: Float = 0
      for p in 0..<k { sum += x[p] * b[p * ldb + j] }
      y[j] += sum
      j += 1
    }
  }
}

/// bᵀ [cols, rows] of b [rows, cols] (row-major), for `smallGemm` against a transposed matrix.
@inline(__always)
func transpose(_ b: UnsafePointer<Float>, rows: Int, cols: Int, into t: UnsafeMutablePointer<Float>) {
  for r in 0..<rows {
    for col in 0..<cols { t[col * rows + r] = b[r * cols + col] }
  }
}

/// C += A·B in Double, for tests.
public func smallGemmNaive(m: Int, n: Int, k: Int, _ a: [Float], lda: Int, _ b: [Float], ldb: Int, _ c: inout [Float], ldc: Int) {
  for r in 0..<m {
    for j in 0..<n {
      var sum = Double(c[r * ldc + j])
      for p in 0..<k { sum += Double(a[r * lda + p]) * Double(b[p * ldb + j]) }
      c[r * ldc + j] = Float(sum)
    }
  }
}
