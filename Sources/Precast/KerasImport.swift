// KerasImport.swift: `precast import`: a Keras model's config (a `.keras` file's config.json, a legacy `.h5`'s
// model_config and training_config, or `model.to_json()`) → the builder's `Model`, and that model as the Swift file a
// user would have written (`swiftSource`). The reading side of KerasConfig.swift: the same Keras names and defaults.
import Foundation
import PrecastCore

/// Reads Keras model configs in both dialects: Keras 3 (`batch_shape`, dtype-policy objects, `module` /
/// `registered_name`, `keras_history` inbound nodes) and tf-keras 2.x (`batch_input_shape`, nested-list nodes).
public enum KerasImport {
  /// The model `config` (`{"class_name": "Sequential" | "Functional" | "Model", "config": {…}}`) describes, named
  /// `name`, compiled as `compile` says: Keras 3's `compile_config` or legacy `training_config` (`loss`,
  /// `optimizer_config`, `metrics`). Without either, `loss` (a Keras loss name) must be given; the optimizer is
  /// then Keras's default, RMSprop. Anything Precast cannot compute is refused, naming the layer and argument.
  public static func model(config: JSON, compile: JSON?, name: String, loss lossName: String? = nil) throws(SpecError) -> Model {
    let layers = try chain(config)
    guard let first = layers.first else { throw SpecError("the model has no layers") }
    var input: [Int]?
    var declarations: [any Layer] = []
    var normalizedAxes: [(layer: Int, axis: Int, name: String)] = []  // BatchNormalization's axis as tf-keras writes it
    for layer in layers {
      let className = layer["class_name"]?.stringValue ?? "?"
      let c = layer["config"] ?? .object([])
      if input == nil, let shape = c["batch_shape"] ?? c["batch_input_shape"], case .array(let dims) = shape {
        input = try dims.dropFirst().map { dim throws(SpecError) -> Int in
          guard case .int(let n) = dim, n > 0 else { throw SpecError("input shape \(shape.rendered): every dimension but the batch must be fixed") }
          return n
        }
      }
      if className == "InputLayer" { continue }
      if className == "BatchNormalization", let entry = c["axis"] {
        let axes = entry.arrayValue ?? [entry]
        guard axes.count == 1, case .int(let axis) = axes[0], axis == -1 || axis > 0 else {
          throw SpecError("layer '\(c["name"]?.stringValue ?? "?")' (BatchNormalization): axis=\(entry.rendered) is not supported (Precast normalises the last axis)")
        }
        if axis > 0 { normalizedAxes.append((declarations.count, axis, c["name"]?.stringValue ?? "?")) }
      }
      declarations.append(try ImportedLayer(try KerasLayerConfig(className: className, c)))
    }
    if input == nil, case .array(let dims)? = config["config"]?["build_input_shape"] ?? config["build_config"]?["input_shape"] {
      input = dims.dropFirst().compactMap { if case .int(let n) = $0 { n } else { nil } }
    }
    guard let input, !input.isEmpty else {
      throw SpecError("no input shape: the config's first layer (\(first["class_name"]?.stringValue ?? "?")) has no batch_shape")
    }
    let training = try KerasCompile(compile, loss: lossName)
    let model = Sequential(name: name, input: input) { declarations }
      .compile(loss: training.loss, fromLogits: training.fromLogits, optimizer: training.optimizer, metrics: training.metrics)
    if !normalizedAxes.isEmpty {  // a positive axis (tf-keras: [1] for [None, 64]) must be the last one
      let spec = try ModelSpec(model)
      for (index, axis, layerName) in normalizedAxes where axis != spec.layers[index].inputShape.count {
        throw SpecError("layer '\(layerName)' (BatchNormalization): axis=\(axis) is not supported (Precast normalises the last axis, \(spec.layers[index].inputShape.count))")
      }
    }
    return model
  }

