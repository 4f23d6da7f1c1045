// Weights.swift: initializing a model's parameters and moving them to and from Keras weight files.

/// Preprocessing that travels with the weights (stored under /precast in the file; Keras ignores it).
public struct Preprocessing: Sendable, Equatable {
  /// Multiplier applied to raw inputs first (1/255 for `--normalize`), or nil.
  public var inputScale: Float?
  /// Per-feature z-score statistics (`--standardize`), fitted on the training split.
  public var standardizer: Standardizer?
  /// A standardized forecasting target's statistics (`--series-windows --standardize`): the model predicts
  /// (y − mean)/std, and `restore` turns its outputs back into the data's units.
  public var outputMean: Float?
  public var outputStd: Float?
  /// The classes of string labels in index order (`LabelEncoder`: sorted), so predictions print as names;
  /// stored as the attribute `precast/class_names`.
  public var classNames: [String]?

  public init(
    inputScale: Float? = nil, standardizer: Standardizer? = nil, outputMean: Float? = nil, outputStd: Float? = nil,
    classNames: [String]? = nil
  ) {
    self.inputScale = inputScale
    self.standardizer = standardizer
    self.outputMean = outputMean
    self.outputStd = outputStd
    self.classNames = classNames
  }

  /// Takes the training data's class names (text labels), which must equal those saved with starting weights
  /// (`weightsPath`): the labels were encoded with the data's own sorted classes.
  public mutating func adoptClassNames(_ names: [String]?, weightsPath: String?) throws(PrecastError) {
    guard let names else { return }
    if let saved = classNames, saved != names, let weightsPath {
      throw PrecastError(
        "\(weightsPath) was trained on the classes \(saved.joined(separator: ", ")); the data's labels are \(names.joined(separator: ", "))")
    }
    classNames = names
  }

  /// Outputs y [n, outputs] in the data's units: y·std + mean, when the targets were standardized (in place).
  public func restore(_ y: inout DataArray) {
    guard let outputMean, let outputStd else { return }
    for i in y.values.indices { y.values[i] = y.values[i] * outputStd + outputMean }
  }

  /// The inverse of `restore`: targets in the data's units → the units the model was trained in (in place).
  public func standardizeTargets(_ y: inout DataArray) {
    guard let outputMean, let outputStd else { return }
    for i in y.values.indices { y.values[i] = (y.values[i] - outputMean) / outputStd }
  }

  /// Applies the preprocessing to a [n, features] array in place.
  public func apply(to x: inout DataArray) {
    let features = x.sampleSize
    let rows = features == 0 ? 0 : x.values.count / features
    guard rows > 0 else { return }
    x.values.withUnsafeMutableBufferPointer { apply($0.baseAddress!, rows: rows, features: features) }
  }

  /// Applies the preprocessing to `rows` consecutive rows of `features` floats in place.
  public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, features: Int) {
    if let inputScale { for i in 0..<(rows * features) { x[i] *= inputScale } }
    guard let standardizer, standardizer.mean.count == features, standardizer.std.count == features else { return }
    let mean = standardizer.mean, scale = standardizer.std.map { $0 == 0 ? 1 : $0 }
    for r in 0..<rows {
      let row = x + r * features
      for j in 0..<features { row[j] = (row[j] - mean[j]) / scale[j] }
    }
  }

  var extras: [String: [Float]] {
    var extras: [String: [Float]] = [:]
    if let inputScale { extras["input_scale"] = [inputScale] }
    if let standardizer {
      extras["feature_mean"] = standardizer.mean
      extras["feature_std"] = standardizer.std
    }
    if let outputMean, let outputStd {
      extras["target_mean"] = [outputMean]
      extras["target_std"] = [outputStd]
    }
    return extras
  }

  init(extras: [String: [Float]], classNames: [String]?) {
    self.classNames = classNames
    inputScale = extras["input_scale"]?.first
    if let mean = extras["feature_mean"], let std = extras["feature_std"] {
      standardizer = Standardizer(mean: mean, std: std)
    }
    outputMean = extras["target_mean"]?.first
    outputStd = extras["target_std"]?.first
  }
}

