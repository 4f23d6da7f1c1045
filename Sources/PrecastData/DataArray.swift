// DataArray.swift: a dense float32 array in C order, with row and column slicing.

// MARK: - DataArray

/// A dense float32 array in C (row-major) order; the first dimension is the sample dimension.
///
/// `values.count` is expected to equal the product of `shape` (1 for a scalar).
public struct DataArray: Sendable, Equatable {
  /// The dimensions, outermost first.
  public var shape: [Int]
  /// The elements in row-major order.
  public var values: [Float]

  /// Creates an array from a shape and its row-major values.
  public init(shape: [Int], values: [Float]) {
    self.shape = shape
    self.values = values
  }

  /// The number of samples (`shape[0]`), or 0 for a scalar.
  public var count: Int { shape.first ?? 0 }

  /// The number of elements per sample: the product of `shape[1...]` (1 for a 1-D array;
  /// 0 if a trailing dimension is negative or the product overflows).
  public var sampleSize: Int { checkedProduct(Array(shape.dropFirst())) ?? 0 }
}

// MARK: - Slicing

extension DataArray {
  /// Rows `[start, start+n)` as a new array (same trailing shape).
  ///
  /// The range is clamped to the rows that exist, so an out-of-range request yields fewer (or zero) rows.
  public func rows(_ range: Range<Int>) -> DataArray {
    guard !shape.isEmpty else { return DataArray(shape: [0], values: []) }
    let rows = clamp(range, to: count)
    let size = sampleSize
    let start = min(rows.lowerBound * size, values.count)
    let end = min(rows.upperBound * size, values.count)
    return DataArray(shape: [rows.count] + shape.dropFirst(), values: Array(values[start..<end]))
  }

  /// Columns of a 2-D array (used to split features and targets).
  ///
  /// Arrays with more dimensions are treated as `[count, sampleSize]`. The range is clamped to the
  /// columns that exist. The result has shape `[count, range.count]`.
  public func columns(_ range: Range<Int>) -> DataArray {
    let width = sampleSize
    let cols = clamp(range, to: width)
    let rowCount = width == 0 ? count : min(count, values.count / width)
    var result = [Float]()
    result.reserveCapacity(rowCount * cols.count)
    for row in 0..<rowCount {
      let base = row * width
      result.append(contentsOf: values[(base + cols.lowerBound)..<(base + cols.upperBound)])
    }
    return DataArray(shape: [rowCount, cols.count], values: result)
  }

  /// `range` limited to `0..<limit`.
  private func clamp(_ range: Range<Int>, to limit: Int) -> Range<Int> {
    let lower = max(0, min(range.lowerBound, limit))
    let upper = max(lower, min(range.upperBound, limit))
    return lower..<upper
  }
}

// MARK: - ByteArray

/// A dense array of bytes in C order (an 8-bit image file's pixels), kept compact: a dataset of them takes
/// a quarter of the memory of floats and is converted a batch at a time.
public struct ByteArray: Sendable, Equatable {
  /// The dimensions, outermost first.
  public var shape: [Int]
  /// The elements in row-major order.
  public var values: [UInt8]

  public init(shape: [Int], values: [UInt8]) {
    self.shape = shape
    self.values = values
  }

  /// The number of samples (`shape[0]`), or 0 for a scalar.
  public var count: Int { shape.first ?? 0 }

  /// The number of elements per sample.
  public var sampleSize: Int { checkedProduct(Array(shape.dropFirst())) ?? 0 }

  /// Rows `[start, start+n)` as a new array (clamped to the rows that exist).
  public func rows(_ range: Range<Int>) -> ByteArray {
    let lower = max(0, min(range.lowerBound, count)), upper = max(lower, min(range.upperBound, count))
    return ByteArray(shape: [upper - lower] + shape.dropFirst(), values: Array(values[(lower * sampleSize)..<(upper * sampleSize)]))
  }

  /// The same array as floats (values unscaled).
  public var floats: DataArray { DataArray(shape: shape, values: values.map(Float.init)) }
}
