// Losses.swift: Keras's losses as batch means, each writing the gradient of that mean.
import Glibc

// Conventions: `rows` samples of `cols` outputs, row-major. Each function returns the mean loss of the
// batch (Keras's "sum_over_batch_size" reduction) and writes ∂(mean loss)/∂(its input) into `grad`.
// With `weights` (Keras's sample_weight / class_weight, one per row) the loss is Σ wᵢ·lᵢ / rows and row i's gradient
// is scaled by wᵢ (`weightedRows`: each row computed alone).
// Crossentropy after a sigmoid/softmax output is computed from the logits, as Keras does
// (see shared/notes/keras-training.md): no clipping, log-sum-exp for stability.


// MARK: - Crossentropy fused with its output activation (gradient w.r.t. the logits)

/// Sigmoid + binary crossentropy from logits z: mean of max(z,0) − z·t + log(1 + e^−|z|); dz = (σ(z) − t)/(rows·cols).
public func sigmoidBinaryCrossentropy(
  logits z: UnsafePointer<Float>, probabilities p: UnsafePointer<Float>, targets t: UnsafePointer<Float>,
  rows: Int, cols: Int, grad dz: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  if let w {
    return weightedRows(w, rows: rows, width: cols, grad: dz) { r in
      sigmoidBinaryCrossentropy(logits: z + r * cols, probabilities: p + r * cols, targets: t + r * cols,
        rows: 1, cols: cols, grad: dz + r * cols)
    }
  }
  let count = rows * cols
  let scale = 1 / Float(count)
  var sum = 0.0
  for i in 0..<count {
    let l = max(z[i], 0) - z[i] * t[i] + log1pf(expf(-abs(z[i])))
    sum += Double(l)
    dz[i] = (p[i] - t[i]) * scale
  }
  return sum / Double(count)
}

/// Keras's `from_logits=True` binary crossentropy of a linear output: σ(z) goes into `grad` first, which the fused
/// kernel then overwrites element by element with the gradient.
public func binaryCrossentropyFromLogits(
  logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int, grad dz: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  activate(z, rows: rows, cols: cols, .sigmoid, output: dz)
  return sigmoidBinaryCrossentropy(logits: z, probabilities: dz, targets: t, rows: rows, cols: cols, grad: dz, weights: w)
}

/// Keras's `from_logits=True` categorical crossentropy (softmax into `grad` first, as above).
public func categoricalCrossentropyFromLogits(
  logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int, grad dz: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  activate(z, rows: rows, cols: cols, .softmax, output: dz)
  return softmaxCategoricalCrossentropy(logits: z, probabilities: dz, targets: t, rows: rows, cols: cols, grad: dz, weights: w)
}

/// Keras's `from_logits=True` sparse categorical crossentropy (softmax into `grad` first, as above).
public func sparseCategoricalCrossentropyFromLogits(
  logits z: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int, cols: Int, grad dz: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  activate(z, rows: rows, cols: cols, .softmax, output: dz)
  return softmaxSparseCategoricalCrossentropy(logits: z, probabilities: dz, labels: labels, rows: rows, cols: cols, grad: dz, weights: w)
}

/// Softmax + categorical crossentropy from logits, one-hot (or soft) targets [rows, cols]:
/// mean over rows of Σ_c t_c·(logΣe^z − z_c); dz = (p·Σt − t)/rows.
public func softmaxCategoricalCrossentropy(
  logits z: UnsafePointer<Float>, probabilities p: UnsafePointer<Float>, targets t: UnsafePointer<Float>,
  rows: Int, cols: Int, grad dz: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  if let w {
    return weightedRows(w, rows: rows, width: cols, grad: dz) { r in
      softmaxCategoricalCrossentropy(logits: z + r * cols, probabilities: p + r * cols, targets: t + r * cols,
        rows: 1, cols: cols, grad: dz + r * cols)
    }
  }
  let scale = 1 / Float(rows)
  var sum = 0.0
  for r in 0..<rows {
    let zr = z + r * cols, pr = p + r * cols, tr = t + r * cols, gr = dz + r * cols
    let lse = logSumExp(zr, cols: cols)
    var tsum: Float = 0
    for c in 0..<cols {
      sum += Double(tr[c] * (lse - zr[c]))
      tsum += tr[c]
    }
    for c in 0..<cols { gr[c] = (pr[c] * tsum - tr[c]) * scale }
  }
  return sum / Double(rows)
}