  /// The layers of a Sequential model, or of a functional model that is a plain chain (one input, each layer fed by
  /// the one before it, one output), in order. Branches and several inputs are refused.
  static func chain(_ config: JSON) throws(SpecError) -> [JSON] {
    let className = config["class_name"]?.stringValue ?? ""
    guard let layers = config["config"]?["layers"]?.arrayValue else {
      throw SpecError("not a Keras model config (no config.layers; class_name '\(className)')")
    }
    switch className {
    case "Sequential":
      return layers
    case "Functional", "Model":
      var previous: String?
      for layer in layers {
        let name = layer["config"]?["name"]?.stringValue ?? layer["name"]?.stringValue ?? "?"
        let sources = inboundLayerNames(layer["inbound_nodes"] ?? .array([]))
        if let previous {
          guard sources == [previous] else {
            let from = sources.isEmpty ? "no input" : sources.joined(separator: ", ")
            throw SpecError(
              "layer '\(name)' (\(layer["class_name"]?.stringValue ?? "?")) takes \(from), not the layer before it ('\(previous)'): "
                + "only a plain chain of layers imports (no branches or several inputs)")
          }
        } else if !sources.isEmpty {
          throw SpecError("layer '\(name)' comes first but takes \(sources.joined(separator: ", ")): several inputs do not import")
        }
        previous = name
      }
      return layers
    default:
      throw SpecError("class_name '\(className)': only Sequential models and functional chains import")
    }
  }

  /// The names of the layers a functional layer's inbound nodes read: Keras 3's `keras_history` tensors or
  /// tf-keras's `[[name, node, tensor, kwargs]]` lists.
  static func inboundLayerNames(_ nodes: JSON) -> [String] {
    switch nodes {
    case .object:
      if let history = nodes["keras_history"]?.arrayValue, let name = history.first?.stringValue { return [name] }
      guard case .object(let pairs) = nodes else { return [] }
      return pairs.flatMap { inboundLayerNames($0.1) }
    case .array(let items):
      if items.count >= 3, let name = items[0].stringValue, case .int = items[1] { return [name] }
      return items.flatMap(inboundLayerNames)
    default:
      return []
    }
  }

  /// The model config and compile settings of a Keras file: `.keras` (config.json with compile_config), a legacy `.h5`
  /// (given its `model_config` and `training_config` attribute texts), or a `model.to_json()` file.
  public static func configs(modelConfig: String, compileConfig: String?, file: String) throws(SpecError) -> (model: JSON, compile: JSON?) {
    func parse(_ text: String, _ what: String) throws(SpecError) -> JSON {
      do { return try JSON.parse(text) } catch { throw SpecError("\(file): \(what) is not JSON (\(error))") }
    }
    var model = try parse(modelConfig, "the model config")
    var compile = try compileConfig.map { text throws(SpecError) in try parse(text, "the training config") }
    if let inner = model["compile_config"], compile == nil { compile = inner }  // a .keras config.json
    if model["class_name"] == nil, let inner = model["config"], inner["class_name"] != nil { model = inner }
    return (model, compile)
  }
}

// MARK: - Layers

/// One layer's config with typed accessors whose errors name the layer, its class and the argument.
struct KerasLayerConfig {
  let className: String
  let config: JSON
  var name: String { config["name"]?.stringValue ?? "?" }

  init(className: String, _ config: JSON) {
    self.className = className
    self.config = config
  }

  func error(_ key: String, _ problem: String) -> SpecError {
    SpecError("layer '\(name)' (\(className)): \(key)=\(config[key]?.rendered ?? "missing") \(problem)")
  }

  func int(_ key: String) throws(SpecError) -> Int {
    guard case .int(let n)? = config[key] else { throw error(key, "is not an integer") }
    return n
  }

  func double(_ key: String, default value: Double) throws(SpecError) -> Double {
    switch config[key] {
    case nil, .null?: return value
    case .int(let n)?: return Double(n)
    case .number(let d)?: return d
    default: throw error(key, "is not a number")
    }
  }