extension CompiledModel {
  /// Fills every weight with its Keras initializer, deterministically from `seed`.
  public func initializeParameters(seed: UInt64) {
    var rng = Random(seed: seed)
    for slot in Self.info.weights {
      slot.initializer.fill(parameters + slot.offset, count: slot.count, fanIn: slot.fanIn, fanOut: slot.fanOut, shape: slot.shape, rng: &rng)
    }
  }

  /// Loads weights from any Keras weights file (legacy .h5, tf-keras .h5, weights-only .h5, Keras 3 .weights.h5, and
  /// Keras 3 .keras archives). Returns the preprocessing stored beside them (none for files Keras wrote).
  @discardableResult
  public func loadWeights(path: String) throws(PrecastError) -> Preprocessing {
    try loadWeights(KerasArchive.weightsSource(path: path), path: path)
  }

  /// The same from a source `KerasArchive.weightsSource` found (`path` names it in messages).
  @discardableResult
  public func loadWeights(_ source: HDF5Source, path: String) throws(PrecastError) -> Preprocessing {
    let loaded: LoadedWeights
    do {
      loaded = try KerasWeightFile.read(source, layers: Self.info.layers)
    } catch {
      throw PrecastError("\(error)")
    }
    let slots = Self.info.weights
    guard loaded.values.count == slots.count else {
      throw PrecastError("\(path): \(loaded.values.count) weights read, the model has \(slots.count)")
    }
    for (slot, values) in zip(slots, loaded.values) {
      guard values.count == slot.count else {
        throw PrecastError("\(path): layer '\(slot.layer)' weight '\(slot.name)' has \(values.count) values, expected \(slot.count)")
      }
      values.withUnsafeBufferPointer { (parameters + slot.offset).update(from: $0.baseAddress!, count: slot.count) }
    }
    let preprocessing = Preprocessing(extras: loaded.extras, classNames: loaded.classNames)
    if let standardizer = preprocessing.standardizer, standardizer.mean.count != Self.info.inputSize {
      throw PrecastError("\(path): standardization statistics cover \(standardizer.mean.count) features, the model has \(Self.info.inputSize)")
    }
    if let names = preprocessing.classNames, names.count > max(Self.info.outputSize, 2) {
      throw PrecastError("\(path): \(names.count) class names for a model with \(Self.info.outputSize) output(s)")
    }
    return preprocessing
  }

  /// Saves the weights atomically in a layout Keras loads (`.h5`: model.save layout with model_config;
  /// `.weights.h5`: Keras 3 save_weights layout; a `.keras` path: Keras 3's model archive, whose compile config
  /// names the optimizer), with the preprocessing beside them.
  /// With `optimizer`, its state is saved too, in Keras's layout, and `progress` (completed epochs and the run's
  /// seed, for --resume) beside it.
  public func saveWeights(
    path: String, format: KerasWeightFormat, preprocessing: Preprocessing, optimizer: Optimizer? = nil,
    progress: (epoch: Int, seed: UInt64)? = nil, frozen: Set<String> = []
  ) throws(PrecastError) {
    try Self.writeWeights(
      path: path, format: format, values: weightValues(), extras: PrecastRuntime.checkpointExtras(preprocessing, progress: progress),
      optimizer: optimizer?.kerasVariables(weights: Self.info.weights, modelName: Self.info.name),
      classNames: preprocessing.classNames, compiledWith: optimizer?.config, frozen: frozen)
  }

  /// A copy of every weight, one array each in `info.weights` order (2.7 MB for fashion-cnn): what the file writer
  /// validates and writes.
  public func weightValues() -> [[Float]] {
    Self.info.weights.map { Array(UnsafeBufferPointer(start: parameters + $0.offset, count: $0.count)) }
  }

