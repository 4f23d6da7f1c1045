// Spec.swift: the checked model: Keras layer names, every shape inferred, mistakes reported by layer.

/// A mistake in a model description, reported at generation time with the layer and the shapes.
public struct SpecError: Error, CustomStringConvertible, Equatable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// One weight of a layer: Keras name, shape, initializer and fans.
public struct WeightSpec: Sendable, Equatable {
  public var name: String
  public var shape: [Int]
  public var initializer: Initializer
  public var fanIn: Int
  public var fanOut: Int
  public var count: Int { shape.reduce(1, *) }
}

/// One layer with its Keras name and inferred shapes (per sample, without the batch dimension).
public struct LayerSpec: Sendable, Equatable {
  public var name: String
  public var declaration: LayerDeclaration
  public var inputShape: [Int]
  public var outputShape: [Int]
  public var weights: [WeightSpec]
  public var className: String { declaration.className }
  public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }
}

/// The checked description of a compiled model.
public struct ModelSpec: Sendable, Equatable {
  public var name: String
  public var inputShape: [Int]
  public var layers: [LayerSpec]
  public var loss: Loss
  public var optimizer: OptimizerConfig
  public var metrics: [Metric]
  public var epochs: Int
  public var batchSize: Int
  public var validationSplit: Double

  public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }
  public var outputSize: Int { outputShape.reduce(1, *) }
  public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

  /// Which accuracy Keras picks for "accuracy": sparse with sparse crossentropy, binary for one output, else categorical.
  public var accuracyKind: AccuracyKind {
    if loss == .sparseCategoricalCrossentropy { return .sparseCategorical }
    return outputSize == 1 || loss == .binaryCrossentropy ? .binary : .categorical
  }

  /// The activation of the model's output, when the last layer has one.
  public var outputActivation: ActivationFunction? {
    switch layers.last?.declaration.kind {
    case .dense(_, let activation, _, _, _): return activation
    case .activation(let activation): return activation
    default: return nil
    }
  }

  /// True when the loss is computed from the logits (sigmoid + binary, softmax + categorical crossentropy), as Keras does.
  public var lossFromLogits: Bool {
    switch (outputActivation, loss) {
    case (.sigmoid?, .binaryCrossentropy): return true
    case (.softmax?, .categoricalCrossentropy), (.softmax?, .sparseCategoricalCrossentropy): return true
    default: return false
    }
  }

  /// Checks `model` and infers every shape; throws a `SpecError` naming the layer and the shapes.
  public init(_ model: Model) throws(SpecError) {
    let seq = model.sequential
    guard isIdentifier(seq.name) else {
      throw SpecError("model name '\(seq.name)' must start with a letter and contain only letters, digits, '-' and '_'")
    }
    guard !seq.input.isEmpty, seq.input.allSatisfy({ $0 > 0 }) else {
      throw SpecError("model '\(seq.name)': input shape \(seq.input) must be non-empty with positive sizes")
    }
    guard !seq.layers.isEmpty else { throw SpecError("model '\(seq.name)' has no layers") }
    name = seq.name
    inputShape = seq.input
    loss = model.loss
    optimizer = model.optimizer
    metrics = model.metrics
    epochs = model.epochs
    batchSize = model.batchSize
    validationSplit = model.validationSplit
    layers = try inferLayers(seq.layers.map(\.declaration), input: seq.input)
    try checkCompile(model)
  }

  private func checkCompile(_ model: Model) throws(SpecError) {
    let last = layers[layers.count - 1]
    let where_ = "model '\(name)', output layer '\(last.name)' (\(last.className)) with output \(outputShape)"
    guard outputShape.count == 1 else {
      throw SpecError("\(where_): the output must be 1-D per sample; add Flatten() and a Dense layer")
    }
    switch loss {
    case .categoricalCrossentropy, .sparseCategoricalCrossentropy:
      guard outputSize >= 2 else {
        throw SpecError("\(where_): \(loss.rawValue) needs at least 2 output units (use binaryCrossentropy with one sigmoid unit)")
      }
    default: break
    }
    guard model.epochs >= 1, model.batchSize >= 1, (0..<1).contains(model.validationSplit) else {
      throw SpecError("model '\(name)': fit(epochs: \(model.epochs), batchSize: \(model.batchSize), validationSplit: \(model.validationSplit)) is out of range")
    }
    if case .sgd(let lr, let momentum, _) = optimizer, lr <= 0 || momentum < 0 || momentum >= 1 {
      throw SpecError("model '\(name)': SGD needs learningRate > 0 and 0 ≤ momentum < 1")
    }
    if optimizer.learningRate <= 0 { throw SpecError("model '\(name)': the learning rate must be positive") }
  }
}

// MARK: - Names and shapes

/// Names layers as Keras does (class name in snake_case, numbered per class: dense, dense_1, …) and infers shapes.
func inferLayers(_ declarations: [LayerDeclaration], input: [Int]) throws(SpecError) -> [LayerSpec] {
  var counters: [String: Int] = [:]
  var used = Set<String>()
  var shape = input
  var result: [LayerSpec] = []
  for declaration in declarations {
    let base = snakeCase(declaration.className)
    var name: String
    if let given = declaration.name {
      guard isIdentifier(given) else { throw SpecError("layer name '\(given)' must be letters, digits, '-' and '_'") }
      name = given
    } else {
      repeat {
        let k = counters[base, default: 0]
        counters[base] = k + 1
        name = k == 0 ? base : "\(base)_\(k)"
      } while used.contains(name)
    }
    guard used.insert(name).inserted else { throw SpecError("two layers are named '\(name)'") }
    let layer = try inferLayer(declaration, name: name, input: shape)
    result.append(layer)
    shape = layer.outputShape
  }
  return result
}

func inferLayer(_ d: LayerDeclaration, name: String, input: [Int]) throws(SpecError) -> LayerSpec {
  let what = "layer '\(name)' (\(d.className))"
  var output = input
  var weights: [WeightSpec] = []
  switch d.kind {
  case .dense(let units, _, let useBias, let kernelInit, let biasInit):
    guard units > 0 else { throw SpecError("\(what): units must be positive, got \(units)") }
    guard input.count == 1 else {
      throw SpecError("\(what): expects a 1-D input per sample, got \(input); add Flatten() before it")
    }
    output = [units]
    weights.append(WeightSpec(name: "kernel", shape: [input[0], units], initializer: kernelInit, fanIn: input[0], fanOut: units))
    if useBias {
      weights.append(WeightSpec(name: "bias", shape: [units], initializer: biasInit, fanIn: input[0], fanOut: units))
    }
  case .dropout(let rate):
    guard rate >= 0, rate < 1 else { throw SpecError("\(what): rate must be in [0, 1), got \(rate)") }
  case .activation:
    break
  case .flatten:
    output = [input.reduce(1, *)]
  }
  return LayerSpec(name: name, declaration: d, inputShape: input, outputShape: output, weights: weights)
}

/// Keras's `to_snake_case`: "Dense" → "dense", "BatchNormalization" → "batch_normalization", "Conv2D" → "conv2d".
public func snakeCase(_ name: String) -> String {
  var out = ""
  let chars = Array(name)
  for (i, c) in chars.enumerated() {
    if c.isUppercase, i > 0, chars[i - 1].isLowercase || (i + 1 < chars.count && chars[i + 1].isLowercase && chars[i - 1].isLetter) {
      out.append("_")
    }
    out.append(Character(c.lowercased()))
  }
  return out
}

func isIdentifier(_ s: String) -> Bool {
  guard let first = s.first, first.isLetter, first.isASCII else { return false }
  return s.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }
}
