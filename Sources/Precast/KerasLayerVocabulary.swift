// KerasLayerVocabulary.swift: the Keras layer classes Precast computes, one table entry each: the class name, the
// builder declaration it is, and its config arguments in the order Keras writes them, each with Keras's default and
// the declaration field it is. `LayerSpec.kerasConfig` (KerasConfig.swift) writes model_config from this table and
// `ImportedLayer` (KerasImport.swift) reads configs with it, so what is written imports back as it was. What the
// arguments hold (initializers, regularizers, constraints, activation names) and the optimizers have their tables in
// PrecastCore's KerasVocabulary.swift.

// MARK: - The table

extension KerasLayerClass {
  /// Every layer class Precast computes (Bidirectional, a wrapper, is `KerasBidirectional`).
  static let all: [KerasLayerClass] = [
    KerasLayerClass("Dense", Dense(1), weighted, [
      // Keras writes a Dense layer's activity regularizer with the layer's base config, only when set.
      .field("activity_regularizer", .regularizer, \.options.activityRegularizer, default: nil, writtenWhenSet: true),
      .field("units", .int, \.fields.units),
    ] + kernelAndBias(activityRegularizer: false)),
    KerasLayerClass("Activation", Activation(.linear), weightless, [
      .field("activation", .activation, \.fields.activation, default: .linear)
    ]),
    // Keras 3 names the slope `negative_slope`; tf-keras's LeakyReLU called it `alpha`. Both default to 0.3.
    KerasLayerClass("LeakyReLU", LeakyReLU(), weightless, [
      .field("negative_slope", .float, \.fields.leakyReLUSlope, default: 0.3, legacyKey: "alpha")
    ]),
    KerasLayerClass("ELU", ELU(), weightless, [
      .field("alpha", .float, \.fields.eluAlpha, default: 1)
    ]),
    KerasLayerClass("ReLU", ReLU(), weightless, [
      .fixed("max_value", .json, .null),
      reluNegativeSlope,
      .fixed("threshold", .double, 0),
    ]),
    KerasLayerClass("Softmax", Softmax(), weightless, [
      .fixed("axis", .int, -1)
    ]),
    KerasLayerClass("Dropout", Dropout(0.5), weightless, [
      .field("rate", .double, \.fields.rate),
      .ignored("seed", .null),
      .fixed("noise_shape", .json, .null),
    ]),
    KerasLayerClass("Flatten", Flatten(), weightless, [channelsLast]),
    convolution("Conv2D", Conv2D(1, 1), padding: [.valid, .same]),
    convolution("Conv1D", Conv1D(1, 1), padding: [.valid, .same, .causal]),
    pooling("MaxPooling2D", MaxPooling2D()),
    pooling("AveragePooling2D", AveragePooling2D()),
    pooling("MaxPooling1D", MaxPooling1D()),
    pooling("AveragePooling1D", AveragePooling1D()),
    globalPooling("GlobalMaxPooling2D", GlobalMaxPooling2D()),
    globalPooling("GlobalAveragePooling2D", GlobalAveragePooling2D()),
    globalPooling("GlobalMaxPooling1D", GlobalMaxPooling1D()),
    globalPooling("GlobalAveragePooling1D", GlobalAveragePooling1D()),
    KerasLayerClass("BatchNormalization", BatchNormalization(), weighted, [
      .lastAxis("axis"),
      .field("momentum", .double, \.fields.momentum, default: 0.99),
      .field("epsilon", .double, \.fields.epsilon, default: 0.001),
      .field("center", .bool, \.fields.center, default: true),
      .field("scale", .bool, \.fields.scale, default: true),
      .fixed("beta_initializer", .initializer, .zeros),
      .fixed("gamma_initializer", .initializer, .ones),
      .fixed("moving_mean_initializer", .initializer, .zeros),
      .fixed("moving_variance_initializer", .initializer, .ones),
      .fixed("beta_regularizer", .regularizer, nil),
      .fixed("gamma_regularizer", .regularizer, nil),
      .fixed("beta_constraint", .constraint, nil),
      .fixed("gamma_constraint", .constraint, nil),
      .ignored("synchronized", .bool(false)),
    ]),
    KerasLayerClass("Reshape", Reshape([1]), weightless, [
      .field("target_shape", .integers, \.fields.targetShape)
    ]),
    KerasLayerClass("Embedding", Embedding(1, 1), weighted, [
      .field("input_dim", .int, \.fields.inputDim),
      .field("output_dim", .int, \.fields.outputDim),
      .field("embeddings_initializer", .initializer, \.fields.embeddingsInitializer, default: .uniform),
      .fixed("embeddings_regularizer", .regularizer, nil),
      .fixed("activity_regularizer", .regularizer, nil),
      .fixed("embeddings_constraint", .constraint, nil),
      .field("mask_zero", .bool, \.fields.maskZero, default: false),
    ]),
    KerasLayerClass("Masking", Masking(), weightless, [
      .field("mask_value", .double, \.fields.maskValue, default: 0)
    ]),
    recurrent("LSTM", LSTM(1), gated: true, afterBiasInitializer: [.fixed("unit_forget_bias", .bool, true)]),
    recurrent("GRU", GRU(1), gated: true, afterRecurrentDropout: [.field("reset_after", .bool, \.fields.recurrent.resetAfter, default: true)]),
    recurrent("SimpleRNN", SimpleRNN(1), gated: false),
  ]