/// Softmax + sparse categorical crossentropy: integer labels [rows] (stored as floats).
public func softmaxSparseCategoricalCrossentropy(
  logits z: UnsafePointer<Float>, probabilities p: UnsafePointer<Float>, labels: UnsafePointer<Float>,
  rows: Int, cols: Int, grad dz: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  if let w {
    return weightedRows(w, rows: rows, width: cols, grad: dz) { r in
      softmaxSparseCategoricalCrossentropy(logits: z + r * cols, probabilities: p + r * cols, labels: labels + r,
        rows: 1, cols: cols, grad: dz + r * cols)
    }
  }
  let scale = 1 / Float(rows)
  var sum = 0.0
  for r in 0..<rows {
    let zr = z + r * cols, pr = p + r * cols, gr = dz + r * cols
    let label = Int(labels[r])
    sum += Double(logSumExp(zr, cols: cols) - zr[label])
    for c in 0..<cols { gr[c] = pr[c] * scale }
    gr[label] -= scale
  }
  return sum / Double(rows)
}

/// Keras's sample weights on a batch-mean loss: Σ wᵢ·lᵢ / rows, where `row(i)` computes row i's loss alone (and its
/// gradient into row i of `grad`, `width` floats), which is then scaled by wᵢ/rows.
@inline(__always)
func weightedRows(
  _ w: UnsafePointer<Float>, rows: Int, width: Int, grad: UnsafeMutablePointer<Float>, _ row: (Int) -> Double
) -> Double {
  var total = 0.0
  for r in 0..<rows {
    let scale = w[r] / Float(rows)
    total += Double(scale) * row(r)
    for c in 0..<width { grad[r * width + c] *= scale }
  }
  return total
}

@inline(__always)
func logSumExp(_ z: UnsafePointer<Float>, cols: Int) -> Float {
  var m = z[0]
  for c in 1..<max(cols, 1) where z[c] > m { m = z[c] }
  var s: Float = 0
  for c in 0..<cols { s += expf(z[c] - m) }
  return m + logf(s)
}

// MARK: - Crossentropy on probabilities (output not a sigmoid/softmax: Keras clips to [ε, 1−ε])

/// Binary crossentropy of probabilities p: mean of −(t·log p + (1−t)·log(1−p)), p clipped to [ε, 1−ε].
public func binaryCrossentropy(
  probabilities p: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int,
  grad dp: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  if let w {
    return weightedRows(w, rows: rows, width: cols, grad: dp) { r in
      binaryCrossentropy(probabilities: p + r * cols, targets: t + r * cols,
        rows: 1, cols: cols, grad: dp + r * cols)
    }
  }
  let count = rows * cols
  let scale = 1 / Float(count)
  var sum = 0.0
  for i in 0..<count {
    let q = min(max(p[i], kerasEpsilon), 1 - kerasEpsilon)
    sum -= Double(t[i] * logf(q) + (1 - t[i]) * logf(1 - q))
    let clipped = p[i] < kerasEpsilon || p[i] > 1 - kerasEpsilon
    dp[i] = clipped ? 0 : (q - t[i]) / (q * (1 - q)) * scale
  }
  return sum / Double(count)
}

/// Categorical crossentropy of (unnormalised) probabilities, Keras style: q = p/Σp clipped to [ε, 1−ε],
/// loss = −Σ t·log q. Gradient: g_c = −t_c/q_c (0 where clipped), ∂L/∂p_j = (g_j − Σ_c g_c·q_c)/Σp.
public func categoricalCrossentropy(
  probabilities p: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int,
  grad dp: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  if let w {
    return weightedRows(w, rows: rows, width: cols, grad: dp) { r in
      categoricalCrossentropy(probabilities: p + r * cols, targets: t + r * cols,
        rows: 1, cols: cols, grad: dp + r * cols)
    }
  }
  let scale = 1 / Float(rows)
  var sum = 0.0
  for r in 0..<rows {
    let pr = p + r * cols, tr = t + r * cols, gr = dp + r * cols
    var s: Float = 0
    for c in 0..<cols { s += pr[c] }
    var dot: Float = 0
    for c in 0..<cols {
      let q = pr[c] / s
      let qc = min(max(q, kerasEpsilon), 1 - kerasEpsilon)
      sum -= Double(tr[c] * logf(qc))
      let g: Float = (q < kerasEpsilon || q > 1 - kerasEpsilon) ? 0 : -tr[c] / q
      gr[c] = g
      dot += g * q
    }
    for c in 0..<cols { gr[c] = (gr[c] - dot) / s * scale }
  }
  return sum / Double(rows)
}

