// Embedding.swift: Keras's Embedding lookup (forward) and its scatter-add gradient (backward).

/// y [n, steps, dim] = table[x[n, steps]]: each integer input (stored as a float) selects a row of the table
/// [inputDim, dim]. An index outside 0..<inputDim reads zeros (Keras raises; the data loader cannot know the range).
@inline(__always)
public func embeddingForward(
  _ x: UnsafePointer<Float>, count n: Int, steps: Int, inputDim: Int, outputDim dim: Int,
  table: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>
) {
  for i in 0..<(n * steps) {
    let row = y + i * dim
    if let index = embeddingIndex(x[i], inputDim) {
      row.update(from: table + index * dim, count: dim)
    } else {
      row.update(repeating: 0, count: dim)
    }
  }
}

/// dTable [inputDim, dim] += Σ over positions of dy [n, steps, dim] into each position's row (repeated indices add up).
@inline(__always)
public func embeddingBackward(
  _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int, steps: Int, inputDim: Int, outputDim dim: Int,
  dTable: UnsafeMutablePointer<Float>
) {
  for i in 0..<(n * steps) {
    guard let index = embeddingIndex(x[i], inputDim) else { continue }
    update8(dTable + index * dim, dy + i * dim, count: dim) { $0 + $1 }
  }
}

/// The row an input selects, or nil outside the table (or for a non-integer value).
@inline(__always)
func embeddingIndex(_ value: Float, _ inputDim: Int) -> Int? {
  guard value >= 0, value < Float(inputDim), value == value.rounded(.down) else { return nil }
  return Int(value)
}

// MARK: - Time reversal (go_backwards)

/// y [n, T, width] = x with each sequence's steps in reverse order (in place when y == x).
@inline(__always)
public func reverseSteps(_ x: UnsafePointer<Float>, count n: Int, steps T: Int, width: Int, output y: UnsafeMutablePointer<Float>) {
  for s in 0..<n {
    let a = x + s * T * width, b = y + s * T * width
    if UnsafePointer(b) == a {
      for t in 0..<(T / 2) {
        for k in 0..<width { (b[t * width + k], b[(T - 1 - t) * width + k]) = (b[(T - 1 - t) * width + k], b[t * width + k]) }
      }
    } else {
      for t in 0..<T { (b + (T - 1 - t) * width).update(from: a + t * width, count: width) }
    }
  }
}