  // MARK: Arguments several classes share

  /// What a layer with weights writes after its `name`: `trainable` (false freezes the weights) and its dtype.
  static let weighted: [KerasLayerArgument] = [
    .field("trainable", .bool, \.options.trainable, default: true), .ignored("dtype", .kerasFloat32Policy),
  ]

  /// What a layer without weights writes after its `name`: `trainable` (nothing to freeze: not read) and its dtype.
  static let weightless: [KerasLayerArgument] = [.ignored("trainable", .bool(true)), .ignored("dtype", .kerasFloat32Policy)]

  /// ReLU's `negative_slope`: in an activation object it makes the function a leaky_relu; a ReLU layer with one is
  /// refused by the importer (LeakyReLU is the layer for it).
  static let reluNegativeSlope = KerasLayerArgument.field("negative_slope", .float, \.fields.reluSlope, default: 0)

  /// Precast's layers compute channels-last images and sequences only.
  static let channelsLast = KerasLayerArgument.fixed("data_format", .string, "channels_last")

  /// Conv2D and Conv1D (whose sizes are written as one-element lists; causal padding is Conv1D's).
  static func convolution(_ className: String, _ prototype: some Layer, padding: [Padding]) -> KerasLayerClass {
    KerasLayerClass(className, prototype, weighted, [
      .field("filters", .int, \.fields.filters),
      .size("kernel_size", \.fields.kernelSize),
      .size("strides", \.fields.strides, default: 1),
      .field("padding", .choice(padding), \.fields.padding, default: .valid),
      channelsLast,
      .size("dilation_rate", \.fields.dilation, default: 1),
      .fixed("groups", .int, 1),
    ] + kernelAndBias(activityRegularizer: true))
  }

  /// Dense's and the convolutions' arguments from `activation` on: the fused activation, the bias, and the kernel's
  /// and bias's initializers, regularizers (with the `activity_regularizer` where the convolutions write it) and
  /// constraints.
  static func kernelAndBias(activityRegularizer: Bool) -> [KerasLayerArgument] {
    var arguments: [KerasLayerArgument] = [
      .field("activation", .activation, \.fields.activation, default: .linear),
      .field("use_bias", .bool, \.fields.useBias, default: true),
      .field("kernel_initializer", .initializer, \.fields.kernelInitializer, default: .glorotUniform),
      .field("bias_initializer", .initializer, \.fields.biasInitializer, default: .zeros),
      .field("kernel_regularizer", .regularizer, \.options.kernelRegularizer, default: nil),
      .field("bias_regularizer", .regularizer, \.options.biasRegularizer, default: nil),
    ]
    if activityRegularizer { arguments.append(.field("activity_regularizer", .regularizer, \.options.activityRegularizer, default: nil)) }
    arguments += [
      .field("kernel_constraint", .constraint, \.options.kernelConstraint, default: nil),
      .field("bias_constraint", .constraint, \.options.biasConstraint, default: nil),
    ]
    return arguments
  }

  /// MaxPooling and AveragePooling, 2-D and 1-D: the strides default to the pool size.
  static func pooling(_ className: String, _ prototype: some Layer) -> KerasLayerClass {
    KerasLayerClass(className, prototype, weightless, [
      .size("pool_size", \.fields.poolSize, default: 2),
      .field("padding", .choice([Padding.valid, .same]), \.fields.padding, default: .valid),
      .size("strides", \.fields.strides, defaultFrom: \.fields.poolSize),
      channelsLast,
    ])
  }

  /// GlobalMaxPooling and GlobalAveragePooling, 2-D and 1-D.
  static func globalPooling(_ className: String, _ prototype: some Layer) -> KerasLayerClass {
    KerasLayerClass(className, prototype, weightless, [channelsLast, .fixed("keepdims", .bool, false)])
  }