  func bool(_ key: String, default value: Bool) throws(SpecError) -> Bool {
    switch config[key] {
    case nil, .null?: return value
    case .bool(let b)?: return b
    default: throw error(key, "is not true or false")
    }
  }

  func string(_ key: String, default value: String) throws(SpecError) -> String {
    guard let entry = config[key], entry != .null else { return value }
    guard let text = entry.stringValue else { throw error(key, "is not a string") }
    return text
  }

  /// An integer or a list of integers (kernel_size 3 or [3, 3]) as Size2D; `count` 1 for the 1-D layers.
  func size(_ key: String, count: Int, default value: Int? = nil) throws(SpecError) -> Size2D {
    switch config[key] {
    case .int(let n)?: return count == 1 ? Size2D(1, n) : Size2D(n, n)
    case .array(let items)? where items.count == count:
      let numbers = items.compactMap { if case .int(let n) = $0 { n } else { nil } }
      guard numbers.count == count else { throw error(key, "is not a list of integers") }
      return count == 1 ? Size2D(1, numbers[0]) : Size2D(numbers[0], numbers[1])
    case nil, .null?:
      guard let value else { throw error(key, "is required") }
      return count == 1 ? Size2D(1, value) : Size2D(value, value)
    default: throw error(key, "is not \(count == 1 ? "an integer" : "two integers")")
    }
  }

  /// `key` must be absent or equal `expected` (arguments Precast computes only in Keras's default form).
  func require(_ key: String, _ expected: JSON...) throws(SpecError) {
    guard let value = config[key] else { return }
    guard expected.contains(value) else { throw error(key, "is not supported (Precast computes \(expected.map(\.rendered).joined(separator: " or ")))") }
  }

  func activation(_ key: String = "activation", default value: ActivationFunction = .linear) throws(SpecError) -> ActivationFunction {
    switch config[key] {
    case nil, .null?: return value
    case .string(let name)?:
      guard let function = ActivationFunction(kerasName: name) else { throw error(key, "is not an activation Precast computes") }
      return function
    case .object?:
      // Keras 3 serialises a parameterised activation as its layer object (LeakyReLU, ELU, ReLU, …).
      let inner = KerasLayerConfig(className: config[key]?["class_name"]?.stringValue ?? "?", config[key]?["config"] ?? .object([]))
      return try inner.activationLayer()
    default: throw error(key, "is not an activation")
    }
  }

  /// The function of an activation layer: Activation, LeakyReLU (negative_slope; tf-keras: alpha), ELU, ReLU, Softmax.
  func activationLayer() throws(SpecError) -> ActivationFunction {
    switch className {
    case "Activation": return try activation(default: .linear)
    case "LeakyReLU":
      let slope = config["negative_slope"] != nil ? try double("negative_slope", default: 0.3) : try double("alpha", default: 0.3)
      return .leakyRelu(alpha: Float(slope))
    case "ELU": return .elu(alpha: Float(try double("alpha", default: 1)))
    case "ReLU":
      try require("max_value", .null)
      try require("threshold", .int(0), .number(0))
      let slope = try double("negative_slope", default: 0)
      return slope == 0 ? .relu : .leakyRelu(alpha: Float(slope))
    case "Softmax":
      try require("axis", .int(-1))
      return .softmax
    default: throw SpecError("layer '\(name)' (\(className)): not an activation Precast computes")
    }
  }

