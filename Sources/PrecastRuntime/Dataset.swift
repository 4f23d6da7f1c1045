// Dataset.swift: turns data files into (features, targets) matrices shaped for a model.

/// Features [n, inputSize] and targets [n, targetSize], row-aligned.
///
/// Features from an 8-bit file (IDX ubyte, e.g. Fashion-MNIST) stay bytes, a quarter of the memory of
/// floats (60,000 images: 47 MB instead of 188 MB); their preprocessing is kept pending and applied as
/// rows are copied into a batch (`copyRows`). Reading or setting `x` works for both kinds; reading it
/// from bytes builds the floats.
public struct Dataset: Sendable {
  /// Float features [n, inputSize], or nil when `bytes` holds them.
  private var floats: DataArray?
  /// Byte features [n, inputSize] and the preprocessing still to apply to them, in order.
  private var bytes: ByteArray?
  private var pending: [Preprocessing] = []
  public var y: DataArray
  /// Per-row loss weights (Keras's sample_weight, or class_weight turned into them), or nil.
  public var sampleWeights: [Float]?
  /// The class names when the labels were text (`LabelEncoder` order: `y` holds their indices), else nil.
  public var classNames: [String]?
  /// An image folder's pictures, decoded as batches are copied (`floats` and `bytes` are nil), and the file of
  /// each row; their preprocessing is kept pending like bytes'.
  public private(set) var images: ImageStream?
  private var imageRows: [Int] = []

  public init(x: DataArray, y: DataArray) {
    self.floats = x
    self.y = y
  }

  public init(bytes: ByteArray, y: DataArray) {
    self.bytes = bytes
    self.y = y
  }

  public var count: Int { images != nil ? imageRows.count : floats?.count ?? bytes!.count }

  /// True when the features are stored as bytes.
  public var storesBytes: Bool { bytes != nil }

  /// The features as floats [n, inputSize], preprocessed; setting them replaces byte storage.
  public var x: DataArray {
    get {
      if let floats { return floats }
      if let images {  // every image decoded at once (for statistics such as --standardize's)
        var x = DataArray(shape: [count, images.height, images.width, images.channels], values: Array(repeating: 0, count: count * images.imageSize))
        x.values.withUnsafeMutableBufferPointer { v in
          for (row, file) in imageRows.enumerated() { images.copy(file, into: v.baseAddress! + row * images.imageSize) }
        }
        for step in pending { step.apply(to: &x) }
        return x
      }
      var x = bytes!.floats
      for step in pending { step.apply(to: &x) }
      return x
    }
    set {
      floats = newValue
      bytes = nil
      images = nil
      pending = []
    }
    _modify {
      if floats == nil { x = x }  // bytes become preprocessed floats, once
      yield &floats!
    }
  }

  /// Starts decoding the images of `rows` (an image folder's next batch) on the decoding thread; nothing for data
  /// held in memory.
  public func prefetch<Rows: Sequence<Int>>(_ rows: Rows) {
    images?.prefetch(rows.lazy.map { imageRows[$0] })
  }

  /// Applies `preprocessing` to the features: at once for floats, as batches are copied for bytes and images.
  public mutating func preprocess(_ preprocessing: Preprocessing) {
    if floats != nil {
      preprocessing.apply(to: &floats!)
    } else if preprocessing != Preprocessing() {
      pending.append(preprocessing)
    }
  }