  /// LSTM, GRU and SimpleRNN: `gated` ones have a `recurrent_activation`; `afterBiasInitializer` and
  /// `afterRecurrentDropout` are the class's own arguments where Keras writes them. Precast computes them with Keras's
  /// default initializers, biases and no regularizers or constraints.
  static func recurrent(
    _ className: String, _ prototype: some Layer, gated: Bool, afterBiasInitializer: [KerasLayerArgument] = [],
    afterRecurrentDropout: [KerasLayerArgument] = []
  ) -> KerasLayerClass {
    var arguments: [KerasLayerArgument] = [
      .field("return_sequences", .bool, \.fields.returnSequences, default: false),
      .fixed("return_state", .bool, false),
      .field("go_backwards", .bool, \.fields.recurrent.goBackwards, default: false),
      .fixed("stateful", .bool, false),
      .fixed("unroll", .bool, false),
      .ignored("zero_output_for_mask", .bool(false)),
      .field("units", .int, \.fields.units),
      .field("activation", .activation, \.fields.recurrent.activation, default: .tanh),
    ]
    if gated { arguments.append(.field("recurrent_activation", .activation, \.fields.recurrent.recurrentActivation, default: .sigmoid)) }
    arguments += [
      .fixed("use_bias", .bool, true),
      .fixed("kernel_initializer", .initializer, .glorotUniform),
      .fixed("recurrent_initializer", .initializer, .orthogonal()),
      .fixed("bias_initializer", .initializer, .zeros),
    ]
    arguments += afterBiasInitializer
    arguments += [
      .fixed("kernel_regularizer", .regularizer, nil),
      .fixed("recurrent_regularizer", .regularizer, nil),
      .fixed("bias_regularizer", .regularizer, nil),
      .fixed("activity_regularizer", .regularizer, nil),
      .fixed("kernel_constraint", .constraint, nil),
      .fixed("recurrent_constraint", .constraint, nil),
      .fixed("bias_constraint", .constraint, nil),
      .field("dropout", .double, \.fields.recurrent.inputDropout, default: 0),
      .field("recurrent_dropout", .double, \.fields.recurrent.recurrentDropout, default: 0),
    ]
    arguments += afterRecurrentDropout
    arguments.append(.ignored("seed", .null))
    return KerasLayerClass(className, prototype, weighted, arguments)
  }
}

// MARK: - Bidirectional

/// Keras's `Bidirectional` wrapper: after `name`, `trainable` and the dtype, its `merge_mode`, the forward layer as
/// `layer` and the backward one (go_backwards) as `backward_layer`, named forward_lstm / backward_lstm as Keras names
/// them. Precast reads the forward layer and computes the backward one as its mirror.
enum KerasBidirectional {
  static let arguments: [KerasLayerArgument] =
    KerasLayerClass.weighted + [.field("merge_mode", .choice(MergeMode.allCases), \.fields.mergeMode, default: .concat)]
  static let className = KerasNames.bidirectionalClassName
  static let layerKey = "layer"
  static let backwardLayerKey = "backward_layer"
}

// MARK: - The model around the layers

/// Keras's Sequential config: an `InputLayer` with the batch shape, then the layers.
enum KerasSequential {
  static let className = "Sequential"
  static let inputLayerClassName = "InputLayer"
  /// The input shape with the batch dimension first (null): Keras 3's key, and tf-keras's (on the first layer).
  static let batchShapeKey = "batch_shape"
  static let legacyBatchShapeKey = "batch_input_shape"
  /// The model's input shape once built, batch dimension first.
  static let buildInputShapeKey = "build_input_shape"

  /// `{"input_shape": [null, …]}`: the shape a model or layer was built for, batch dimension first.
  static func buildConfig(_ batchShape: JSON) -> JSON { .object([("input_shape", batchShape)]) }

  /// The shape a model config says it was built for: `build_input_shape`, or its `build_config`'s.
  static func buildInputShape(of model: JSON) -> JSON? {
    model["config"]?[buildInputShapeKey] ?? model["build_config"]?["input_shape"]
  }
}

// MARK: - Layer classes

/// One Keras layer class as Precast computes it: its name, the builder declaration it is and its arguments.
struct KerasLayerClass: Sendable {
  /// Keras's class name ("Dense", "MaxPooling1D", …).
  let className: String
  /// The builder's declaration of the class, read configs start from (every field an argument sets).
  let prototype: LayerDeclaration
  /// The arguments after `name`, in the order Keras writes them.
  let arguments: [KerasLayerArgument]
  private let form: KindFields.Form

  /// `head`: what the class writes after `name` (`weighted` or `weightless`), then its own `arguments`.
  init(_ className: String, _ prototype: some Layer, _ head: [KerasLayerArgument], _ arguments: [KerasLayerArgument]) {
    self.className = className
    self.prototype = prototype.declaration
    self.arguments = head + arguments
    form = prototype.declaration.fields.form
  }

