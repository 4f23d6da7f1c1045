// Metrics.swift: Keras's metrics as per-batch sums and counts (the trainer accumulates them over an epoch).


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

// MARK: - Mean metrics, top-k, confusion counts, AUC

/// Σ over rows of the mean over units of a loss's element values (Keras's mse, mae, mape, msle metrics).
public func meanMetricSum(_ loss: Loss, _ y: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int) -> Double {
  let eps = Double(kerasEpsilon)
  var sum = 0.0
  for r in 0..<rows {
    var s = 0.0
    for c in 0..<cols { s += elementLoss(loss, Double(y[r * cols + c]), Double(t[r * cols + c]), eps: eps).value }
    sum += s / Double(cols)
  }
  return sum
}

/// Rows whose true class (argmax of one-hot targets, or the label when `sparse`) is among the k highest
/// outputs: 1 + #{j : y_j > y_true} ≤ k, so ties count as hits (Keras's `in_top_k`).
public func topKHits(_ y: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int, k: Int, sparse: Bool) -> Double {
  var hits = 0
  for r in 0..<rows {
    let row = y + r * cols
    let label = sparse ? Int(t[r]) : argmax(t + r * cols, cols)
    var above = 0
    for j in 0..<cols where row[j] > row[label] { above += 1 }
    if above < k { hits += 1 }
  }
  return Double(hits)
}

/// True positives, false positives and false negatives over every output: predicted positive when y > threshold,
/// actually positive when t ≠ 0 (Keras's Precision and Recall).
public func confusionCounts(_ y: UnsafePointer<Float>, targets t: UnsafePointer<Float>, count: Int, threshold: Float = 0.5)
  -> (truePositives: Double, falsePositives: Double, falseNegatives: Double)
{
  var tp = 0, fp = 0, fn = 0
  for i in 0..<count {
    switch (y[i] > threshold, t[i] != 0) {
    case (true, true): tp += 1
    case (true, false): fp += 1
    case (false, true): fn += 1
    case (false, false): break
    }
  }
  return (Double(tp), Double(fp), Double(fn))
}

/// Keras AUC's bucketing: adds each output to the histogram of positives (t ≠ 0) or negatives at
/// bucket max(⌈clip(y, 0, 1)·(N − 1)⌉ − 1, 0); output i counts above threshold j exactly when its bucket ≥ j.
public func aucHistogram(
  _ y: UnsafePointer<Float>, targets t: UnsafePointer<Float>, count: Int, positives: inout [Double], negatives: inout [Double]
) {
  let n = positives.count
  for i in 0..<count {
    let p = min(max(y[i], 0), 1)
    let bucket = max(Int((p * Float(n - 1)).rounded(.up)) - 1, 0)
    if t[i] != 0 { positives[bucket] += 1 } else { negatives[bucket] += 1 }
  }
}

/// The ROC AUC of the histograms (`aucHistogram`), by Keras's interpolation: with tp_i, fp_i the counts at
/// or above threshold i, AUC = Σ (fpr_i − fpr_{i+1})·(tpr_i + tpr_{i+1})/2.
public func aucFromHistogram(positives: [Double], negatives: [Double]) -> Double {
  let n = positives.count
  let totalPositive = positives.reduce(0, +), totalNegative = negatives.reduce(0, +)
  var tpr = [Double](repeating: 0, count: n), fpr = [Double](repeating: 0, count: n)
  var tp = 0.0, fp = 0.0
  for i in stride(from: n - 1, through: 0, by: -1) {
    tp += positives[i]
    fp += negatives[i]
    tpr[i] = totalPositive > 0 ? tp / totalPositive : 0
    fpr[i] = totalNegative > 0 ? fp / totalNegative : 0
  }
  var area = 0.0
  for i in 0..<(n - 1) { area += (fpr[i] - fpr[i + 1]) * (tpr[i] + tpr[i + 1]) / 2 }
  return area
}