  /// Writes `values` (one array per weight, in `info.weights` order) and the optimizer's variables as a Keras file;
  /// a `.keras` path gets an archive whose config.json compiles the model with `compiledWith` (default: the
  /// model's own optimizer). Layers in `frozen` (the trainer's --freeze) are written `trainable: false` in the config.
  public static func writeWeights(
    path: String, format: KerasWeightFormat, values: [[Float]], extras: [String: [Float]], optimizer: OptimizerVariables?,
    classNames: [String]? = nil, compiledWith: OptimizerConfig? = nil, frozen: Set<String> = []
  ) throws(PrecastError) {
    let modelConfig = info.kerasModelConfig(frozen: frozen)
    do {
      if path.hasSuffix(".keras") {
        let image = try KerasWeightFile.image(
          name: "\(path)/\(KerasArchive.weightsMember)", format: .kerasWeights, modelName: info.name, layers: info.layers,
          values: values, modelConfig: nil, extras: extras, optimizer: optimizer, classNames: classNames)
        let compile = kerasCompileConfig(
          loss: info.loss, fromLogits: info.fromLogits, optimizer: compiledWith ?? info.optimizer, metrics: info.metrics)
        return try KerasArchive.write(path: path, modelConfig: modelConfig, compileConfig: compile, weightsImage: image)
      }
      try KerasWeightFile.write(
        path: path, format: format, modelName: info.name, layers: info.layers, values: values,
        modelConfig: format == .legacyModel ? modelConfig : nil, extras: extras, optimizer: optimizer,
        classNames: classNames)
    } catch let error as PrecastError {
      throw error
    } catch {
      throw PrecastError("\(error)")
    }
  }
}

/// The extra datasets saved beside the weights: the preprocessing, and with `progress` the completed epochs and the
/// run's seed (for --resume).
func checkpointExtras(_ preprocessing: Preprocessing, progress: (epoch: Int, seed: UInt64)?) -> [String: [Float]] {
  var extras = preprocessing.extras
  if let progress {
    extras["epoch"] = [Float(progress.epoch)]
    extras["seed"] = [Float(progress.seed >> 24 & 0xFF_FFFF), Float(progress.seed & 0xFF_FFFF)]  // exact below 2^48
  }
  return extras
}

/// The weights format implied by a file name: `*.weights.h5` → Keras 3 save_weights layout (also the layout inside a
/// `*.keras` archive), else legacy .h5.
public func weightFormat(forPath path: String) -> KerasWeightFormat {
  path.hasSuffix(".weights.h5") || path.hasSuffix(".keras") ? .kerasWeights : .legacyModel
}

// MARK: - Pretrained word vectors

extension CompiledModel {
  /// Fills the first Embedding layer's table from GloVe's text format (`word v1 v2 …`), line k of `vocabulary`
  /// being index k (0 is padding); rows of words missing from the file become zeros, as the tutorial builds its
  /// matrix. Returns the layer, how many words were found and the vocabulary's size.
  public func loadWordVectors(path: String, vocabulary vocabularyPath: String) throws(PrecastError) -> (layer: String, found: Int, words: Int) {
    guard let slot = Self.info.weights.first(where: { $0.name == "embeddings" }) else {
      throw PrecastError("--embedding-vectors: the model has no Embedding layer")
    }
    let (rowsNeeded, dimension) = (slot.shape[0], slot.shape[1])
    do {
      var lines = try readTextFile(vocabularyPath).split(separator: "\n", omittingEmptySubsequences: false)
      if lines.last?.isEmpty == true { lines.removeLast() }  // the final newline; a blank line inside keeps its index
      let words = lines.map { String($0.filter { $0 != "\r" }) }
      guard words.count + 1 <= rowsNeeded else {
        throw PrecastError("\(vocabularyPath): \(words.count) words (+ padding index 0) do not fit the Embedding's input_dim \(rowsNeeded)")
      }
      let (rows, found) = try gloveMatrix(path: path, vocabulary: words, dimension: dimension)
      (parameters + slot.offset).update(repeating: 0, count: slot.count)
      rows.withUnsafeBufferPointer { (parameters + slot.offset).update(from: $0.baseAddress!, count: rows.count) }
      return (slot.layer, found, words.count)
    } catch let error as PrecastError {
      throw error
    } catch {
      throw PrecastError("\(error)")
    }
  }
}