  /// The module Keras's layers are serialised from.
  static let module = "keras.layers"

  /// Whether `declaration` is of this class: the same kind of layer, number of dimensions and activation class.
  func describes(_ declaration: LayerDeclaration) -> Bool {
    form == declaration.fields.form && prototype.oneDimensional == declaration.oneDimensional
      && prototype.fields.activationClass == declaration.fields.activationClass
  }

  private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.className, $0) })

  /// The class named `className`, nil for one Precast does not compute.
  static func named(_ className: String) -> KerasLayerClass? { byName[className] }

  /// The class of a declaration (the wrapped layer's, for a Bidirectional one).
  static func of(_ declaration: LayerDeclaration) -> KerasLayerClass {
    guard let match = all.first(where: { $0.describes(declaration) }) else {
      preconditionFailure("no Keras class for \(declaration)")
    }
    return match
  }

  /// The activation layer class that computes `function` with another slope than its default (LeakyReLU, ELU).
  static func computing(_ function: ActivationFunction) -> KerasLayerClass {
    guard let match = all.first(where: { $0.form == .activation && $0.prototype.fields.activation.isSameFunction(as: function) }) else {
      preconditionFailure("no activation layer class computes \(function)")
    }
    return match
  }

  /// The layer's config: `name`, then the arguments.
  func config(of declaration: LayerDeclaration, name: String) -> [(String, JSON)] {
    KerasLayerArgument.config(arguments, of: declaration, name: name)
  }

  /// The declaration a config of this class describes (named as the config names it).
  func declaration(_ config: KerasLayerConfig) throws(SpecError) -> LayerDeclaration {
    var declaration = prototype
    declaration.name = config.name
    for argument in arguments { try argument.read(&declaration, config) }
    return declaration
  }
}

// MARK: - Arguments

/// One argument of a layer config: its key, and how it is written from a declaration and read into one.
struct KerasLayerArgument: Sendable {
  let key: String
  /// Keras's JSON for the declaration's value, nil when Keras leaves the argument out.
  let write: @Sendable (LayerDeclaration) -> JSON?
  /// Sets the declaration's field from a config (Keras's default when the key is missing or null), or refuses a value
  /// Precast does not compute.
  let read: @Sendable (inout LayerDeclaration, KerasLayerConfig) throws(SpecError) -> Void
  /// A config must give it: Keras has no default (`units`, `filters`, …).
  let isRequired: Bool
  /// For the vocabulary's tests: the declaration with this argument at each of a few other values (none for the
  /// arguments that are not a field).
  let variations: @Sendable (LayerDeclaration) -> [LayerDeclaration]

  /// A config's pairs: `name`, then `arguments` as written for `declaration`.
  static func config(_ arguments: [KerasLayerArgument], of declaration: LayerDeclaration, name: String) -> [(String, JSON)] {
    [("name", .string(name))] + arguments.compactMap { argument in argument.write(declaration).map { (argument.key, $0) } }
  }

  /// What a missing argument means.
  enum Default<Value: Sendable>: Sendable {
    case required
    case value(Value)
    /// Computed from the declaration read so far (a size's default depends on the layer's dimensions).
    case computed(@Sendable (LayerDeclaration) -> Value)
  }

  /// A declaration field, with Keras's default when given. `legacyKey` is tf-keras's name for it, read when the key is
  /// missing; `writtenWhenSet` leaves it out of the config when at its default.
  static func field<Value: Equatable & Sendable>(
    _ key: String, _ value: KerasValue<Value>, _ path: WritableKeyPath<LayerDeclaration, Value> & Sendable, default: Value,
    legacyKey: String? = nil, writtenWhenSet: Bool = false
  ) -> KerasLayerArgument {
    field(key, value, path, .value(`default`), legacyKey: legacyKey, writtenWhenSet: writtenWhenSet)
  }

  /// A declaration field a config must give.
  static func field<Value: Equatable & Sendable>(_ key: String, _ value: KerasValue<Value>, _ path: WritableKeyPath<LayerDeclaration, Value> & Sendable) -> KerasLayerArgument {
    field(key, value, path, .required)
  }

  /// A size (kernel, stride, pool, dilation): `3` or `[3, 3]`, `[3]` for a 1-D layer; the default `n` is n along
  /// every dimension of the layer.
  static func size(_ key: String, _ path: WritableKeyPath<LayerDeclaration, Size2D> & Sendable, default n: Int? = nil) -> KerasLayerArgument {
    guard let n else { return field(key, .size, path) }
    return field(key, .size, path, .computed { $0.oneDimensional ? Size2D(1, n) : Size2D(n, n) })
  }

