// Preprocessing.swift: feature standardization and one-hot encoding of class labels.

// MARK: - Standardizer

/// Per-feature z-score statistics (Keras/sklearn StandardScaler semantics: population std;
/// a zero std is treated as 1).
public struct Standardizer: Sendable, Equatable {
  /// The mean of each feature.
  public var mean: [Float]
  /// The population standard deviation of each feature (1 where it is zero).
  public var std: [Float]

  /// Creates a standardizer from known statistics.
  public init(mean: [Float], std: [Float]) {
    self.mean = mean
    self.std = std
  }

  /// Fits on rows of a 2-D (or N-D, flattened per sample) array, accumulating in Double.
  ///
  /// A feature whose values are all equal (or an empty array) gets std 1, so ``apply(to:)`` only centers it.
  public static func fit(_ x: DataArray) -> Standardizer {
    let features = x.sampleSize
    let rows = features == 0 ? 0 : min(x.count, x.values.count / features)
    let mean = featureMeans(x.values, rows: rows, features: features)
    let std = featureStds(x.values, rows: rows, features: features, mean: mean)
    return Standardizer(mean: mean.map { Float($0) }, std: std)
  }

  /// Replaces each value `v` of feature `j` with `(v - mean[j]) / std[j]`.
  ///
  /// `x.sampleSize` must equal `mean.count` and `std.count`; otherwise `x` is left unchanged.
  public func apply(to x: inout DataArray) {
    let features = mean.count
    guard features > 0, std.count == features, x.sampleSize == features else { return }
    let scale = std.map { $0 == 0 ? Float(1) : $0 }
    mean.withUnsafeBufferPointer { mean in
      scale.withUnsafeBufferPointer { scale in
        x.values.withUnsafeMutableBufferPointer { values in
          for rowStart in stride(from: 0, to: values.count - features + 1, by: features) {
            for feature in 0..<features {
              values[rowStart + feature] = (values[rowStart + feature] - mean[feature]) / scale[feature]
            }
          }
        }
      }
    }
  }

  // MARK: Statistics

  /// Column means in Double.
  private static func featureMeans(_ values: [Float], rows: Int, features: Int) -> [Double] {
    var sums = [Double](repeating: 0, count: features)
    for row in 0..<rows {
      for feature in 0..<features { sums[feature] += Double(values[row * features + feature]) }
    }
    return sums.map { rows == 0 ? 0 : $0 / Double(rows) }
  }

  /// Column population standard deviations (two-pass, in Double); constant columns get 1.
  private static func featureStds(_ values: [Float], rows: Int, features: Int, mean: [Double]) -> [Float] {
    var squares = [Double](repeating: 0, count: features)
    var constant = [Bool](repeating: true, count: features)
    for row in 0..<rows {
      for feature in 0..<features {
        let value = values[row * features + feature]
        let deviation = Double(value) - mean[feature]
        squares[feature] += deviation * deviation
        if value != values[feature] { constant[feature] = false }
      }
    }
    return (0..<features).map { feature in
      let std = rows == 0 ? 0 : (squares[feature] / Double(rows)).squareRoot()
      return constant[feature] || std == 0 ? 1 : Float(std)
    }
  }
}

// MARK: - One-hot encoding

/// One-hot encoding of integer class labels (values must be whole numbers in `0..<classes`).
///
/// `labels` holds one label per sample (shape `[n]` or `[n, 1]`); the result has shape `[n, classes]`.
/// - Throws: ``DataError`` such as `label 11 at row 5 is outside 0..<10` (rows are counted from 0).
public func oneHot(_ labels: DataArray, classes: Int) throws(DataError) -> DataArray {
  guard classes > 0 else { throw DataError(file: nil, "the number of classes must be positive, got \(classes)") }
  guard labels.sampleSize == 1, labels.values.count == labels.count || labels.shape.isEmpty else {
    throw DataError(file: nil, "labels must hold one value per sample, got shape \(formatShape(labels.shape))")
  }
  let (total, overflow) = labels.values.count.multipliedReportingOverflow(by: classes)
  guard !overflow else { throw DataError(file: nil, "one-hot result for \(labels.values.count) labels is too large") }
  var result = [Float](repeating: 0, count: total)
  for (row, label) in labels.values.enumerated() {
    guard label.isFinite, label == label.rounded() else {
      throw DataError(file: nil, "label \(label) at row \(row) is not a whole number")
    }
    guard label >= 0, label < Float(classes) else {
      throw DataError(file: nil, "label \(formatLabel(label)) at row \(row) is outside 0..<\(classes)")
    }
    result[row * classes + Int(label)] = 1
  }
  return DataArray(shape: [labels.values.count, classes], values: result)
}

/// A whole-number label without a fractional part (`11`, not `11.0`).
private func formatLabel(_ label: Float) -> String {
  abs(label) < 1e15 ? String(Int64(label)) : "\(label)"
}
