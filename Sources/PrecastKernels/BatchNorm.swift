// BatchNorm.swift: Keras BatchNormalization over the last axis: batch statistics in training, moving ones in inference.

// x is viewed as [rows, C] (rows = batch · every axis but the last). gamma/beta are nil when the layer has
// scale=False / center=False. Training normalises with the batch mean and biased variance and moves the
// running statistics: moving = moving·momentum + batch·(1 − momentum) (Keras 3).

/// Inference: y = gamma·(x − movingMean)/√(movingVariance + ε) + beta.
@inline(__always)
public func batchNormInferenceForward(
  _ x: UnsafePointer<Float>, rows: Int, channels c: Int, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
  movingMean: UnsafePointer<Float>, movingVariance: UnsafePointer<Float>, epsilon: Float, output y: UnsafeMutablePointer<Float>,
  scratch: UnsafeMutablePointer<Float>
) {
  // scratch [2C]: per-channel multiplier and offset, so the row loop is one multiply-add.
  let multiplier = scratch, offset = scratch + c
  for ci in 0..<c {
    multiplier[ci] = (gamma?[ci] ?? 1) / (movingVariance[ci] + epsilon).squareRoot()
    offset[ci] = (beta?[ci] ?? 0) - movingMean[ci] * multiplier[ci]
  }
  for r in 0..<rows {
    let xr = x + r * c, yr = y + r * c
    for ci in 0..<c { yr[ci] = xr[ci] * multiplier[ci] + offset[ci] }
  }
}

/// Backward of `batchNormInferenceForward` (a frozen layer in a training step): dx = dy·gamma/√(moving_variance + ε);
/// dx may be dy. Gamma and beta of a frozen layer get no gradient.
@inline(__always)
public func batchNormInferenceBackward(
  _ dy: UnsafePointer<Float>, rows: Int, channels c: Int, gamma: UnsafePointer<Float>?, movingVariance: UnsafePointer<Float>,
  epsilon: Float, dx: UnsafeMutablePointer<Float>
) {
  for r in 0..<rows {
    let dyr = dy + r * c, dxr = dx + r * c
    for ci in 0..<c { dxr[ci] = dyr[ci] * (gamma?[ci] ?? 1) / (movingVariance[ci] + epsilon).squareRoot() }
  }
}

/// Training: y = gamma·x̂ + beta with x̂ = (x − mean)/√(var + ε) over the batch; keeps x̂ [rows, C] and
/// 1/√(var + ε) [C] for the backward pass and updates the moving statistics in place.
@inline(__always)
public func batchNormTrainingForward(
  _ x: UnsafePointer<Float>, rows: Int, channels c: Int, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
  movingMean: UnsafeMutablePointer<Float>, movingVariance: UnsafeMutablePointer<Float>, momentum: Float, epsilon: Float,
  normalized: UnsafeMutablePointer<Float>, inverseStd: UnsafeMutablePointer<Float>, output y: UnsafeMutablePointer<Float>,
  scratch: UnsafeMutablePointer<Float>
) {
  // scratch [2C]: the batch mean, then the batch variance (accumulated in float per row, Double per channel total).
  let mean = scratch, variance = scratch + c
  mean.update(repeating: 0, count: c)
  variance.update(repeating: 0, count: c)
  for r in 0..<rows {
    let xr = x + r * c
    for ci in 0..<c { mean[ci] += xr[ci] }
  }
  let scale = 1 / Float(max(rows, 1))
  for ci in 0..<c { mean[ci] *= scale }
  for r in 0..<rows {
    let xr = x + r * c
    for ci in 0..<c {
      let d = xr[ci] - mean[ci]
      variance[ci] += d * d
    }
  }
  for ci in 0..<c {
    variance[ci] *= scale
    inverseStd[ci] = 1 / (variance[ci] + epsilon).squareRoot()
    movingMean[ci] = movingMean[ci] * momentum + mean[ci] * (1 - momentum)
    movingVariance[ci] = movingVariance[ci] * momentum + variance[ci] * (1 - momentum)
  }
  for r in 0..<rows {
    let xr = x + r * c, nr = normalized + r * c, yr = y + r * c
    for ci in 0..<c {
      nr[ci] = (xr[ci] - mean[ci]) * inverseStd[ci]
      yr[ci] = nr[ci] * (gamma?[ci] ?? 1) + (beta?[ci] ?? 0)
    }
  }
}

/// Backward of training-mode batch normalisation given dy [rows, C]: accumulates dGamma += Σ dy·x̂ and
/// dBeta += Σ dy, and writes dx = gamma·invStd/N · (N·dy − Σdy − x̂·Σ(dy·x̂)) (dx may equal dy).
@inline(__always)
public func batchNormBackward(
  _ dy: UnsafePointer<Float>, rows: Int, channels c: Int, normalized: UnsafePointer<Float>, inverseStd: UnsafePointer<Float>,
  gamma: UnsafePointer<Float>?, dGamma: UnsafeMutablePointer<Float>?, dBeta: UnsafeMutablePointer<Float>?,
  dx: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>
) {
  // scratch [2C]: Σ dy and Σ dy·x̂ per channel.
  let sumDy = scratch, sumDyX = scratch + c
  sumDy.update(repeating: 0, count: c)
  sumDyX.update(repeating: 0, count: c)
  for r in 0..<rows {
    let dr = dy + r * c, nr = normalized + r * c
    for ci in 0..<c {
      sumDy[ci] += dr[ci]
      sumDyX[ci] += dr[ci] * nr[ci]
    }
  }
  if let dGamma { for ci in 0..<c { dGamma[ci] += sumDyX[ci] } }
  if let dBeta { for ci in 0..<c { dBeta[ci] += sumDy[ci] } }
  guard let dx else { return }
  let inverseRows = 1 / Float(max(rows, 1))
  for ci in 0..<c {
    sumDy[ci] *= inverseRows
    sumDyX[ci] *= inverseRows
  }
  for r in 0..<rows {
    let dr = dy + r * c, nr = normalized + r * c, xr = dx + r * c
    for ci in 0..<c {
      let g = (gamma?[ci] ?? 1) * inverseStd[ci]
      xr[ci] = g * (dr[ci] - sumDy[ci] - nr[ci] * sumDyX[ci])
    }
  }
}