  /// Copies the preprocessed features of `rows` to consecutive rows of `batchX`, their targets to `batchY`
  /// and, when the dataset has them and `batchWeights` is given, their sample weights.
  public func copyRows<Rows: Sequence<Int>>(
    _ rows: Rows, x batchX: UnsafeMutablePointer<Float>, y batchY: UnsafeMutablePointer<Float>, weights batchWeights: UnsafeMutablePointer<Float>? = nil
  ) {
    if let sampleWeights, let batchWeights {
      for (i, row) in rows.enumerated() { batchWeights[i] = sampleWeights[row] }
    }
    let xs = images?.imageSize ?? floats?.sampleSize ?? bytes!.sampleSize, ys = y.count == 0 ? 0 : y.values.count / y.count
    y.values.withUnsafeBufferPointer { y in
      for (i, row) in rows.enumerated() { (batchY + i * ys).update(from: y.baseAddress! + row * ys, count: ys) }
    }
    if let floats {
      floats.values.withUnsafeBufferPointer { x in
        for (i, row) in rows.enumerated() { (batchX + i * xs).update(from: x.baseAddress! + row * xs, count: xs) }
      }
      return
    }
    if let images {
      var copied = 0
      for (i, row) in rows.enumerated() {
        images.copy(imageRows[row], into: batchX + i * xs)
        copied += 1
      }
      for step in pending { step.apply(batchX, rows: copied, features: xs) }
      return
    }
    bytes!.values.withUnsafeBufferPointer { x in
      var copied = 0
      for (i, row) in rows.enumerated() {
        let source = x.baseAddress! + row * xs, target = batchX + i * xs
        for j in 0..<xs { target[j] = Float(source[j]) }
        copied += 1
      }
      for step in pending { step.apply(batchX, rows: copied, features: xs) }
    }
  }

  /// How a file of integer sequences (one per line, `readSequences`) becomes fixed-size features of the model's
  /// input size: Keras's `pad_sequences` (padding and truncating sides), or the IMDB tutorial's multi-hot vectors.
  public enum SequenceEncoding: Sendable, Equatable {
    case padded(padding: SequenceSide, truncating: SequenceSide)
    case multiHot

    /// The trainer's and inference binary's `--sequences pad|multi-hot --padding pre|post --truncating pre|post`
    /// (nil when a value is not one of those).
    public init?(sequences: String, padding: String, truncating: String) {
      guard let pad = SequenceSide(rawValue: padding), let cut = SequenceSide(rawValue: truncating) else { return nil }
      switch sequences {
      case "pad": self = .padded(padding: pad, truncating: cut)
      case "multi-hot": self = .multiHot
      default: return nil
      }
    }

    /// The bound every index must stay below: the multi-hot dimension, or the input_dim of the model's Embedding
    /// (Keras raises on an index past its table; nil when padded sequences feed no Embedding).
    public func indexBound(_ info: ModelInfo) -> (limit: Int, what: String)? {
      switch self {
      case .multiHot: (info.inputSize, "the multi-hot dimension (keep the most frequent words, as imdb.load_data(num_words=) does)")
      case .padded: info.embeddingInputDim.map { ($0, "the Embedding's input_dim") }
      }
    }

    /// Reads a sequence file (one per line), every index the model will see checked against `indexBound` (padded
    /// sequences: the part `truncating` keeps, as Keras's pad_sequences drops the rest before the Embedding).
    public func read(path: String, info: ModelInfo) throws(DataError) -> [[Int]] {
      let sequences = try readSequences(path: path)
      guard let bound = indexBound(info) else { return sequences }
      for (line, sequence) in sequences.enumerated() {
        var kept = sequence.indices
        if case .padded(_, let truncating) = self { kept = keptRange(count: sequence.count, maxlen: info.inputSize, truncating: truncating) }
        if let i = kept.first(where: { sequence[$0] >= bound.limit }) {
          throw DataError(file: path, "line \(line + 1), value \(i + 1): index \(sequence[i]) is outside 0..<\(bound.limit), \(bound.what)")
        }
      }
      return sequences
    }

    /// `sequences` as float features [n, size].
    public func encode(_ sequences: [[Int]], size: Int) -> DataArray {
      switch self {
      case .padded(let padding, let truncating): padSequences(sequences, maxlen: size, padding: padding, truncating: truncating)
      case .multiHot: PrecastData.multiHot(sequences, dimension: size).floats
      }
    }
  }