/// Sparse categorical crossentropy of probabilities: as `categoricalCrossentropy` with one-hot labels.
public func sparseCategoricalCrossentropy(
  probabilities p: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int, cols: Int,
  grad dp: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  if let w {
    return weightedRows(w, rows: rows, width: cols, grad: dp) { r in
      sparseCategoricalCrossentropy(probabilities: p + r * cols, labels: labels + r,
        rows: 1, cols: cols, grad: dp + r * cols)
    }
  }
  var onehot = [Float](repeating: 0, count: cols)
  var sum = 0.0
  for r in 0..<rows {
    let label = Int(labels[r])
    onehot[label] = 1
    sum += onehot.withUnsafeBufferPointer {
      categoricalCrossentropy(
        probabilities: p + r * cols, targets: $0.baseAddress!, rows: 1, cols: cols, grad: dp + r * cols)
    }
    onehot[label] = 0
    for c in 0..<cols { dp[r * cols + c] /= Float(rows) }
  }
  return sum / Double(rows)
}

// MARK: - Regression

/// Mean squared error: mean of (y − t)²; dy = 2(y − t)/(rows·cols).
public func meanSquaredError(
  predictions y: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int,
  grad dy: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  if let w {
    return weightedRows(w, rows: rows, width: cols, grad: dy) { r in
      meanSquaredError(predictions: y + r * cols, targets: t + r * cols,
        rows: 1, cols: cols, grad: dy + r * cols)
    }
  }
  let count = rows * cols
  let scale = 2 / Float(count)
  var sum = 0.0
  for i in 0..<count {
    let d = y[i] - t[i]
    sum += Double(d * d)
    dy[i] = d * scale
  }
  return sum / Double(count)
}

/// Mean absolute error: mean of |y − t|; dy = sign(y − t)/(rows·cols), 0 where y == t.
public func meanAbsoluteError(
  predictions y: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int,
  grad dy: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  if let w {
    return weightedRows(w, rows: rows, width: cols, grad: dy) { r in
      meanAbsoluteError(predictions: y + r * cols, targets: t + r * cols,
        rows: 1, cols: cols, grad: dy + r * cols)
    }
  }
  let count = rows * cols
  let scale = 1 / Float(count)
  var sum = 0.0
  for i in 0..<count {
    let d = y[i] - t[i]
    sum += Double(abs(d))
    dy[i] = d > 0 ? scale : (d < 0 ? -scale : 0)
  }
  return sum / Double(count)
}

// MARK: - The other Keras losses