  /// A size whose default is another field's value (a pooling layer's strides: its pool size).
  static func size(
    _ key: String, _ path: WritableKeyPath<LayerDeclaration, Size2D> & Sendable, defaultFrom other: WritableKeyPath<LayerDeclaration, Size2D> & Sendable
  ) -> KerasLayerArgument {
    field(key, .size, path, .computed { $0[keyPath: other] })
  }

  private static func field<Value: Equatable & Sendable>(
    _ key: String, _ value: KerasValue<Value>, _ path: WritableKeyPath<LayerDeclaration, Value> & Sendable, _ missing: Default<Value>,
    legacyKey: String? = nil, writtenWhenSet: Bool = false
  ) -> KerasLayerArgument {
    KerasLayerArgument(
      key: key,
      write: { declaration in
        let current = declaration[keyPath: path]
        if writtenWhenSet, case .value(let d) = missing, current == d { return nil }
        return value.write(current, declaration.oneDimensional)
      },
      read: { declaration, config throws(SpecError) in
        let present = [key, legacyKey].compactMap { $0 }.first { config.config[$0] != nil } ?? key
        if let entry = config.config[present], entry != .null {
          declaration[keyPath: path] = try value.read(entry, KerasArgumentReading(config: config, key: present, oneDimensional: declaration.oneDimensional))
          return
        }
        switch missing {
        case .required: throw config.error(key, "is required")
        case .value(let d): declaration[keyPath: path] = d
        case .computed(let d): declaration[keyPath: path] = d(declaration)
        }
      },
      isRequired: { if case .required = missing { true } else { false } }(),
      variations: { declaration in
        value.examples.filter { $0 != declaration[keyPath: path] }.map { example in
          var varied = declaration
          varied[keyPath: path] = example
          return varied
        }
      })
  }

  /// An argument Precast computes only at this value: written as it, and a config that gives another is refused.
  static func fixed<Value: Equatable & Sendable>(_ key: String, _ value: KerasValue<Value>, _ fixed: Value) -> KerasLayerArgument {
    KerasLayerArgument(
      key: key, write: { value.write(fixed, $0.oneDimensional) },
      read: { declaration, config throws(SpecError) in
        guard let entry = config.config[key], entry != .null else { return }
        let reading = KerasArgumentReading(config: config, key: key, oneDimensional: declaration.oneDimensional)
        guard try value.read(entry, reading) == fixed else {
          let computed = value.write(fixed, declaration.oneDimensional)
          throw reading.error("is not supported (Precast computes \((computed["class_name"] ?? computed).rendered))")
        }
      },
      isRequired: false, variations: { _ in [] })
  }

  /// Written as `json` and not read: arguments that change nothing Precast computes (`seed`, `dtype`).
  static func ignored(_ key: String, _ json: JSON) -> KerasLayerArgument {
    KerasLayerArgument(key: key, write: { _ in json }, read: { _, _ in }, isRequired: false, variations: { _ in [] })
  }

  /// BatchNormalization's `axis`, written -1: a config may give -1 or one positive axis (tf-keras writes [1] for
  /// [None, 64]), kept as the `.batchNormalization` kind's `axis` for the spec to check it is the last.
  static func lastAxis(_ key: String) -> KerasLayerArgument {
    KerasLayerArgument(
      key: key, write: { _ in .int(-1) },
      read: { declaration, config throws(SpecError) in
        guard let entry = config.config[key] else { return }
        let axes = entry.arrayValue ?? [entry]
        guard axes.count == 1, case .int(let axis) = axes[0], axis == -1 || axis > 0 else {
          throw config.error(key, "is not supported (Precast normalises the last axis)")
        }
        declaration.fields.axis = axis
      },
      isRequired: false, variations: { _ in [] })
  }
}

/// Where a value is read: the layer's config and the key, for messages, and whether the layer is 1-D (sizes).
struct KerasArgumentReading {
  let config: KerasLayerConfig
  let key: String
  let oneDimensional: Bool

  func error(_ problem: String) -> SpecError { config.error(key, problem) }
}

// MARK: - Values

/// How a value of one Swift type is written in a layer config and read from one.
struct KerasValue<Value: Sendable>: Sendable {
  /// The JSON of a value (sizes: `[k]` in a 1-D layer, `[h, w]` in a 2-D one).
  let write: @Sendable (Value, _ oneDimensional: Bool) -> JSON
  /// The value of a config's entry (neither missing nor null); refusals name the layer and key.
  let read: @Sendable (JSON, KerasArgumentReading) throws(SpecError) -> Value
  /// A few different values, for the vocabulary's round-trip tests.
  let examples: [Value]
}