  /// Loads integer sequences from `features` (one per line) encoded to [n, inputSize], with targets from `labels`.
  public static func loadSequences(
    features: String, labels: String, info: ModelInfo, encoding: SequenceEncoding, classNames: [String]? = nil
  ) throws(PrecastError) -> Dataset {
    do {
      let sequences = try encoding.read(path: features, info: info)
      let (y, names) = try loadLabels(labels, info: info, classNames: classNames)
      var dataset = try encoded(sequences, y: y, features: features, labels: labels, info: info, encoding: encoding)
      dataset.classNames = names
      return dataset
    } catch let error as PrecastError {
      throw error
    } catch {
      throw PrecastError("\(error)")
    }
  }

  /// `sequences` encoded as features, with their targets.
  private static func encoded(
    _ sequences: [[Int]], y: DataArray, features: String, labels: String, info: ModelInfo, encoding: SequenceEncoding
  ) throws -> Dataset {
    do {
      guard y.count == sequences.count else { throw PrecastError("\(labels): \(y.count) labels for \(sequences.count) sequences in \(features)") }
      switch encoding {
      case .padded(let padding, let truncating):
        let x = padSequences(sequences, maxlen: info.inputSize, padding: padding, truncating: truncating)
        return Dataset(x: x, y: try targets(y, path: labels, info: info))
      case .multiHot:
        return Dataset(bytes: multiHot(sequences, dimension: info.inputSize), y: try targets(y, path: labels, info: info))
      }
    } catch let error as PrecastError {
      throw error
    } catch {
      throw PrecastError("\(error)")
    }
  }

  /// How `loadSeriesWindows` cuts a table into forecasting windows (Keras's `timeseries_dataset_from_array` with
  /// `sequence_length` = the model's input length).
  public struct SeriesWindows: Sendable {
    /// The target column, 1-based (nil: the last one).
    public var targetColumn: Int?
    /// The target is the value this many (sampled) steps after the window's last step.
    public var horizon = 1
    /// Keep every `samplingRate`-th row, from the first, before cutting windows.
    public var samplingRate = 1
    /// z-score every column with the mean and standard deviation of its first `standardizeOver` fraction of rows
    /// (the training period), inputs and targets alike, as the forecasting tutorial does.
    public var standardizeOver: Double?

    public init(targetColumn: Int? = nil, horizon: Int = 1, samplingRate: Int = 1, standardizeOver: Double? = nil) {
      self.targetColumn = targetColumn
      self.horizon = horizon
      self.samplingRate = samplingRate
      self.standardizeOver = standardizeOver
    }
  }

