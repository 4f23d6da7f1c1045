// KerasModelInfo.swift: the public description of a model's layers and weights, and the loaded result.

// MARK: - Architecture

/// One weight variable of a layer, in Keras's order (Dense: kernel [in, out], bias [out]).
public struct WeightInfo: Sendable, Equatable {
  /// The variable's name without any layer prefix, e.g. "kernel".
  public var name: String
  /// The variable's shape, row-major; [] for a scalar.
  public var shape: [Int]

  /// Creates a weight description.
  public init(name: String, shape: [Int]) {
    self.name = name
    self.shape = shape
  }
}

/// One layer of a Sequential model, in model order.
/// Weightless layers (Dropout, Activation, Flatten) are included with `weights == []`.
public struct LayerInfo: Sendable, Equatable {
  /// The Keras layer name, e.g. "dense_1".
  public var name: String
  /// The Keras class, e.g. "Dense".
  public var className: String
  /// The layer's variables, in Keras's order.
  public var weights: [WeightInfo]
  /// The output shape per sample (for `summary`; empty when unknown, as for layers read from a file).
  public var outputShape: [Int]

  /// Creates a layer description (a generated model leaves `weights` empty: `ModelInfo` fills them from its slots).
  public init(name: String, className: String, weights: [WeightInfo] = [], outputShape: [Int] = []) {
    self.name = name
    self.className = className
    self.weights = weights
    self.outputShape = outputShape
  }
}

// MARK: - Formats and results

/// The three HDF5 weight layouts Keras writes.
public enum KerasWeightFormat: String, Sendable {
  /// `model.save('x.h5')`: root attributes plus the group `model_weights` (Keras 3 and tf-keras).
  case legacyModel = "h5"
  /// tf-keras `save_weights(save_format='h5')`: `layer_names` at the root.
  case legacyWeights = "legacy-weights"
  /// Keras 3 `save_weights('x.weights.h5')`: `layers/<group>/vars/<i>`.
  case kerasWeights = "weights.h5"
}

/// Where the bytes of an HDF5 weights file are: a file on disk, or a file image in memory (the `model.weights.h5`
/// member of a `.keras` zip, named in messages as `model.keras/model.weights.h5`).
public enum HDF5Source: Sendable {
  case file(String)
  case image([UInt8], name: String)

  /// The name messages start with.
  public var name: String {
    switch self {
    case .file(let path): path
    case .image(_, let name): name
    }
  }
}

/// Weights read from a Keras file.
public struct LoadedWeights: Sendable {
  /// The layout the file was detected to have.
  public var format: KerasWeightFormat
  /// One flat row-major array per weight: layer order, then weight order; weightless layers contribute nothing.
  public var values: [[Float]]
  /// Extra float32 arrays Precast stores beside the weights (group "/precast"), e.g. "feature_mean". Empty if none.
  public var extras: [String: [Float]]
  /// The class names of string labels (LabelEncoder order: index i is class i), from the attribute
  /// `precast/class_names`; nil when the file has none.
  public var classNames: [String]?

  /// Creates a result.
  public init(format: KerasWeightFormat, values: [[Float]], extras: [String: [Float]], classNames: [String]? = nil) {
    self.format = format
    self.values = values
    self.extras = extras
    self.classNames = classNames
  }
}

/// Reading and writing Keras weight files (see `read(path:layers:)` and
/// `write(path:format:modelName:layers:values:modelConfig:extras:)`).
public enum KerasWeightFile {}

// MARK: - Message helpers

extension LayerInfo {
  /// "'dense_1' (Dense)", for error messages.
  var label: String { "'\(name)' (\(className))" }

  /// "kernel, bias", for error messages.
  var weightNameList: String { weights.map(\.name).joined(separator: ", ") }
}
