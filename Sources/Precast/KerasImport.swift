// KerasImport.swift: `precast import`: a Keras model's config (a `.keras` file's config.json, a legacy `.h5`'s
// model_config and training_config, or `model.to_json()`) → the builder's `Model`, and that model as the Swift file a
// user would have written (`swiftSource`). The reading side of KerasConfig.swift: both follow the vocabulary's tables
// (KerasLayerVocabulary.swift; PrecastCore's KerasVocabulary.swift).
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
    for layer in layers {
      let className = layer["class_name"]?.stringValue ?? "?"
      let c = layer["config"] ?? .object([])
      if input == nil, let shape = c[KerasSequential.batchShapeKey] ?? c[KerasSequential.legacyBatchShapeKey], case .array(let dims) = shape {
        input = try dims.dropFirst().map { dim throws(SpecError) -> Int in
          guard case .int(let n) = dim, n > 0 else { throw SpecError("input shape \(shape.rendered): every dimension but the batch must be fixed") }
          return n
        }
      }
      if className == KerasSequential.inputLayerClassName { continue }
      declarations.append(try ImportedLayer(KerasLayerConfig(className: className, c)))
    }
    if input == nil, case .array(let dims)? = KerasSequential.buildInputShape(of: config) {
      input = dims.dropFirst().compactMap { if case .int(let n) = $0 { n } else { nil } }
    }
    guard let input, !input.isEmpty else {
      throw SpecError("no input shape: the config's first layer (\(first["class_name"]?.stringValue ?? "?")) has no batch_shape")
    }
    let training = try KerasCompile(compile, loss: lossName)
    let model = Sequential(name: name, input: input) { declarations }
      .compile(loss: training.loss, fromLogits: training.fromLogits, optimizer: training.optimizer, metrics: training.metrics)
    // A BatchNormalization's positive axis (tf-keras writes [1] for [None, 64]) is checked now, by the spec, to be the
    // last: refused before the model file is written, naming the layer as the file does.
    let positiveAxis = declarations.contains {
      if case .batchNormalization(_, _, _, _, let axis) = $0.declaration.kind { return axis != -1 }
      return false
    }
    if positiveAxis { _ = try ModelSpec(model) }
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
    case KerasSequential.className:
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

// MARK: - Configs

/// One config, a layer's or a Keras object's inside it, read for the vocabulary's tables; refusals name the layer, its
/// class and the argument ("layer 'dense' (Dense): units=-1 …").
struct KerasLayerConfig {
  let className: String
  let config: JSON
  /// Who refusals name: "layer 'dense' (Dense)", or "optimizer Adam".
  let subject: String
  /// Inside an object argument: its key and a dot ("kernel_initializer."), for messages.
  private var keyPrefix = ""

  init(className: String, _ config: JSON) {
    self.className = className
    self.config = config
    subject = "layer '\(config["name"]?.stringValue ?? "?")' (\(className))"
  }

  /// The config of something that is not a layer (an optimizer), named `subject` in refusals.
  init(subject: String, _ config: JSON) {
    className = subject
    self.config = config
    self.subject = subject
  }

  var name: String { config["name"]?.stringValue ?? "?" }

  func error(_ key: String, _ problem: String) -> SpecError {
    SpecError("\(subject): \(keyPrefix)\(key)=\(config[key]?.rendered ?? "missing") \(problem)")
  }

  /// An object argument (`{"class_name": "RandomNormal", "config": {…}}`, or a name such as "glorot_uniform") of
  /// one of Keras's families; its parameters at Keras's defaults where its config leaves them out.
  func object<Value>(_ entry: JSON, key: String, _ family: KerasObjectFamily<Value>) throws(SpecError) -> Value {
    let name = entry["class_name"]?.stringValue ?? entry.stringValue ?? "?"
    guard let kerasClass = family.kerasClass(named: name) else { throw error(key, "is \(family.noun) Precast does not have") }
    var parameters = KerasLayerConfig(subject: subject, entry["config"] ?? .object([]))
    parameters.keyPrefix = keyPrefix + key + "."
    return kerasClass.value(try parameters.parameterValues(kerasClass.parameters))
  }