extension KerasValue {
  /// A value of one JSON type: `extract` takes it out of an entry, or gives nil for another type (refused as
  /// `problem`).
  static func scalar(
    _ write: @escaping @Sendable (Value) -> JSON, _ extract: @escaping @Sendable (JSON) -> Value?, problem: String, examples: [Value]
  ) -> KerasValue {
    KerasValue(
      write: { value, _ in write(value) },
      read: { entry, reading throws(SpecError) in
        guard let value = extract(entry) else { throw reading.error(problem) }
        return value
      }, examples: examples)
  }
}

extension KerasValue where Value == Int {
  static var int: KerasValue {
    .scalar(JSON.int, { if case .int(let n) = $0 { n } else { nil } }, problem: "is not an integer", examples: [3, 5])
  }
}

extension KerasValue where Value == Double {
  /// A number, written as Keras writes floats; an integer reads too.
  static var double: KerasValue {
    .scalar(
      JSON.number, { if case .int(let n) = $0 { Double(n) } else if case .number(let x) = $0 { x } else { nil } },
      problem: "is not a number", examples: [0.25, 0.5])
  }
}

extension KerasValue where Value == Float {
  /// A number held as a Float (activation slopes).
  static var float: KerasValue {
    KerasValue(
      write: { x, _ in .number(Double(x)) }, read: { entry, reading throws(SpecError) in Float(try KerasValue<Double>.double.read(entry, reading)) },
      examples: [0.25, 0.5])
  }
}

extension KerasValue where Value == Bool {
  static var bool: KerasValue {
    .scalar(JSON.bool, { if case .bool(let b) = $0 { b } else { nil } }, problem: "is not true or false", examples: [true, false])
  }
}

extension KerasValue where Value == String {
  static var string: KerasValue { .scalar(JSON.string, \.stringValue, problem: "is not a string", examples: ["a", "b"]) }
}

extension KerasValue where Value == JSON {
  /// The entry itself (arguments that are null by default).
  static var json: KerasValue {
    KerasValue(write: { json, _ in json }, read: { entry, _ in entry }, examples: [.null, .int(1)])
  }
}

extension KerasValue where Value: RawRepresentable<String> {
  /// One of `allowed`, written as its name (`"valid"`).
  static func choice(_ allowed: [Value]) -> KerasValue {
    let names = allowed.map(\.rawValue)
    let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1] : names.joined()
    return KerasValue(
      write: { value, _ in .string(value.rawValue) },
      read: { entry, reading throws(SpecError) in
        guard let name = entry.stringValue, names.contains(name), let value = Value(rawValue: name) else { throw reading.error("is not \(list)") }
        return value
      }, examples: allowed)
  }
}

extension KerasValue where Value == Size2D {
  /// `3` or `[3, 5]` (rows × columns); a 1-D layer's `3` or `[3]` is 1 × 3.
  static var size: KerasValue {
    KerasValue(
      write: { size, oneDimensional in oneDimensional ? .array([.int(size.width)]) : .array([.int(size.height), .int(size.width)]) },
      read: { entry, reading throws(SpecError) in
        let count = reading.oneDimensional ? 1 : 2
        switch entry {
        case .int(let n): return reading.oneDimensional ? Size2D(1, n) : Size2D(n, n)
        case .array(let items) where items.count == count:
          let numbers = items.compactMap { if case .int(let n) = $0 { n } else { nil } }
          guard numbers.count == count else { throw reading.error("is not a list of integers") }
          return reading.oneDimensional ? Size2D(1, numbers[0]) : Size2D(numbers[0], numbers[1])
        default: throw reading.error("is not \(reading.oneDimensional ? "an integer" : "two integers")")
        }
      }, examples: [Size2D(1, 3), Size2D(1, 4)])
  }
}

extension KerasValue where Value == [Int] {
  /// A list of integers (Reshape's target shape).
  static var integers: KerasValue {
    KerasValue(
      write: { list, _ in .array(list.map(JSON.int)) },
      read: { entry, reading throws(SpecError) in
        let numbers = entry.arrayValue?.compactMap { if case .int(let n) = $0 { n } else { nil } }
        guard let numbers, numbers.count == entry.arrayValue?.count else { throw reading.error("is not a list of integers") }
        return numbers
      }, examples: [[2, -1], [3]])
  }
}

