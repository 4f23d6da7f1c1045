// Inference.swift: batched prediction over a data array, and printing outputs as CSV or classes.

extension CompiledModel {
  /// Predicts every row of x [n, inputSize] in batches of at most `maxBatch`; returns [n, outputSize].
  public func predictAll(_ x: DataArray) -> DataArray {
    let info = Self.info
    var out = [Float](repeating: 0, count: x.count * info.outputSize)
    x.values.withUnsafeBufferPointer { xs in
      var lo = 0
      while lo < x.count {
        let n = min(maxBatch, x.count - lo)
        let y = predict(xs.baseAddress! + lo * info.inputSize, count: n)
        for i in 0..<(n * info.outputSize) { out[lo * info.outputSize + i] = y[i] }
        lo += n
      }
    }
    return DataArray(shape: [x.count, info.outputSize], values: out)
  }
}

/// The class Keras users read off an output row: threshold 0.5 for one sigmoid unit, argmax otherwise.
public func predictedClass(_ row: UnsafePointer<Float>, count: Int) -> Int {
  count == 1 ? (row[0] > 0.5 ? 1 : 0) : argmax(row, count)
}

/// One CSV line per sample: the outputs (shortest round-trip decimal) or the class: its name when the weights carry
/// `names` (text labels), else its index.
public func formatPredictions(_ y: DataArray, classes: Bool, names: [String]?) -> String {
  let cols = y.sampleSize
  var text = ""
  text.reserveCapacity(y.count * (classes ? 3 : cols * 12))
  y.values.withUnsafeBufferPointer { v in
    for r in 0..<y.count {
      let row = v.baseAddress! + r * cols
      if classes {
        let k = predictedClass(row, count: cols)
        if let names, k < names.count { text += names[k] } else { text += String(k) }
      } else {
        for c in 0..<cols {
          if c > 0 { text += "," }
          text += "\(row[c])"
        }
      }
      text += "\n"
    }
  }
  return text
}