  /// Forecasting windows of a table whose rows are time steps in order. A model with input [window] or [window, 1]
  /// reads the target column alone; one with input [window, features] reads every column (there must be `features`
  /// of them, the target among them, as the Jena tutorial feeds all 14). Each sample is `window` consecutive rows
  /// and its target the target column `horizon` rows after the window's last. Samples stay in time order, so a
  /// validation split is the latest period. Returns the target column (standardized when the inputs are) and the
  /// preprocessing to save with the weights: when standardized, the statistics per input value of a sample (for raw
  /// windows at inference) and the target's mean and standard deviation (MAEs and forecasts in the data's units).
  public static func loadSeriesWindows(
    path: String, info: ModelInfo, options: SeriesWindows = SeriesWindows()
  ) throws(PrecastError) -> (dataset: Dataset, series: [Float], preprocessing: Preprocessing) {
    let table: DataArray
    do { table = try DataLoader.load(path: path) } catch { throw PrecastError("\(error)") }
    let columns = table.shape.count == 2 ? table.shape[1] : 1
    let target = (options.targetColumn ?? columns) - 1
    guard (0..<columns).contains(target) else {
      throw PrecastError("\(path): --target-column \(target + 1) is outside the table's \(columns) column(s)")
    }
    let window = info.inputShape[0]
    let features = info.inputShape.count == 2 ? info.inputShape[1] : 1
    guard info.inputShape.count <= 2, features == 1 || features == columns else {
      throw PrecastError(
        "\(path): rows have \(columns) columns; a model with input \(info.inputShape) reads \(features) per step "
          + "(every column: drop the others first, e.g. a date column with cut -d, -f2-)")
    }
    // The kept rows [rows, columns], every column standardized with its training period's statistics.
    let rows = stride(from: 0, to: table.count, by: options.samplingRate).map { $0 }
    var kept = DataArray(shape: [rows.count, columns], values: rows.flatMap { table.values[($0 * columns)..<($0 * columns + columns)] })
    let statistics = options.standardizeOver.map { fraction in
      let head = min(rows.count, max(2, Int(Double(rows.count) * fraction)))
      return Standardizer.fit(DataArray(shape: [head, columns], values: Array(kept.values[..<(head * columns)])))
    }
    statistics?.apply(to: &kept)
    let values = kept.values
    let series = (0..<rows.count).map { values[$0 * columns + target] }
    let horizon = options.horizon
    guard info.outputSize == 1, rows.count > window + horizon - 1 else {
      throw PrecastError("\(path): \(rows.count) rows cannot make windows of \(window) (+\(horizon)) for a model with \(info.outputSize) output(s)")
    }
    let count = rows.count - window - horizon + 1
    var x = [Float](), y = [Float]()
    x.reserveCapacity(count * window * features)
    for start in 0..<count {
      if features == 1 {
        x += series[start..<(start + window)]
      } else {
        x += values[(start * columns)..<((start + window) * columns)]
      }
      y.append(series[start + window + horizon - 1])
    }
    let dataset = Dataset(x: DataArray(shape: [count, window * features], values: x), y: DataArray(shape: [count, 1], values: y))
    guard let statistics else { return (dataset, series, Preprocessing()) }
    let used = features == 1 ? [target] : Array(0..<columns)  // the columns of one step, in input order
    let inputs = Standardizer(
      mean: (0..<window).flatMap { _ in used.map { statistics.mean[$0] } },
      std: (0..<window).flatMap { _ in used.map { statistics.std[$0] } })
    return (dataset, series, Preprocessing(standardizer: inputs, outputMean: statistics.mean[target], outputStd: statistics.std[target]))
  }

  /// Loads a dataset for `info`. Without `labels`, `features` is a table whose last columns are the
  /// targets (one label column for class targets, or one column per output). With `labels`, the
  /// features file holds only inputs (IDX, NPY or CSV) and the labels file the targets.
  /// A classifier's label column may hold class names (CSV): they are encoded as `LabelEncoder` does, with the
  /// classes `classNames` (validation and test data take the training data's) or, when nil, the sorted distinct names.
  public static func load(features: String, labels: String?, info: ModelInfo, classNames: [String]? = nil) throws(PrecastError) -> Dataset {
    do {
      if let labels {
        let (y, names) = try loadLabels(labels, info: info, classNames: classNames)
        var dataset = try load(features: features, labelColumn: y, labelsPath: labels, info: info)
        dataset.classNames = names
        return dataset
      }
      do {
        return try split(try DataLoader.load(path: features), path: features, info: info)
      } catch let numeric as DataError {
        guard let table = try textLabeledTable(features, info: info, numericError: numeric), let x = table.features else { throw numeric }
        let (y, names) = try encodedLabels(table, path: features, info: info, classNames: classNames)
        guard x.sampleSize == info.inputSize else {
          throw PrecastError("\(features): rows have \(x.sampleSize + 1) columns; the model expects \(info.inputSize) features followed by a label")
        }
        try checkIndices(x, path: features, info: info)
        var dataset = Dataset(x: x, y: try targets(y, path: features, info: info))
        dataset.classNames = names
        return dataset
      }
    } catch let error as PrecastError {
      throw error
    } catch {
      throw PrecastError("\(error)")
    }
  }

