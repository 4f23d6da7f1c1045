// Dataset.swift: turns data files into (features, targets) matrices shaped for a model.

/// Features [n, inputSize] and targets [n, targetSize], row-aligned.
public struct Dataset: Sendable {
  public var x: DataArray
  public var y: DataArray
  public var count: Int { x.count }

  public init(x: DataArray, y: DataArray) {
    self.x = x
    self.y = y
  }

  /// Loads a dataset for `info`. Without `labels`, `features` is a table whose last columns are the
  /// targets (one label column for class targets, or one column per output). With `labels`, the
  /// features file holds only inputs (IDX, NPY or CSV) and the labels file the targets.
  public static func load(features: String, labels: String?, info: ModelInfo) throws(PrecastError) -> Dataset {
    do {
      if let labels {
        let x = try flattenedFeatures(DataLoader.load(path: features), path: features, info: info)
        let y = try DataLoader.load(path: labels)
        guard y.count == x.count else {
          throw PrecastError("\(labels): \(y.count) labels for \(x.count) samples in \(features)")
        }
        return Dataset(x: x, y: try targets(y, path: labels, info: info))
      }
      let table = try DataLoader.load(path: features)
      return try split(table, path: features, info: info)
    } catch let error as PrecastError {
      throw error
    } catch {
      throw PrecastError("\(error)")
    }
  }

  /// Splits a [n, columns] table into features and the trailing target columns.
  static func split(_ table: DataArray, path: String, info: ModelInfo) throws(PrecastError) -> Dataset {
    let columns = table.shape.count == 2 ? table.shape[1] : table.sampleSize
    let labelColumns = info.isClassifier && info.outputSize > 1 ? 1 : info.outputSize
    var targetColumns: Int
    if columns == info.inputSize + info.outputSize {
      targetColumns = info.outputSize
    } else if columns == info.inputSize + labelColumns {
      targetColumns = labelColumns
    } else {
      throw PrecastError(
        "\(path): rows have \(columns) columns; the model expects \(info.inputSize) features followed by "
          + "\(labelColumns == info.outputSize ? "\(labelColumns)" : "\(labelColumns) or \(info.outputSize)") target column(s)")
    }
    let flat = DataArray(shape: [table.count, columns], values: table.values)
    let x = flat.columns(0..<info.inputSize)
    let y = flat.columns(info.inputSize..<(info.inputSize + targetColumns))
    return Dataset(x: x, y: try targets(y, path: path, info: info))
  }

  /// Reshapes any [n, …] array to [n, inputSize], or explains the mismatch.
  public static func flattenedFeatures(_ a: DataArray, path: String, info: ModelInfo) throws(PrecastError) -> DataArray {
    guard a.sampleSize == info.inputSize, a.shape.count >= 2 else {
      throw PrecastError(
        "\(path): samples have \(a.sampleSize) values (shape \(a.shape)), the model expects \(info.inputSize) (input \(info.inputShape))")
    }
    return DataArray(shape: [a.count, info.inputSize], values: a.values)
  }

  /// Converts raw targets to the layout the loss wants: one-hot for categorical crossentropy given labels,
  /// a checked label column for sparse crossentropy, the values themselves otherwise.
  static func targets(_ raw: DataArray, path: String, info: ModelInfo) throws(PrecastError) -> DataArray {
    let n = raw.count
    let width = raw.shape.count >= 2 ? raw.sampleSize : 1
    let y = DataArray(shape: [n, width], values: raw.values)
    switch info.loss {
    case .categoricalCrossentropy where width == 1:
      do { return try oneHot(y, classes: info.outputSize) } catch { throw PrecastError("\(path): \(error)") }
    case .sparseCategoricalCrossentropy:
      guard width == 1 else { throw PrecastError("\(path): sparse crossentropy wants one integer label per sample, found \(width) values") }
      for (row, v) in y.values.enumerated() where v < 0 || v >= Float(info.outputSize) || v != v.rounded() {
        throw PrecastError("\(path): label \(v) at row \(row + 1) is outside 0..<\(info.outputSize)")
      }
      return y
    case .binaryCrossentropy:
      guard width == info.outputSize else { throw PrecastError("\(path): targets have \(width) columns, the model has \(info.outputSize) outputs") }
      for (i, v) in y.values.enumerated() where v < 0 || v > 1 {
        throw PrecastError("\(path): binary target \(v) at row \(i / width + 1) is outside [0, 1]")
      }
      return y
    default:
      guard width == info.outputSize else { throw PrecastError("\(path): targets have \(width) columns, the model has \(info.outputSize) outputs") }
      return y
    }
  }

  /// Keras's validation_split: the last `fraction` of the rows (before any shuffling) become validation data.
  public func splitValidation(_ fraction: Double) -> (train: Dataset, validation: Dataset?) {
    guard fraction > 0 else { return (self, nil) }
    let splitAt = Int((Double(count) * (1 - fraction)).rounded(.down))
    let train = Dataset(x: x.rows(0..<splitAt), y: y.rows(0..<splitAt))
    let validation = Dataset(x: x.rows(splitAt..<count), y: y.rows(splitAt..<count))
    return (train, validation)
  }
}