  /// The values of `parameters` in this config, Keras's defaults for the ones it leaves out (`.written` ones skipped).
  func parameterValues(_ parameters: [KerasParameter]) throws(SpecError) -> [KerasParameterValue] {
    var values: [KerasParameterValue] = []
    for parameter in parameters {
      guard let missing = parameter.defaultValue else { continue }
      guard let entry = config[parameter.key], entry != .null else {
        values.append(missing)
        continue
      }
      let reading = KerasArgumentReading(config: self, key: parameter.key, oneDimensional: false)
      if case .object = entry { throw SpecError("\(subject): \(keyPrefix)\(parameter.key) is a schedule; Precast takes a number") }
      switch parameter {
      case .number: values.append(.number(try KerasValue.double.read(entry, reading)))
      case .optionalNumber: values.append(.optionalNumber(try KerasValue.double.read(entry, reading)))
      case .bool: values.append(.bool(try KerasValue.bool.read(entry, reading)))
      case .axes:
        let items = entry.arrayValue ?? [entry]
        let axes = items.compactMap { if case .int(let n) = $0 { n } else { nil } }
        guard !axes.isEmpty, axes.count == items.count else { throw reading.error("is not an axis or a list of axes") }
        values.append(.axes(axes))
      case .written: break
      }
    }
    return values
  }
}

// MARK: - Layers

/// A layer given by its declaration: built from its Keras config, or a copy of another layer's.
struct ImportedLayer: Layer {
  let declaration: LayerDeclaration

  init(declaration: LayerDeclaration) { self.declaration = declaration }

  /// The layer a config describes, read with its class's table entry; what Precast does not compute is refused.
  init(_ k: KerasLayerConfig) throws(SpecError) {
    if k.className == KerasBidirectional.className {
      declaration = try ImportedLayer.bidirectional(k)
      return
    }
    guard let kerasClass = KerasLayerClass.named(k.className) else {
      throw SpecError("layer '\(k.name)' (\(k.className)): Precast has no \(k.className) layer (a Lambda or custom layer cannot be compiled)")
    }
    var d = try kerasClass.declaration(k)
    if case .activation(let function, .relu?) = d.kind, function != .relu {
      throw k.error(KerasLayerClass.reluNegativeSlope.key, "is not supported on ReLU (a LeakyReLU layer computes it)")
    }
    if let r = d.recurrent {
      d.options.unsupported = unsupportedRecurrentArguments(r.activation, r.recurrentActivation)
    }
    declaration = d
  }

  /// A Bidirectional wrapper: its forward `layer`, merged as `merge_mode` says (the backward layer is that layer's
  /// mirror, which Precast computes).
  private static func bidirectional(_ k: KerasLayerConfig) throws(SpecError) -> LayerDeclaration {
    let layerKey = KerasBidirectional.layerKey
    guard let inner = k.config[layerKey], let innerClass = inner["class_name"]?.stringValue else { throw k.error(layerKey, "is missing") }
    var wrapped = try ImportedLayer(KerasLayerConfig(className: innerClass, inner["config"] ?? .object([]))).declaration
    guard wrapped.isRecurrent, wrapped.wrapped == nil else { throw k.error(layerKey, "wraps \(innerClass): only LSTM, GRU and SimpleRNN") }
    wrapped.recurrent?.goBackwards = false
    wrapped.name = nil
    var d = LayerDeclaration(kind: .bidirectional(wrapped, mergeMode: .concat), name: k.name)
    for argument in KerasBidirectional.arguments { try argument.read(&d, k) }
    return d
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

  static func loss(_ entry: JSON) throws(SpecError) -> (Loss, Bool) {
    if let name = entry.stringValue {
      guard let loss = Loss(kerasName: name) else { throw SpecError("loss '\(name)' is not a loss Precast has") }
      return (loss, false)
    }
    if case .array(let items) = entry, items.count == 1 { return try loss(items[0]) }
    let className = entry["class_name"]?.stringValue ?? "?"
    guard let loss = Loss(kerasName: className) else { throw SpecError("loss \(className) is not a loss Precast has") }
    var fromLogits = false
    if case .bool(let b)? = entry["config"]?[Loss.fromLogitsKey] { fromLogits = b }
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
      guard let metric = Metric(kerasName: name) else { throw SpecError("metric '\(name)' is not a metric Precast computes") }
      return metric
    }
  }

  /// An optimizer object, read with the optimizer table (`OptimizerConfig.kerasVocabulary`), and tf-keras's `decay`.
  static func optimizer(_ entry: JSON) throws(SpecError) -> OptimizerConfig {
    // tf-keras 2.x registers its optimizers as "Custom>Adam".
    let className = (entry["class_name"]?.stringValue ?? entry.stringValue ?? "?").replacingOccurrences(of: "Custom>", with: "")
    guard let kerasClass = OptimizerConfig.kerasVocabulary.kerasClass(named: className) else {
      throw SpecError("optimizer \(className) is not an optimizer Precast has")
    }
    let c = KerasLayerConfig(subject: "optimizer \(className)", entry["config"] ?? .object([]))
    var optimizer = kerasClass.value(try c.parameterValues(kerasClass.parameters))
    optimizer.decay = try c.parameterValues([OptimizerConfig.legacyDecay])[0].float
    return optimizer
  }
}