  func initializer(_ key: String, default value: Initializer) throws(SpecError) -> Initializer {
    guard let entry = config[key], entry != .null else { return value }
    let name = entry["class_name"]?.stringValue ?? entry.stringValue ?? "?"
    let c = KerasLayerConfig(className: className, entry["config"] ?? .object([]))
    func number(_ k: String, _ d: Double) throws(SpecError) -> Float { Float(try c.double(k, default: d)) }
    switch KerasNames.snakeCase(name).replacingOccurrences(of: "_", with: "") {
    case "glorotuniform": return .glorotUniform
    case "glorotnormal": return .glorotNormal
    case "heuniform": return .heUniform
    case "henormal": return .heNormal
    case "lecununiform": return .lecunUniform
    case "lecunnormal": return .lecunNormal
    case "zeros": return .zeros
    case "ones": return .ones
    case "constant": return .constant(try number("value", 0))
    case "randomnormal":
      let (mean, stddev) = (try number("mean", 0), try number("stddev", 0.05))
      return mean == 0 && stddev == 0.05 ? .normal : .randomNormal(mean: mean, stddev: stddev)
    case "randomuniform":
      let (low, high) = (try number("minval", -0.05), try number("maxval", 0.05))
      return low == -0.05 && high == 0.05 ? .uniform : .randomUniform(minval: low, maxval: high)
    case "truncatednormal": return .truncatedNormal(mean: try number("mean", 0), stddev: try number("stddev", 0.05))
    case "orthogonal": return .orthogonal(gain: try number("gain", 1))
    default: throw error(key, "is an initializer Precast does not have")
    }
  }

  func regularizer(_ key: String) throws(SpecError) -> Regularizer? {
    guard let entry = config[key], entry != .null else { return nil }
    let c = KerasLayerConfig(className: className, entry["config"] ?? .object([]))
    let (l1, l2) = (Float(try c.double("l1", default: 0)), Float(try c.double("l2", default: 0)))
    switch entry["class_name"]?.stringValue {
    case "L1"?, "l1"?: return .l1(l1)
    case "L2"?, "l2"?: return .l2(l2)
    case "L1L2"?, "l1_l2"?: return .l1l2(l1: l1, l2: l2)
    default: throw error(key, "is a regularizer Precast does not have")
    }
  }

  func constraint(_ key: String) throws(SpecError) -> Constraint? {
    guard let entry = config[key], entry != .null else { return nil }
    let c = entry["config"] ?? .object([])
    func axes(_ d: [Int]) -> [Int] {
      switch c["axis"] {
      case .int(let n)?: return [n]
      case .array(let items)?: return items.compactMap { if case .int(let n) = $0 { n } else { nil } }
      default: return d
      }
    }
    switch entry["class_name"]?.stringValue {
    case "MaxNorm"?:
      return .maxNorm(maxValue: Float(try KerasLayerConfig(className: className, c).double("max_value", default: 2)), axes: axes([0]))
    case "NonNeg"?: return .nonNeg
    case "UnitNorm"?: return .unitNorm(axes: axes([0]))
    default: throw error(key, "is a constraint Precast does not have")
    }
  }

  /// Regularizers, constraints and `trainable` of a weighted layer.
  func options() throws(SpecError) -> LayerOptions {
    LayerOptions(
      kernelRegularizer: try regularizer("kernel_regularizer"), biasRegularizer: try regularizer("bias_regularizer"),
      activityRegularizer: try regularizer("activity_regularizer"), kernelConstraint: try constraint("kernel_constraint"),
      biasConstraint: try constraint("bias_constraint"), trainable: try bool("trainable", default: true))
  }
}

/// A layer given by its declaration: built from its Keras config, or a copy of another layer's.
struct ImportedLayer: Layer {
  let declaration: LayerDeclaration

  init(declaration: LayerDeclaration) { self.declaration = declaration }

