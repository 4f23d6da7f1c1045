// Model.swift: `Sequential` and `compile`: the builder's entry points, read like Keras.

/// Collects the layers written inside `Sequential { … }`.
@resultBuilder
public enum LayerBuilder {
  public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
  public static func buildExpression(_ layers: [any Layer]) -> [any Layer] { layers }
  public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
  public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
  public static func buildEither(first part: [any Layer]) -> [any Layer] { part }
  public static func buildEither(second part: [any Layer]) -> [any Layer] { part }
  public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}

/// `keras.Sequential`: a stack of layers on an input of fixed shape (without the batch dimension).
public struct Sequential: Sendable {
  public var name: String
  public var input: [Int]
  public var layers: [any Layer]

  public init(name: String, input: [Int], @LayerBuilder _ layers: () -> [any Layer]) {
    self.name = name
    self.input = input
    self.layers = layers()
  }

  /// `model.compile(loss=…, optimizer=…, metrics=[…])`.
  /// `fromLogits` is Keras's `from_logits=True` for the crossentropies: the output layer is linear (logits) and
  /// the loss applies the sigmoid or softmax itself; predictions are the logits, as in Keras.
  public func compile(loss: Loss, fromLogits: Bool = false, optimizer: OptimizerConfig = .rmsprop(), metrics: [Metric] = []) -> Model {
    Model(sequential: self, loss: loss, fromLogits: fromLogits, optimizer: optimizer, metrics: metrics)
  }
}

/// A compiled model: architecture, loss, optimizer, metrics, and the `fit` defaults its trainer starts from.
public struct Model: Sendable {
  public var sequential: Sequential
  public var loss: Loss
  /// Keras's `from_logits=True` (crossentropies only).
  public var fromLogits = false
  public var optimizer: OptimizerConfig
  public var metrics: [Metric]
  /// Keras `fit` defaults: epochs 1, batch size 32, no validation split.
  public var epochs = 1
  public var batchSize = 32
  public var validationSplit = 0.0
  /// Keras's `shuffle=True`: a new order of the training rows every epoch (false: file order).
  public var shuffle = true
  /// A one-line description shown by `precast list`.
  public var summary = ""

  public var name: String { sequential.name }

  /// Sets the trainer's defaults, as the tutorial's `model.fit(…, epochs=150, batch_size=10)`; `shuffle: false` is
  /// Keras's `fit(shuffle=False)` (the trainer's `--shuffle` turns it back on).
  public func fit(epochs: Int, batchSize: Int, validationSplit: Double = 0, shuffle: Bool = true) -> Model {
    var model = self
    model.epochs = epochs
    model.batchSize = batchSize
    model.validationSplit = validationSplit
    model.shuffle = shuffle
    return model
  }

  /// Attaches a description for `precast list`.
  public func described(_ text: String) -> Model {
    var model = self
    model.summary = text
    return model
  }
}