  /// A labels file's targets: numbers as they are, or a classifier's class names encoded (with their classes).
  static func loadLabels(_ path: String, info: ModelInfo, classNames: [String]?) throws -> (DataArray, [String]?) {
    do {
      return (try DataLoader.load(path: path), nil)
    } catch let numeric as DataError {
      guard let table = try textLabeledTable(path, info: info, numericError: numeric) else { throw numeric }
      guard table.features == nil else { throw PrecastError("\(path): a labels file holds one label per line, found several columns") }
      return try encodedLabels(table, path: path, info: info, classNames: classNames)
    }
  }

  /// The file read with a text label column, when that can explain `numericError`: the model classifies and the file
  /// is CSV. Its own errors (a feature that is not a number) are the ones to report then.
  static func textLabeledTable(_ path: String, info: ModelInfo, numericError: DataError) throws(DataError) -> TextLabeledTable? {
    guard info.isClassifier, path.hasSuffix(".csv") || path.hasSuffix(".txt"), !numericError.isColumnCountMismatch else { return nil }
    return try CSVReader.readTextLabeled(path: path)
  }

  /// Class indices [n, 1] of text labels and the class names, checked against the model's outputs.
  static func encodedLabels(
    _ table: TextLabeledTable, path: String, info: ModelInfo, classNames: [String]?
  ) throws -> (DataArray, [String]) {
    let encoding = classNames.map(LabelEncoding.init(classes:)) ?? LabelEncoding(fitting: table.labels)
    let y = try encoding.encode(table, path: path)
    let limit = info.outputSize == 1 ? 2 : info.outputSize
    guard encoding.classes.count <= limit else {
      let shown = encoding.classes.prefix(8).joined(separator: ", ") + (encoding.classes.count > 8 ? ", …" : "")
      throw PrecastError(
        "\(path): \(encoding.classes.count) classes (\(shown)) for a model with \(info.outputSize) output(s), which takes at most \(limit)")
    }
    return (DataArray(shape: [y.count, 1], values: y), encoding.classes)
  }

  /// Features from `features` (any format) with the targets already read from `labelsPath`.
  private static func load(features: String, labelColumn y: DataArray, labelsPath labels: String, info: ModelInfo) throws -> Dataset {
    if let pixels = try DataLoader.loadBytes(path: features) {
      guard pixels.sampleSize == info.inputSize, pixels.shape.count >= 2 else {
        throw PrecastError(mismatch(path: features, sampleSize: pixels.sampleSize, shape: pixels.shape, info: info))
      }
      guard y.count == pixels.count else {
        throw PrecastError("\(labels): \(y.count) labels for \(pixels.count) samples in \(features)")
      }
      try checkIndices(pixels.values.lazy.map(Float.init), width: info.inputSize, path: features, info: info)
      let flat = ByteArray(shape: [pixels.count, info.inputSize], values: pixels.values)
      return Dataset(bytes: flat, y: try targets(y, path: labels, info: info))
    }
    let x = try flattenedFeatures(DataLoader.load(path: features), path: features, info: info)
    guard y.count == x.count else {
      throw PrecastError("\(labels): \(y.count) labels for \(x.count) samples in \(features)")
    }
    return Dataset(x: x, y: try targets(y, path: labels, info: info))
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
    try checkIndices(x, path: path, info: info)
    return Dataset(x: x, y: try targets(y, path: path, info: info))
  }

  /// Reshapes any [n, …] array to [n, inputSize], or explains the mismatch.
  public static func flattenedFeatures(_ a: DataArray, path: String, info: ModelInfo) throws(PrecastError) -> DataArray {
    guard a.sampleSize == info.inputSize, a.shape.count >= 2 else {
      throw PrecastError(mismatch(path: path, sampleSize: a.sampleSize, shape: a.shape, info: info))
    }
    let x = DataArray(shape: [a.count, info.inputSize], values: a.values)
    try checkIndices(x, path: path, info: info)
    return x
  }

  /// For a model that starts with an Embedding: every feature must be a whole index below its input_dim
  /// (Keras raises on an index past the table; the kernel would read outside it).
  public static func checkIndices(_ x: DataArray, path: String, info: ModelInfo) throws(PrecastError) {
    try checkIndices(x.values, width: x.sampleSize, path: path, info: info)
  }