  init(_ k: KerasLayerConfig) throws(SpecError) {
    let oneD = k.className.hasSuffix("1D")
    var d: LayerDeclaration
    if oneD || k.className.hasSuffix("2D") { try k.require("data_format", .string("channels_last")) }
    switch k.className {
    case "Dense":
      d = LayerDeclaration(
        kind: .dense(
          units: try k.int("units"), activation: try k.activation(), useBias: try k.bool("use_bias", default: true),
          kernelInitializer: try k.initializer("kernel_initializer", default: .glorotUniform),
          biasInitializer: try k.initializer("bias_initializer", default: .zeros)),
        name: k.name, options: try k.options())
    case "Activation", "LeakyReLU", "ELU", "ReLU", "Softmax":
      d = LayerDeclaration(kind: .activation(try k.activationLayer()), name: k.name)
      d.options.activationClass = ActivationLayerClass(rawValue: k.className)
      if d.options.activationClass == .relu, d.kind != .activation(.relu) {
        throw k.error("negative_slope", "is not supported on ReLU (a LeakyReLU layer computes it)")
      }
    case "Dropout":
      try k.require("noise_shape", .null)
      d = LayerDeclaration(kind: .dropout(rate: try k.double("rate", default: 0)), name: k.name)
    case "Flatten":
      d = LayerDeclaration(kind: .flatten, name: k.name)
    case "Conv2D", "Conv1D":
      try k.require("groups", .int(1))
      let count = oneD ? 1 : 2
      let padding = try k.string("padding", default: "valid")
      guard let p = Padding(rawValue: padding), p != .causal || oneD else { throw k.error("padding", "is not valid, same\(oneD ? " or causal" : "")") }
      var options = try k.options()
      options.dilation = try k.size("dilation_rate", count: count, default: 1)
      d = LayerDeclaration(
        kind: .conv2D(
          filters: try k.int("filters"), kernelSize: try k.size("kernel_size", count: count),
          strides: try k.size("strides", count: count, default: 1), padding: p, activation: try k.activation(),
          useBias: try k.bool("use_bias", default: true),
          kernelInitializer: try k.initializer("kernel_initializer", default: .glorotUniform),
          biasInitializer: try k.initializer("bias_initializer", default: .zeros)),
        name: k.name, options: options)
    case "MaxPooling2D", "MaxPooling1D", "AveragePooling2D", "AveragePooling1D":
      let count = oneD ? 1 : 2
      let size = try k.size("pool_size", count: count, default: 2)
      let strides = k.config["strides"] == nil || k.config["strides"] == .null ? size : try k.size("strides", count: count)
      guard let p = Padding(rawValue: try k.string("padding", default: "valid")), p != .causal else { throw k.error("padding", "is not valid or same") }
      d = LayerDeclaration(kind: .pooling2D(k.className.hasPrefix("Max") ? .max : .average, poolSize: size, strides: strides, padding: p), name: k.name)
    case "GlobalMaxPooling2D", "GlobalMaxPooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling1D":
      try k.require("keepdims", .bool(false))
      d = LayerDeclaration(kind: .globalPooling2D(k.className.hasPrefix("GlobalMax") ? .max : .average), name: k.name)
    case "BatchNormalization":  // its axis is checked against the input's rank by `KerasImport.model`
      d = LayerDeclaration(
        kind: .batchNormalization(
          momentum: try k.double("momentum", default: 0.99), epsilon: try k.double("epsilon", default: 0.001),
          center: try k.bool("center", default: true), scale: try k.bool("scale", default: true)),
        name: k.name, options: LayerOptions(trainable: try k.bool("trainable", default: true)))
    case "Reshape":
      guard let target = k.config["target_shape"]?.arrayValue else { throw k.error("target_shape", "is not a list") }
      d = LayerDeclaration(kind: .reshape(target.compactMap { if case .int(let n) = $0 { n } else { nil } }), name: k.name)
    case "Embedding":
      var options = LayerOptions(trainable: try k.bool("trainable", default: true))
      options.maskZero = try k.bool("mask_zero", default: false)
      d = LayerDeclaration(
        kind: .embedding(
          inputDim: try k.int("input_dim"), outputDim: try k.int("output_dim"),
          initializer: try k.initializer("embeddings_initializer", default: .uniform)),
        name: k.name, options: options)
    case "Masking":
      d = LayerDeclaration(kind: .masking(value: try k.double("mask_value", default: 0)), name: k.name)
    case "LSTM", "GRU", "SimpleRNN":
      for key in ["return_state", "stateful", "unroll"] { try k.require(key, .bool(false)) }
      try k.require("use_bias", .bool(true))
      if k.className == "LSTM" { try k.require("unit_forget_bias", .bool(true)) }
      var options = LayerOptions(trainable: try k.bool("trainable", default: true))
      options.goBackwards = try k.bool("go_backwards", default: false)
      options.inputDropout = try k.double("dropout", default: 0)
      options.recurrentDropout = try k.double("recurrent_dropout", default: 0)
      options.activation = try k.activation(default: .tanh)
      options.recurrentActivation = k.className == "SimpleRNN" ? .sigmoid : try k.activation("recurrent_activation", default: .sigmoid)
      if k.className == "GRU" { options.resetAfter = try k.bool("reset_after", default: true) }
      options.unsupported = unsupportedRecurrentArguments(options.activation, options.recurrentActivation, options.inputDropout, options.recurrentDropout)
      let units = try k.int("units"), sequences = try k.bool("return_sequences", default: false)
      let kind: LayerDeclaration.Kind =
        switch k.className {
        case "LSTM": .lstm(units: units, returnSequences: sequences)
        case "GRU": .gru(units: units, returnSequences: sequences)
        default: .simpleRNN(units: units, returnSequences: sequences)
        }
      d = LayerDeclaration(kind: kind, name: k.name, options: options)
    case "Bidirectional":
      guard let inner = k.config["layer"], let innerClass = inner["class_name"]?.stringValue else { throw k.error("layer", "is missing") }
      guard let merge = MergeMode(rawValue: try k.string("merge_mode", default: "concat")) else { throw k.error("merge_mode", "is not concat, sum, mul or ave") }
      d = try ImportedLayer(KerasLayerConfig(className: innerClass, inner["config"] ?? .object([]))).declaration
      guard d.isRecurrent else { throw k.error("layer", "wraps \(innerClass): only LSTM, GRU and SimpleRNN") }
      d.options.bidirectional = merge
      d.options.goBackwards = false
      d.name = k.name
    default:
      throw SpecError("layer '\(k.name)' (\(k.className)): Precast has no \(k.className) layer (a Lambda or custom layer cannot be compiled)")
    }
    d.oneDimensional = oneD
    declaration = d
  }
}

