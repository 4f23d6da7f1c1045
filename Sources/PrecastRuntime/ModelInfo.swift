// ModelInfo.swift: what a generated model tells the runtime about itself, and the protocol it conforms to.

/// Where one weight lives in the flat parameter buffer: its layer, its offset, and its description.
public struct WeightSlot: Sendable {
  public var layer: String
  /// Offset into `CompiledModel.parameters`, in floats.
  public var offset: Int
  public var weight: WeightSpec

  public var name: String { weight.name }
  public var shape: [Int] { weight.shape }
  public var initializer: Initializer { weight.initializer }
  public var fanIn: Int { weight.fanIn }
  public var fanOut: Int { weight.fanOut }
  public var trainable: Bool { weight.trainable }
  public var regularizer: Regularizer? { weight.regularizer }
  public var constraint: Constraint? { weight.constraint }
  public var count: Int { weight.count }

  /// The slot of the weight `name` of `layer` at `offset` (the literal a generated model writes).
  public init(
    layer: String, name: String, shape: [Int], offset: Int, initializer: Initializer, fanIn: Int, fanOut: Int,
    trainable: Bool = true, regularizer: Regularizer? = nil, constraint: Constraint? = nil
  ) {
    self.layer = layer
    self.offset = offset
    weight = WeightSpec(
      name: name, shape: shape, initializer: initializer, fanIn: fanIn, fanOut: fanOut, trainable: trainable,
      regularizer: regularizer, constraint: constraint)
  }
}

/// Keras `fit` defaults a generated trainer starts from (its command line overrides them).
public struct TrainingDefaults: Sendable {
  public var epochs: Int
  public var batchSize: Int
  public var validationSplit: Double
  /// Keras's `shuffle`: false keeps the batches in file order every epoch (`fit(…, shuffle: false)`).
  public var shuffle: Bool
  public init(epochs: Int, batchSize: Int, validationSplit: Double, shuffle: Bool = true) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.validationSplit = validationSplit
    self.shuffle = shuffle
  }
}

/// Everything static about a generated model: shapes, the Keras layer table, loss, metrics, optimizer.
public struct ModelInfo: Sendable {
  public var name: String
  /// One sample's input shape, e.g. [8] or [28, 28].
  public var inputShape: [Int]
  public var outputSize: Int
  /// The Keras layer table (every layer, weightless ones included), used to read and write weight files; each
  /// layer's `weights` are its slots' names and shapes.
  public var layers: [LayerInfo]
  /// Weights in layer order, then Keras's weight order.
  public var weights: [WeightSlot]
  /// The ranges of `parameters` the optimizer trains, one per trainable weight (Keras's trainable variables).
  public var trainableRanges: [Range<Int>] { weights.filter(\.trainable).map { $0.offset..<($0.offset + $0.count) } }
  public var parameterCount: Int
  public var loss: Loss
  /// Keras's `from_logits=True`: the output layer is linear and the crossentropy applies sigmoid/softmax itself.
  public var fromLogits: Bool
  public var metrics: [Metric]
  public var accuracyKind: AccuracyKind
  public var optimizer: OptimizerConfig
  public var defaults: TrainingDefaults
  /// `model.to_json()` of the equivalent Keras model, stored as `model_config` in legacy .h5 files (and, with a
  /// `compile_config`, as a `.keras` file's config.json).
  public var kerasModelConfig: String
  /// The layers whose work is GEMMs (Dense, Conv2D), for the benchmark.
  public var gemmLayers: [GemmLayer]

  public init(
    name: String, inputShape: [Int], outputSize: Int, layers: [LayerInfo], weights: [WeightSlot],
    parameterCount: Int, loss: Loss, fromLogits: Bool = false, metrics: [Metric], accuracyKind: AccuracyKind,
    optimizer: OptimizerConfig, defaults: TrainingDefaults, kerasModelConfig: String, gemmLayers: [GemmLayer] = []
  ) {
    self.gemmLayers = gemmLayers
    self.name = name
    self.inputShape = inputShape
    self.outputSize = outputSize
    // The slots are the one description of the weights: a layer's table entry takes its names and shapes from them.
    self.layers = layers.map { layer in
      var layer = layer
      if layer.weights.isEmpty {
        layer.weights = weights.filter { $0.layer == layer.name }.map { WeightInfo(name: $0.name, shape: $0.shape) }
      }
      return layer
    }
    self.weights = weights
    self.parameterCount = parameterCount
    self.loss = loss
    self.fromLogits = fromLogits
    self.metrics = metrics
    self.accuracyKind = accuracyKind
    self.optimizer = optimizer
    self.defaults = defaults
    self.kerasModelConfig = kerasModelConfig
  }

  /// Keras's `model.summary()` table of the model.
  public var summary: String {
    let rows = layers.map { layer in
      SummaryRow(name: layer.name, className: layer.className, outputShape: layer.outputShape,
                 parameters: weights.filter { $0.layer == layer.name }.reduce(0) { $0 + $1.count })
    }
    let trainable = weights.filter(\.trainable).reduce(0) { $0 + $1.count }
    return kerasSummary(model: name, rows: rows, trainable: trainable, nonTrainable: parameterCount - trainable)
  }