extension KerasValue where Value == ActivationFunction {
  /// A layer's `activation`: the function's name, or, for a leaky_relu or elu whose slope is not the function's
  /// default, the activation layer object Keras itself writes for `activation=LeakyReLU(negative_slope=…)` /
  /// `ELU(alpha=…)` (`keras.activations.serialize`).
  static var activation: KerasValue {
    KerasValue(
      write: { function, _ in
        if let named = ActivationFunction.kerasNames.first(where: { $0.function == function }) { return .string(named.name) }
        let layerClass = KerasLayerClass.computing(function)
        var declaration = layerClass.prototype
        declaration.fields.activation = function
        return .kerasObject(
          module: KerasLayerClass.module, className: layerClass.className,
          config: layerClass.config(of: declaration, name: KerasNames.snakeCase(layerClass.className)))
      },
      read: { entry, reading throws(SpecError) in
        switch entry {
        case .string(let name):
          guard let function = ActivationFunction(kerasName: name) else { throw reading.error("is not an activation Precast computes") }
          return function
        case .object:
          // Keras 3 serialises a parameterised activation as its layer object (LeakyReLU, ELU, ReLU, …).
          let inner = KerasLayerConfig(className: entry["class_name"]?.stringValue ?? "?", entry["config"] ?? .object([]))
          guard let layerClass = KerasLayerClass.named(inner.className), layerClass.prototype.fields.form == .activation else {
            throw SpecError("layer '\(inner.name)' (\(inner.className)): not an activation Precast computes")
          }
          return try layerClass.declaration(inner).fields.activation
        default: throw reading.error("is not an activation")
        }
      }, examples: [.relu, .leakyRelu(alpha: 0.25), .elu(alpha: 0.5)])
  }
}

extension KerasValue where Value == Initializer {
  static var initializer: KerasValue {
    KerasValue(
      write: { initializer, _ in Initializer.kerasVocabulary.config(of: initializer) },
      read: { entry, reading throws(SpecError) in try reading.config.object(entry, key: reading.key, Initializer.kerasVocabulary) },
      examples: [.heNormal, .randomNormal(mean: 0.5, stddev: 0.25), .orthogonal(gain: 2)])
  }
}

extension KerasValue where Value == Regularizer? {
  /// A regularizer, null for none.
  static var regularizer: KerasValue {
    KerasValue(
      write: { regularizer, _ in regularizer.map(Regularizer.kerasVocabulary.config) ?? .null },
      read: { entry, reading throws(SpecError) in try reading.config.object(entry, key: reading.key, Regularizer.kerasVocabulary) },
      examples: [.l2(0.5), .l1l2(l1: 0.25, l2: 0.5)])
  }
}

extension KerasValue where Value == Constraint? {
  /// A constraint, null for none.
  static var constraint: KerasValue {
    KerasValue(
      write: { constraint, _ in constraint.map(Constraint.kerasVocabulary.config) ?? .null },
      read: { entry, reading throws(SpecError) in try reading.config.object(entry, key: reading.key, Constraint.kerasVocabulary) },
      examples: [.maxNorm(maxValue: 3, axes: [0, 1]), .nonNeg])
  }
}

// MARK: - Declaration fields

/// A declaration's kind as named fields, so that each argument reaches its value through a key path
/// (`\.fields.units`); `form` says which kind they make. Fields the kind does not have keep their placeholders.
struct KindFields: Equatable {
  enum Form: Equatable {
    case dense, activation, dropout, flatten, convolution, pooling(PoolingKind), globalPooling(PoolingKind)
    case batchNormalization, reshape, embedding, lstm, gru, simpleRNN, masking, bidirectional
  }

  var form: Form
  var units = 0, filters = 0, inputDim = 0, outputDim = 0
  var activation: ActivationFunction = .linear
  var useBias = false, center = false, scale = false, returnSequences = false
  var kernelInitializer: Initializer = .zeros, biasInitializer: Initializer = .zeros, embeddingsInitializer: Initializer = .zeros
  var rate = 0.0, momentum = 0.0, epsilon = 0.0, maskValue = 0.0
  var kernelSize: Size2D = 1, strides: Size2D = 1, poolSize: Size2D = 1
  var padding: Padding = .valid
  var targetShape: [Int] = []
  /// Recurrent layers' settings; Activation's class; Conv's dilation; Embedding's mask_zero; BatchNormalization's axis.
  var recurrent = RecurrentSettings()
  var activationClass: ActivationLayerClass?
  var dilation: Size2D = 1
  var maskZero = false
  var axis = -1
  /// Bidirectional: the wrapped layer and how the directions merge (no Keras class describes this form: the wrapper
  /// has its own arguments, `KerasBidirectional`).
  var wrapped: LayerDeclaration?
  var mergeMode: MergeMode = .concat