// MARK: - Compile config

/// Loss, optimizer and metrics from Keras 3's compile_config or a legacy training_config.
struct KerasCompile {
  var loss: Loss
  var fromLogits = false
  var optimizer: OptimizerConfig = .rmsprop()
  var metrics: [Metric] = []

  init(_ config: JSON?, loss lossName: String?) throws(SpecError) {
    let lossEntry = config?["loss"] ?? lossName.map(JSON.string)
    guard let lossEntry, lossEntry != .null else {
      throw SpecError("the file has no compile config (a model saved before compile, or to_json()): pass --loss NAME")
    }
    (loss, fromLogits) = try KerasCompile.loss(lossEntry)
    if let optimizer = config?["optimizer"] ?? config?["optimizer_config"], optimizer != .null {
      self.optimizer = try KerasCompile.optimizer(optimizer)
    }
    metrics = try KerasCompile.metrics(config?["metrics"] ?? .null)
  }

  static let lossAliases: [String: Loss] = [
    "mse": .meanSquaredError, "mae": .meanAbsoluteError, "mape": .meanAbsolutePercentageError,
    "msle": .meanSquaredLogarithmicError, "kld": .kullbackLeiblerDivergence, "kullback_leibler_divergence": .kullbackLeiblerDivergence,
    "logcosh": .logCosh,
  ]

  static func loss(_ entry: JSON) throws(SpecError) -> (Loss, Bool) {
    if let name = entry.stringValue {
      guard let loss = Loss(rawValue: name) ?? lossAliases[name] else { throw SpecError("loss '\(name)' is not a loss Precast has") }
      return (loss, false)
    }
    if case .array(let items) = entry, items.count == 1 { return try loss(items[0]) }
    let className = entry["class_name"]?.stringValue ?? "?"
    let name = KerasNames.snakeCase(className)
    guard let loss = Loss(rawValue: name) ?? lossAliases[name] else { throw SpecError("loss \(className) is not a loss Precast has") }
    var fromLogits = false
    if case .bool(let b)? = entry["config"]?["from_logits"] { fromLogits = b }
    return (loss, fromLogits)
  }