  /// Floats per input sample.
  public var inputSize: Int { inputShape.reduce(1, *) }
  /// Floats per target row: 1 (an integer label) for sparse crossentropy, else the output size.
  public var targetSize: Int { loss == .sparseCategoricalCrossentropy ? 1 : outputSize }
  /// True for losses whose targets are classes (the crossentropies: a label column is accepted).
  public var isClassifier: Bool { !loss.isElementwise }
  /// The input_dim of the model's first layer when it is an Embedding (its inputs are indices below it).
  public var embeddingInputDim: Int? {
    guard let first = layers.first, first.className == "Embedding" else { return nil }
    return first.weights.first?.shape.first
  }
}

/// The interface every generated model implements. All buffers are allocated in `init`, for at most
/// `maxBatch` samples; no call allocates.
public protocol CompiledModel: AnyObject {
  static var info: ModelInfo { get }
  init(maxBatch: Int)
  var maxBatch: Int { get }
  /// All trainable parameters, [info.parameterCount], carved into weights by `info.weights`.
  var parameters: UnsafeMutablePointer<Float> { get }
  /// ∂loss/∂parameters of the last `trainStep`, [info.parameterCount].
  var gradients: UnsafeMutablePointer<Float> { get }
  /// Inference forward pass of `n` samples x [n, inputSize]; returns the outputs [n, outputSize],
  /// valid until the next call.
  func predict(_ x: UnsafePointer<Float>, count n: Int) -> UnsafePointer<Float>
  /// Training forward pass (dropout on), loss, and backward pass; overwrites `gradients`.
  /// Returns the batch's mean loss; `output` then holds the training-mode predictions.
  func trainStep(_ x: UnsafePointer<Float>, targets: UnsafePointer<Float>, count n: Int, rng: inout Random) -> Double
  /// Inference forward pass and loss (validation, evaluation); `output` holds the predictions.
  func evaluate(_ x: UnsafePointer<Float>, targets: UnsafePointer<Float>, count n: Int) -> Double
  /// The output buffer [maxBatch, outputSize] of the last pass.
  var output: UnsafePointer<Float> { get }
  /// When set, `trainStep` records each layer's time (forward and backward) in it.
  var probe: StepProbe? { get set }
  /// Per-sample loss weights for `trainStep` (Keras's sample_weight / class_weight), [n], or nil.
  var sampleWeights: UnsafePointer<Float>? { get set }
  /// Layers frozen for this run (the trainer's --freeze): a BatchNormalization among them runs in inference mode
  /// in `trainStep`, as Keras runs one whose `trainable` is false (moving statistics used, not updated).
  var frozenLayers: Set<String> { get set }
}

extension ModelInfo {
  /// `kerasModelConfig` with `trainable: false` on the layers named in `frozen` (the trainer's --freeze), as Keras
  /// writes a layer its user froze before compiling: Keras's `load_model` then builds its optimizer for the same
  /// variables Precast trained, and restores their state.
  public func kerasModelConfig(frozen: Set<String>) -> String {
    guard !frozen.isEmpty, let config = try? JSON.parse(kerasModelConfig), let inner = config["config"],
      let layers = inner["layers"]?.arrayValue
    else { return kerasModelConfig }
    let marked = layers.map { layer -> JSON in
      guard let settings = layer["config"], let name = settings["name"]?.stringValue, frozen.contains(name) else { return layer }
      return layer.setting("config", to: settings.setting("trainable", to: .bool(false)))
    }
    return config.setting("config", to: inner.setting("layers", to: .array(marked))).rendered
  }
}

/// A generated convnet that can show what it computes (the inference binary's --activations, --filters and
/// --heatmap): an inference forward pass that keeps every layer's output, and an inference-mode backward pass from
/// any layer's output to any lower layer's output or to the input. Their scratch is allocated on first use; the
/// training passes do not change.
public protocol InspectableModel: CompiledModel {
  /// Inference forward pass of x [n, inputSize] (n ≤ maxBatch) through layer `last`, keeping every layer's output.
  func inspectForward(_ x: UnsafePointer<Float>, count n: Int, through last: Int)
  /// Layer `layer`'s output [n, info.layers[layer].outputShape] after `inspectForward`; nil for Dropout, Flatten, Reshape.
  func inspectOutput(layer: Int) -> UnsafePointer<Float>?
  /// After `inspectForward(x, count: n, through:)` at least to `top`: from seed = ∂s/∂(layer `top`'s output) [n, its size] to ∂s/∂(layer
  /// `bottom`'s output), or to ∂s/∂x [n, inputSize] when `bottom` is −1. Valid until the next call.
  func inspectBackward(_ x: UnsafePointer<Float>, from top: Int, to bottom: Int, seed: UnsafePointer<Float>, count n: Int) -> UnsafePointer<Float>
}

extension InspectableModel {
  /// Inference forward pass through every layer, keeping each layer's output.
  public func inspectForward(_ x: UnsafePointer<Float>, count n: Int) {
    inspectForward(x, count: n, through: Self.info.layers.count - 1)
  }
}