  /// `checkIndices` over any sample values (bytes from IDX/NPY too), `width` per sample.
  static func checkIndices<Values: Sequence<Float>>(_ values: Values, width: Int, path: String, info: ModelInfo) throws(PrecastError) {
    guard let limit = info.embeddingInputDim else { return }
    for (i, v) in values.enumerated() where !(v >= 0 && v < Float(limit) && v == v.rounded()) {
      throw PrecastError(
        "\(path): sample \(i / width + 1), value \(i % width + 1): \(v) is not an index in 0..<\(limit), the Embedding's input_dim")
    }
  }

  private static func mismatch(path: String, sampleSize: Int, shape: [Int], info: ModelInfo) -> String {
    "\(path): samples have \(sampleSize) values (shape \(shape)), the model expects \(info.inputSize) (input \(info.inputShape))"
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

  /// The rows at `indices`, in that order (same storage kind and pending preprocessing).
  public func subset(_ indices: [Int]) -> Dataset {
    var result = self
    result.sampleWeights = sampleWeights.map { w in indices.map { w[$0] } }
    let ys = y.count == 0 ? 0 : y.values.count / y.count
    result.y = DataArray(shape: [indices.count] + y.shape.dropFirst(), values: indices.flatMap { y.values[($0 * ys)..<(($0 + 1) * ys)] })
    if images != nil {
      result.imageRows = indices.map { imageRows[$0] }
    } else if let floats {
      let xs = floats.sampleSize
      result.floats = DataArray(shape: [indices.count] + floats.shape.dropFirst(), values: indices.flatMap { floats.values[($0 * xs)..<(($0 + 1) * xs)] })
    } else {
      let xs = bytes!.sampleSize
      result.bytes = ByteArray(shape: [indices.count] + bytes!.shape.dropFirst(), values: indices.flatMap { bytes!.values[($0 * xs)..<(($0 + 1) * xs)] })
    }
    return result
  }

  /// Each row's class for stratified folds: the label (sparse), the argmax (one-hot), or the rounded target of a
  /// single binary output; nil for regression.
  public func classes(info: ModelInfo) -> [Int]? {
    guard info.isClassifier else { return nil }
    let width = y.count == 0 ? 0 : y.values.count / y.count
    return (0..<count).map { row in
      let target = y.values[(row * width)..<((row + 1) * width)]
      if width == 1 { return Int(target.first!.rounded()) }
      return target.indices.max { target[$0] < target[$1] }! - row * width
    }
  }

  /// Keras's class_weight: each row's weight is its class's (classes not listed weigh 1).
  public mutating func applyClassWeights(_ weights: [Int: Float], info: ModelInfo) throws(PrecastError) {
    guard let classes = classes(info: info) else { throw PrecastError("class weights need a classification loss, not \(info.loss.rawValue)") }
    sampleWeights = classes.map { weights[$0] ?? 1 }
  }

  /// Keras's validation_split: the last `fraction` of the rows (before any shuffling) become validation data.
  public func splitValidation(_ fraction: Double) -> (train: Dataset, validation: Dataset?) {
    guard fraction > 0 else { return (self, nil) }
    let splitAt = Int((Double(count) * (1 - fraction)).rounded(.down))
    var train = self, validation = self
    train.sampleWeights = sampleWeights.map { Array($0[..<splitAt]) }
    validation.sampleWeights = nil  // Keras validates unweighted unless given validation weights
    train.y = y.rows(0..<splitAt)
    validation.y = y.rows(splitAt..<count)
    if images != nil {
      train.imageRows = Array(imageRows[..<splitAt])
      validation.imageRows = Array(imageRows[splitAt...])
    } else if let floats {
      train.floats = floats.rows(0..<splitAt)
      validation.floats = floats.rows(splitAt..<count)
    } else {
      train.bytes = bytes!.rows(0..<splitAt)
      validation.bytes = bytes!.rows(splitAt..<count)
    }
    return (train, validation)
  }
}

// MARK: - Forecasting baselines

/// The forecasting tutorial's common-sense baselines on the last `validationCount` values of `series` (the validation
/// windows' targets, each `horizon` steps after its window's last): the mean absolute error of "the target is the
/// window's last value" and, when a window holds a year of monthly steps (`window` ≥ 12, `horizon` < 12), of "the
/// target is the value 12 steps before it".
public func naiveBaselines(series: [Float], validationCount: Int, window: Int, horizon: Int = 1) -> (last: Float, seasonal: Float?) {
  func mae(lag: Int) -> Float {
    let targets = max(series.count - validationCount, lag)..<series.count
    return targets.map { abs(series[$0 - lag] - series[$0]) }.reduce(0, +) / Float(max(targets.count, 1))
  }
  return (mae(lag: horizon), window >= 12 && horizon < 12 ? mae(lag: 12) : nil)
}

// MARK: - Image folders

extension Dataset {
  /// The images of `folder` (indexed as Keras indexes it) for a model whose input is [height, width(, channels)]:
  /// each decoded (PNG, JPEG), converted to the model's channels and resized to its input by Keras's bilinear
  /// resize as batches need it. Every file is decoded once here, so a corrupt or truncated file is found now: an
  /// error naming it, or, with `skipBad`, left out and counted (in `skipped`). The classes are the folder's; with
  /// `classNames` (validation and test folders) they must be those. `cacheBytes` bounds the decoded images kept.
  public static func loadImages(
    _ folder: ImageFolder, info: ModelInfo, classNames: [String]? = nil, skipBad: Bool, cacheBytes: Int, threads: Int
  ) throws(PrecastError) -> (dataset: Dataset, skipped: [String]) {
    guard let (height, width, channels) = imageShape(info.inputShape) else {
      throw PrecastError("\(folder.root): an image folder needs a model whose input is [height, width, channels] (1 or 3 channels); this model's is \(info.inputShape)")
    }
    if let classNames, classNames != folder.classNames {
      throw PrecastError("\(folder.root): classes \(folder.classNames.joined(separator: ", ")) differ from the training data's \(classNames.joined(separator: ", "))")
    }
    guard folder.classNames.count <= max(info.outputSize, 2), info.isClassifier else {
      throw PrecastError("\(folder.root): \(folder.classNames.count) class folders for a model with \(info.outputSize) output(s) and loss \(info.loss.rawValue)")
    }
    if let unsupported = folder.unsupported.first, !skipBad {
      throw PrecastError("\(unsupported): not a PNG or JPEG image (Precast decodes PNG and JPEG; --skip-bad-images leaves such files out)")
    }
    let stream = ImageStream(files: folder.files, height: height, width: width, channels: channels, cacheBytes: cacheBytes)
    let failures = stream.scan(threads: threads)
    if let first = failures.first, !skipBad { throw PrecastError("\(first.error)") }
    let bad = Set(failures.map(\.file))
    let rows = folder.files.indices.filter { !bad.contains($0) }
    guard !rows.isEmpty else { throw PrecastError("\(folder.root): none of its \(folder.files.count) images could be read") }
    let labels = DataArray(shape: [rows.count, 1], values: rows.map { Float(folder.labels[$0]) })
    var dataset = Dataset(x: DataArray(shape: [0], values: []), y: try targets(labels, path: folder.root, info: info))
    dataset.floats = nil
    dataset.images = stream
    dataset.imageRows = rows
    dataset.classNames = folder.classNames
    return (dataset, folder.unsupported + failures.map { folder.files[$0.file] })
  }

  /// [height, width, channels] of an image model's input ([h, w] is one channel), or nil.
  public static func imageShape(_ shape: [Int]) -> (Int, Int, Int)? {
    guard let image = Augmentation.imageShape(shape), image.channels == 1 || image.channels == 3 else { return nil }
    return (image.height, image.width, image.channels)
  }

}