  static func metrics(_ entry: JSON) throws(SpecError) -> [Metric] {
    var names: [String] = []
    func collect(_ value: JSON) {
      switch value {
      case .string(let s): names.append(s)
      case .array(let items): items.forEach(collect)
      case .object: if let name = value["config"]?["name"]?.stringValue ?? value["class_name"]?.stringValue { names.append(name) }
      default: break
      }
    }
    collect(entry)
    return try names.map { name throws(SpecError) -> Metric in
      let key = name == "acc" ? "accuracy" : name
      guard let metric = Metric(rawValue: key) ?? Metric(rawValue: KerasNames.snakeCase(key)) else {
        throw SpecError("metric '\(name)' is not a metric Precast computes")
      }
      return metric
    }
  }

  static func optimizer(_ entry: JSON) throws(SpecError) -> OptimizerConfig {
    // tf-keras 2.x registers its optimizers as "Custom>Adam".
    let className = (entry["class_name"]?.stringValue ?? entry.stringValue ?? "?").replacingOccurrences(of: "Custom>", with: "")
    let c = KerasLayerConfig(className: "optimizer \(className)", entry["config"] ?? .object([]))
    func number(_ key: String, _ d: Double) throws(SpecError) -> Float {
      if case .object? = c.config[key] { throw SpecError("optimizer \(className): \(key) is a schedule; Precast takes a number") }
      return Float(try c.double(key, default: d))
    }
    func optional(_ key: String) throws(SpecError) -> Float? {
      guard let v = c.config[key], v != .null else { return nil }
      return try number(key, 0)
    }
    let lr = try number("learning_rate", className.lowercased() == "sgd" ? 0.01 : 0.001)
    let (decay, clipNorm, clipValue, globalClipNorm) = (try number("decay", 0), try optional("clipnorm"), try optional("clipvalue"), try optional("global_clipnorm"))
    let rule: OptimizerConfig.Rule
    switch className.lowercased() {
    case "sgd": rule = .sgd(momentum: try number("momentum", 0), nesterov: try c.bool("nesterov", default: false))
    case "adam":
      rule = .adam(beta1: try number("beta_1", 0.9), beta2: try number("beta_2", 0.999), epsilon: try number("epsilon", 1e-7), amsgrad: try c.bool("amsgrad", default: false))
    case "rmsprop":
      rule = .rmsprop(rho: try number("rho", 0.9), momentum: try number("momentum", 0), epsilon: try number("epsilon", 1e-7), centered: try c.bool("centered", default: false))
    case "adagrad": rule = .adagrad(initialAccumulator: try number("initial_accumulator_value", 0.1), epsilon: try number("epsilon", 1e-7))
    case "adadelta": rule = .adadelta(rho: try number("rho", 0.95), epsilon: try number("epsilon", 1e-7))
    case "adamax": rule = .adamax(beta1: try number("beta_1", 0.9), beta2: try number("beta_2", 0.999), epsilon: try number("epsilon", 1e-7))
    case "nadam": rule = .nadam(beta1: try number("beta_1", 0.9), beta2: try number("beta_2", 0.999), epsilon: try number("epsilon", 1e-7))
    default: throw SpecError("optimizer \(className) is not an optimizer Precast has")
    }
    return OptimizerConfig(rule, learningRate: lr, decay: decay, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
  }
}

extension ActivationFunction {
  /// The function Keras names `name` (`keras.activations.get`), nil for one Precast does not compute.
  init?(kerasName name: String) {
    switch name {
    case "leaky_relu": self = .leakyRelu
    case "elu": self = .elu
    case "swish": self = .swish
    default:
      guard let match = ActivationFunction.named.first(where: { $0.kerasName == name }) else { return nil }
      self = match
    }
  }

  static let named: [ActivationFunction] = [.linear, .relu, .sigmoid, .tanh, .softmax, .selu, .swish, .hardSigmoid]
}