  init(_ kind: LayerDeclaration.Kind) {
    switch kind {
    case .dense(let units, let activation, let useBias, let kernelInitializer, let biasInitializer):
      form = .dense
      (self.units, self.activation, self.useBias) = (units, activation, useBias)
      (self.kernelInitializer, self.biasInitializer) = (kernelInitializer, biasInitializer)
    case .activation(let activation, let layerClass): (form, self.activation, activationClass) = (.activation, activation, layerClass)
    case .dropout(let rate): (form, self.rate) = (.dropout, rate)
    case .flatten: form = .flatten
    case .conv2D(
      let filters, let kernelSize, let strides, let padding, let activation, let useBias, let kernelInitializer, let biasInitializer, let dilation):
      (form, self.dilation) = (.convolution, dilation)
      (self.filters, self.kernelSize, self.strides, self.padding) = (filters, kernelSize, strides, padding)
      (self.activation, self.useBias, self.kernelInitializer, self.biasInitializer) = (activation, useBias, kernelInitializer, biasInitializer)
    case .pooling2D(let pooling, let poolSize, let strides, let padding):
      (form, self.poolSize, self.strides, self.padding) = (.pooling(pooling), poolSize, strides, padding)
    case .globalPooling2D(let pooling): form = .globalPooling(pooling)
    case .batchNormalization(let momentum, let epsilon, let center, let scale, let axis):
      (form, self.momentum, self.epsilon, self.center, self.scale, self.axis) = (.batchNormalization, momentum, epsilon, center, scale, axis)
    case .reshape(let target): (form, targetShape) = (.reshape, target)
    case .embedding(let inputDim, let outputDim, let initializer, let maskZero):
      (form, self.inputDim, self.outputDim, embeddingsInitializer, self.maskZero) = (.embedding, inputDim, outputDim, initializer, maskZero)
    case .lstm(let units, let returnSequences, let recurrent): (form, self.units, self.returnSequences, self.recurrent) = (.lstm, units, returnSequences, recurrent)
    case .gru(let units, let returnSequences, let recurrent): (form, self.units, self.returnSequences, self.recurrent) = (.gru, units, returnSequences, recurrent)
    case .simpleRNN(let units, let returnSequences, let recurrent):
      (form, self.units, self.returnSequences, self.recurrent) = (.simpleRNN, units, returnSequences, recurrent)
    case .masking(let value): (form, maskValue) = (.masking, value)
    case .bidirectional(let wrapped, let mergeMode): (form, self.wrapped, self.mergeMode) = (.bidirectional, wrapped, mergeMode)
    }
  }

  /// The kind these fields make.
  var kind: LayerDeclaration.Kind {
    switch form {
    case .dense:
      .dense(units: units, activation: activation, useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer)
    case .activation: .activation(activation, layerClass: activationClass)
    case .dropout: .dropout(rate: rate)
    case .flatten: .flatten
    case .convolution:
      .conv2D(
        filters: filters, kernelSize: kernelSize, strides: strides, padding: padding, activation: activation, useBias: useBias,
        kernelInitializer: kernelInitializer, biasInitializer: biasInitializer, dilation: dilation)
    case .pooling(let pooling): .pooling2D(pooling, poolSize: poolSize, strides: strides, padding: padding)
    case .globalPooling(let pooling): .globalPooling2D(pooling)
    case .batchNormalization: .batchNormalization(momentum: momentum, epsilon: epsilon, center: center, scale: scale, axis: axis)
    case .reshape: .reshape(targetShape)
    case .embedding: .embedding(inputDim: inputDim, outputDim: outputDim, initializer: embeddingsInitializer, maskZero: maskZero)
    case .lstm: .lstm(units: units, returnSequences: returnSequences, recurrent)
    case .gru: .gru(units: units, returnSequences: returnSequences, recurrent)
    case .simpleRNN: .simpleRNN(units: units, returnSequences: returnSequences, recurrent)
    case .masking: .masking(value: maskValue)
    case .bidirectional: .bidirectional(wrapped!, mergeMode: mergeMode)
    }
  }

  /// LeakyReLU's `negative_slope`.
  var leakyReLUSlope: Float {
    get { if case .leakyRelu(let slope) = activation { slope } else { 0 } }
    set { activation = .leakyRelu(alpha: newValue) }
  }

  /// ELU's `alpha`.
  var eluAlpha: Float {
    get { if case .elu(let alpha) = activation { alpha } else { 0 } }
    set { activation = .elu(alpha: newValue) }
  }

  /// ReLU's `negative_slope`: 0 is relu itself, another slope a leaky_relu (which a ReLU layer refuses on import, and
  /// a ReLU activation object computes).
  var reluSlope: Float {
    get { leakyReLUSlope }
    set { activation = newValue == 0 ? .relu : .leakyRelu(alpha: newValue) }
  }
}

extension LayerDeclaration {
  /// The kind as named fields (see `KindFields`).
  var fields: KindFields {
    get { KindFields(kind) }
    set { kind = newValue.kind }
  }
}