/// Keras's regression, hinge and distribution losses over predictions p and targets t [rows, cols]: the loss
/// (Keras's default reduction: per-sample values averaged over the batch) and dp = ∂loss/∂p. Per-sample values
/// are the mean over the last axis, except KL divergence (a sum) and cosine similarity (a dot product of the
/// normalised rows). Formulas: Docs/keras-formulas.md §2.
public func elementwiseLoss(
  _ loss: Loss, predictions p: UnsafePointer<Float>, targets t: UnsafePointer<Float>, rows: Int, cols: Int,
  grad dp: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>? = nil
) -> Double {
  if let w {
    return weightedRows(w, rows: rows, width: cols, grad: dp) { r in
      elementwiseLoss(loss, predictions: p + r * cols, targets: t + r * cols,
        rows: 1, cols: cols, grad: dp + r * cols)
    }
  }
  let count = rows * cols, eps = Double(kerasEpsilon)
  let perElement = 1 / Double(count), perRow = 1 / Double(max(rows, 1))
  var sum = 0.0
  switch loss {
  case .cosineSimilarity:
    for r in 0..<rows {
      let pr = p + r * cols, tr = t + r * cols, g = dp + r * cols
      var pp = 0.0, tt = 0.0, pt = 0.0
      for c in 0..<cols {
        pp += Double(pr[c]) * Double(pr[c])
        tt += Double(tr[c]) * Double(tr[c])
        pt += Double(pr[c]) * Double(tr[c])
      }
      let np = max(pp.squareRoot(), eps), nt = max(tt.squareRoot(), eps)
      let cosine = pt / (np * nt)
      sum -= cosine
      // ∂(−p·t̂/‖p‖)/∂p = −(t̂ − cos·p/‖p‖)/‖p‖ while ‖p‖ > ε (the normalisation is constant below it).
      let along = pp.squareRoot() > eps ? cosine / np : 0
      for c in 0..<cols { g[c] = Float(-(Double(tr[c]) / nt - along * Double(pr[c])) / np * perRow) }
    }
    return sum * perRow
  case .kullbackLeiblerDivergence:
    for i in 0..<count {
      let tc = min(max(Double(t[i]), eps), 1), raw = Double(p[i]), pc = min(max(raw, eps), 1)
      sum += tc * log(tc / pc)
      dp[i] = raw > eps && raw < 1 ? Float(-tc / pc * perRow) : 0
    }
    return sum * perRow
  case .hinge, .squaredHinge:
    var binary = true
    for i in 0..<count where t[i] != 0 && t[i] != 1 { binary = false }
    for i in 0..<count {
      let label = binary ? 2 * Double(t[i]) - 1 : Double(t[i])
      let margin = max(1 - label * Double(p[i]), 0)
      if loss == .hinge {
        sum += margin
        dp[i] = margin > 0 ? Float(-label * perElement) : 0
      } else {
        sum += margin * margin
        dp[i] = Float(-2 * margin * label * perElement)
      }
    }
    return sum * perElement
  default:
    for i in 0..<count {
      let (value, slope) = elementLoss(loss, Double(p[i]), Double(t[i]), eps: eps)
      sum += value
      dp[i] = Float(slope * perElement)
    }
    return sum * perElement
  }
}

/// One element's loss and its derivative with respect to the prediction.
@inline(__always)
func elementLoss(_ loss: Loss, _ p: Double, _ t: Double, eps: Double) -> (value: Double, slope: Double) {
  let e = p - t
  switch loss {
  case .meanSquaredError:
    return (e * e, 2 * e)
  case .meanAbsoluteError:
    return (abs(e), e > 0 ? 1 : (e < 0 ? -1 : 0))
  case .meanAbsolutePercentageError:
    let scale = 100 / max(abs(t), eps)
    return (abs(e) * scale, (e > 0 ? 1 : (e < 0 ? -1 : 0)) * scale)
  case .meanSquaredLogarithmicError:
    let d = log(max(p, eps) + 1) - log(max(t, eps) + 1)
    return (d * d, p > eps ? 2 * d / (p + 1) : 0)
  case .huber:
    return abs(e) <= 1 ? (0.5 * e * e, e) : (abs(e) - 0.5, e > 0 ? 1 : -1)
  case .logCosh:
    // x + softplus(−2x) − log 2, computed stably; its derivative is tanh(x).
    let softplus = max(-2 * e, 0) + log1p(exp(-abs(2 * e)))
    return (e + softplus - log(2.0), tanh(e))
  case .poisson:
    return (p - t * log(p + eps), 1 - t / (p + eps))
  default:
    preconditionFailure("\(loss) is not an element-wise loss")
  }
}

// MARK: - Activity regularization

/// Keras's activity regularizer on a layer's output y (`count` values over `batch` samples): reg(y)/batch joins
/// the loss; with `gradient` (∂loss/∂y), reg′(y)/batch is added to it.
public func activityPenalty(
  _ y: UnsafePointer<Float>, count: Int, _ regularizer: Regularizer, batch: Int, gradient: UnsafeMutablePointer<Float>? = nil
) -> Double {
  regularizer.penalty(y, count: count, scale: 1 / Float(batch), gradient: gradient) / Double(batch)
}
