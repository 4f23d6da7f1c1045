// Metrics.swift: Keras's accuracy variants and MAE, as per-batch sums (the trainer averages over samples).


/// Σ over rows of the mean over units of [ (y > 0.5) == t ]  (Keras `binary_accuracy`).
public func binaryAccuracySum(_ y: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int) -> Double {
  var sum = 0.0
  for r in 0..<rows {
    var hits = 0
    for c in 0..<cols {
      let i = r * cols + c
      let predicted: Float = y[i] > 0.5 ? 1 : 0
      if predicted == t[i] { hits += 1 }
    }
    sum += Double(hits) / Double(cols)
  }
  return sum
}

/// Number of rows whose argmax(y) equals argmax(t) (Keras `categorical_accuracy`).
public func categoricalAccuracySum(_ y: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int) -> Double {
  var hits = 0
  for r in 0..<rows where argmax(y + r * cols, cols) == argmax(t + r * cols, cols) { hits += 1 }
  return Double(hits)
}

/// Number of rows whose argmax(y) equals the integer label (Keras `sparse_categorical_accuracy`).
public func sparseAccuracySum(_ y: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int, cols: Int) -> Double {
  var hits = 0
  for r in 0..<rows where argmax(y + r * cols, cols) == Int(labels[r]) { hits += 1 }
  return Double(hits)
}

/// Σ over rows of the mean over units of |y − t|.
public func absoluteErrorSum(_ y: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int) -> Double {
  var sum = 0.0
  for r in 0..<rows {
    var s = 0.0
    for c in 0..<cols { s += Double(abs(y[r * cols + c] - t[r * cols + c])) }
    sum += s / Double(cols)
  }
  return sum
}

/// Index of the first maximum (as numpy/Keras argmax).
@inline(__always)
public func argmax(_ v: UnsafePointer<Float>, _ count: Int) -> Int {
  var best = 0
  for i in 1..<max(count, 1) where v[i] > v[best] { best = i }
  return best
}
