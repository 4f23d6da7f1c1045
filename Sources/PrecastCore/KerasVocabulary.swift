// KerasVocabulary.swift: Keras's names and defaults for what a layer or a compile config holds (initializers,
// regularizers, constraints, activation functions, optimizers, losses, metrics), one table each. The compiler writes
// model_config, the runtime writes compile_config and `precast import` reads both from these tables, so the two
// directions cannot disagree. The layer classes have their own table: Precast's KerasLayerVocabulary.swift.

// MARK: - Serialised objects

extension JSON {
  /// A Keras object as `keras.saving.serialize_keras_object` writes it: `{"module", "class_name", "config",
  /// "registered_name": null}`, then a layer's `build_config` when given.
  public static func kerasObject(module: String, className: String, config: [(String, JSON)], buildConfig: JSON? = nil) -> JSON {
    var pairs: [(String, JSON)] = [
      ("module", .string(module)), ("class_name", .string(className)), ("config", .object(config)), ("registered_name", .null),
    ]
    if let buildConfig { pairs.append(("build_config", buildConfig)) }
    return .object(pairs)
  }

  /// Keras 3's dtype policy of a float32 layer or model.
  public static let kerasFloat32Policy = JSON.kerasObject(module: "keras", className: "DTypePolicy", config: [("name", .string("float32"))])
}

// MARK: - Parameters

/// One parameter of a Keras object's config (`RandomNormal(mean, stddev, seed)`, `Adam(beta_1, …)`) with Keras's
/// default. A class lists its parameters in the order Keras writes them.
public enum KerasParameter: Sendable {
  /// A number.
  case number(String, default: Double)
  /// A number that is null (not set) by default, such as `clipnorm`.
  case optionalNumber(String)
  /// true or false.
  case bool(String, default: Bool)
  /// An axis or a list of axes (`axis`: 0, or [0, 1, 2]).
  case axes(String, default: [Int])
  /// Written as this value and ignored when read: an option Precast has no use for, such as `seed`.
  case written(String, JSON)

  /// An initializer's random seed, written as null: Precast seeds its own generator.
  public static let seed = KerasParameter.written("seed", .null)

  /// The key in the config.
  public var key: String {
    switch self {
    case .number(let key, _), .optionalNumber(let key), .bool(let key, _), .axes(let key, _), .written(let key, _): key
    }
  }

  /// What a config that leaves the parameter out means; nil for `.written`, which has no value.
  public var defaultValue: KerasParameterValue? {
    switch self {
    case .number(_, let value): .number(value)
    case .optionalNumber: .optionalNumber(nil)
    case .bool(_, let value): .bool(value)
    case .axes(_, let value): .axes(value)
    case .written: nil
    }
  }
}

/// The value of one `KerasParameter`. Numbers are kept as Keras writes them (Double); Precast's values are Floats.
public enum KerasParameterValue: Sendable, Equatable {
  case number(Double), optionalNumber(Double?), bool(Bool), axes([Int])

  /// A Float value as a number.
  public static func float(_ x: Float) -> KerasParameterValue { .number(Double(x)) }
  /// An optional Float value as an optional number.
  public static func optionalFloat(_ x: Float?) -> KerasParameterValue { .optionalNumber(x.map(Double.init)) }

  public var float: Float {
    guard case .number(let x) = self else { preconditionFailure("\(self) is not a number") }
    return Float(x)
  }

  public var optionalFloat: Float? {
    guard case .optionalNumber(let x) = self else { preconditionFailure("\(self) is not an optional number") }
    return x.map(Float.init)
  }

  public var bool: Bool {
    guard case .bool(let b) = self else { preconditionFailure("\(self) is not true or false") }
    return b
  }

  public var axes: [Int] {
    guard case .axes(let a) = self else { preconditionFailure("\(self) is not a list of axes") }
    return a
  }

  /// As Keras writes it: a number, null, true or false, one axis or a list.
  public var json: JSON {
    switch self {
    case .number(let x): .number(x)
    case .optionalNumber(let x): x.map(JSON.number) ?? .null
    case .bool(let b): .bool(b)
    case .axes(let a): a.count == 1 ? .int(a[0]) : .array(a.map(JSON.int))
    }
  }
}

// MARK: - Object classes

/// A Keras class whose config is a few parameters (an initializer, regularizer, constraint or optimizer) and the
/// Precast value it is: the parameters in Keras's order with Keras's defaults, and the value ↔ parameter values
/// (in that order, `.written` ones left out) in both directions.
public struct KerasObjectClass<Value: Sendable>: Sendable {
  public let className: String
  public let parameters: [KerasParameter]
  private let make: @Sendable ([KerasParameterValue]) -> Value
  private let values: @Sendable (Value) -> [KerasParameterValue]?

  /// - Parameters:
  ///   - make: the value of these parameter values.
  ///   - values: the parameter values of a value this class serialises, nil for the others.
  public init(
    _ className: String, _ parameters: [KerasParameter], make: @escaping @Sendable ([KerasParameterValue]) -> Value,
    values: @escaping @Sendable (Value) -> [KerasParameterValue]?
  ) {
    self.className = className
    self.parameters = parameters
    self.make = make
    self.values = values
  }

  /// Keras's defaults of the parameters, in order (`.written` ones left out).
  public var defaults: [KerasParameterValue] { parameters.compactMap(\.defaultValue) }

  /// The value of these parameter values.
  public func value(_ values: [KerasParameterValue]) -> Value { make(values) }

  /// The parameter values of `value` when this class serialises it, else nil.
  public func parameterValues(of value: Value) -> [KerasParameterValue]? { values(value) }

  /// The config's pairs in Keras's order.
  public func config(_ values: [KerasParameterValue]) -> [(String, JSON)] {
    var remaining = values[...]
    return parameters.map { parameter in
      if case .written(let key, let json) = parameter { return (key, json) }
      return (parameter.key, remaining.removeFirst().json)
    }
  }
}

extension KerasObjectClass where Value: Equatable {
  /// A class that is one value and has no parameters but `written` ones (`GlorotUniform(seed)`, `NonNeg()`).
  public init(_ className: String, _ value: Value, written: [KerasParameter] = []) {
    self.init(className, written, make: { _ in value }, values: { $0 == value ? [] : nil })
  }

  /// A class whose value at Keras's defaults is a case of its own: `RandomNormal()` is `.normal`, any other mean or
  /// stddev `.randomNormal(mean:stddev:)`.
  public init(
    _ className: String, _ parameters: [KerasParameter], atDefaults plain: Value, make: @escaping @Sendable ([KerasParameterValue]) -> Value,
    values: @escaping @Sendable (Value) -> [KerasParameterValue]?
  ) {
    let defaults = parameters.compactMap(\.defaultValue)
    self.init(
      className, parameters, make: { $0 == defaults ? plain : make($0) }, values: { $0 == plain ? defaults : values($0) })
  }
}

/// The classes of one Keras module (`keras.initializers`, …) Precast has.
public struct KerasObjectFamily<Value: Sendable>: Sendable {
  /// `keras.initializers`, …
  public let module: String
  /// One of them, for messages: "an initializer".
  public let noun: String
  public let classes: [KerasObjectClass<Value>]

  /// The class Keras serialises `value` as (the first that does), with its parameter values.
  public func kerasClass(of value: Value) -> (kerasClass: KerasObjectClass<Value>, values: [KerasParameterValue]) {
    for kerasClass in classes {
      if let values = kerasClass.parameterValues(of: value) { return (kerasClass, values) }
    }
    preconditionFailure("\(module) has no class for \(value)")
  }

  /// The class named `name` in any of Keras's spellings (`GlorotUniform`, `glorot_uniform`, `l1_l2` for L1L2).
  public func kerasClass(named name: String) -> KerasObjectClass<Value>? {
    let wanted = KerasNames.looseName(name)
    return classes.first { KerasNames.looseName($0.className) == wanted }
  }

  /// `{"module": …, "class_name": …, "config": {…}, "registered_name": null}`.
  public func config(of value: Value) -> JSON {
    let (kerasClass, values) = kerasClass(of: value)
    return .kerasObject(module: module, className: kerasClass.className, config: kerasClass.config(values))
  }
}

// MARK: - Initializers

extension Initializer {
  /// `keras.initializers` as Precast has them (formulas: Docs/keras-formulas.md §5).
  public static let kerasVocabulary = KerasObjectFamily<Initializer>(
    module: "keras.initializers", noun: "an initializer",
    classes: [
      .init("GlorotUniform", .glorotUniform, written: [.seed]),
      .init("GlorotNormal", .glorotNormal, written: [.seed]),
      .init(
        "RandomUniform", [.number("minval", default: -0.05), .number("maxval", default: 0.05), .seed], atDefaults: .uniform,
        make: { .randomUniform(minval: $0[0].float, maxval: $0[1].float) },
        values: { if case .randomUniform(let low, let high) = $0 { [.float(low), .float(high)] } else { nil } }),
      .init(
        "RandomNormal", [.number("mean", default: 0), .number("stddev", default: 0.05), .seed], atDefaults: .normal,
        make: { .randomNormal(mean: $0[0].float, stddev: $0[1].float) },
        values: { if case .randomNormal(let mean, let stddev) = $0 { [.float(mean), .float(stddev)] } else { nil } }),
      // An LSTM's unit_forget_bias bias is written as Zeros: the layer's `unit_forget_bias` flag carries the ones.
      .init("Zeros", [], make: { _ in .zeros }, values: { $0 == .zeros || $0 == .unitForgetBias ? [] : nil }),
      .init("Ones", .ones),
      .init(
        "Constant", [.number("value", default: 0)], make: { .constant($0[0].float) },
        values: { if case .constant(let value) = $0 { [.float(value)] } else { nil } }),
      .init("HeNormal", .heNormal, written: [.seed]),
      .init("HeUniform", .heUniform, written: [.seed]),
      .init("LecunNormal", .lecunNormal, written: [.seed]),
      .init("LecunUniform", .lecunUniform, written: [.seed]),
      .init(
        "TruncatedNormal", [.number("mean", default: 0), .number("stddev", default: 0.05), .seed],
        make: { .truncatedNormal(mean: $0[0].float, stddev: $0[1].float) },
        values: { if case .truncatedNormal(let mean, let stddev) = $0 { [.float(mean), .float(stddev)] } else { nil } }),
      .init(
        "Orthogonal", [.seed, .number("gain", default: 1)], make: { .orthogonal(gain: $0[0].float) },
        values: { if case .orthogonal(let gain) = $0 { [.float(gain)] } else { nil } }),
    ])
}

// MARK: - Regularizers and constraints

extension Regularizer {
  /// `keras.regularizers`: L1 or L2 when only that factor is set, else L1L2.
  public static let kerasVocabulary = KerasObjectFamily<Regularizer>(
    module: "keras.regularizers", noun: "a regularizer",
    classes: [
      .init(
        "L1", [.number("l1", default: 0.01)], make: { Regularizer(l1: $0[0].float) },
        values: { $0.l2 == 0 && $0.l1 != 0 ? [.float($0.l1)] : nil }),
      .init(
        "L2", [.number("l2", default: 0.01)], make: { Regularizer(l2: $0[0].float) },
        values: { $0.l1 == 0 && $0.l2 != 0 ? [.float($0.l2)] : nil }),
      .init(
        "L1L2", [.number("l1", default: 0), .number("l2", default: 0)], make: { Regularizer(l1: $0[0].float, l2: $0[1].float) },
        values: { [.float($0.l1), .float($0.l2)] }),
    ])
}

extension Constraint {
  /// `keras.constraints`.
  public static let kerasVocabulary = KerasObjectFamily<Constraint>(
    module: "keras.constraints", noun: "a constraint",
    classes: [
      .init(
        "MaxNorm", [.number("max_value", default: 2), .axes("axis", default: [0])],
        make: { .maxNorm(maxValue: $0[0].float, axes: $0[1].axes) },
        values: { if case .maxNorm(let maxValue, let axes) = $0 { [.float(maxValue), .axes(axes)] } else { nil } }),
      .init("NonNeg", .nonNeg),
      .init(
        "UnitNorm", [.axes("axis", default: [0])], make: { .unitNorm(axes: $0[0].axes) },
        values: { if case .unitNorm(let axes) = $0 { [.axes(axes)] } else { nil } }),
    ])
}

// MARK: - Activation functions

extension ActivationFunction {
  /// Keras's default negative slope for `leaky_relu`.
  public static var leakyRelu: ActivationFunction { .leakyRelu(alpha: 0.2) }
  /// Keras's default alpha for `elu`.
  public static var elu: ActivationFunction { .elu(alpha: 1) }

  /// The names `keras.activations` knows the functions by, each with the function it names (leaky_relu and elu with
  /// their default slopes). The first name of a function is the one Keras serialises ("silu", read also as "swish").
  public static let kerasNames: [(name: String, function: ActivationFunction)] = [
    ("linear", .linear), ("relu", .relu), ("sigmoid", .sigmoid), ("tanh", .tanh), ("softmax", .softmax), ("selu", .selu),
    ("silu", .swish), ("swish", .swish), ("hard_sigmoid", .hardSigmoid), ("leaky_relu", .leakyRelu), ("elu", .elu),
  ]

  /// The name Keras serialises (`keras.activations.serialize`); leaky_relu and elu whatever their slopes.
  public var kerasName: String {
    guard let entry = ActivationFunction.kerasNames.first(where: { $0.function.isSameFunction(as: self) }) else {
      preconditionFailure("no Keras name for \(self)")
    }
    return entry.name
  }

  /// The function Keras names `name` (`keras.activations.get`), nil for one Precast does not compute.
  public init?(kerasName name: String) {
    guard let entry = ActivationFunction.kerasNames.first(where: { $0.name == name }) else { return nil }
    self = entry.function
  }

  /// The same function, whatever the slopes (leaky_relu with any negative slope, elu with any alpha).
  public func isSameFunction(as other: ActivationFunction) -> Bool {
    switch (self, other) {
    case (.leakyRelu, .leakyRelu), (.elu, .elu): true
    default: self == other
    }
  }
}

// MARK: - Optimizers

extension OptimizerConfig {
  /// `keras.optimizers`, Keras 3's arguments and defaults (`keras/src/optimizers/*.py`). Every class writes `name`,
  /// `learning_rate` (default: SGD 0.01, the others 0.001) and `commonKerasParameters` before its own.
  public static let kerasVocabulary = KerasObjectFamily<OptimizerConfig>(
    module: "keras.optimizers", noun: "an optimizer",
    classes: [
      optimizer(
        "SGD", learningRate: 0.01, [.number("momentum", default: 0), .bool("nesterov", default: false)],
        rule: { .sgd(momentum: $0[0].float, nesterov: $0[1].bool) },
        values: { if case .sgd(let momentum, let nesterov) = $0 { [.float(momentum), .bool(nesterov)] } else { nil } }),
      optimizer(
        "Adam", learningRate: 0.001, betas + [.bool("amsgrad", default: false)],
        rule: { .adam(beta1: $0[0].float, beta2: $0[1].float, epsilon: $0[2].float, amsgrad: $0[3].bool) },
        values: { if case .adam(let b1, let b2, let e, let amsgrad) = $0 { [.float(b1), .float(b2), .float(e), .bool(amsgrad)] } else { nil } }),
      optimizer(
        "RMSprop", learningRate: 0.001,
        [.number("rho", default: 0.9), .number("momentum", default: 0), epsilon, .bool("centered", default: false)],
        rule: { .rmsprop(rho: $0[0].float, momentum: $0[1].float, epsilon: $0[2].float, centered: $0[3].bool) },
        values: { if case .rmsprop(let rho, let m, let e, let centered) = $0 { [.float(rho), .float(m), .float(e), .bool(centered)] } else { nil } }),
      optimizer(
        "Adagrad", learningRate: 0.001, [.number("initial_accumulator_value", default: 0.1), epsilon],
        rule: { .adagrad(initialAccumulator: $0[0].float, epsilon: $0[1].float) },
        values: { if case .adagrad(let initial, let e) = $0 { [.float(initial), .float(e)] } else { nil } }),
      optimizer(
        "Adadelta", learningRate: 0.001, [.number("rho", default: 0.95), epsilon],
        rule: { .adadelta(rho: $0[0].float, epsilon: $0[1].float) },
        values: { if case .adadelta(let rho, let e) = $0 { [.float(rho), .float(e)] } else { nil } }),
      optimizer(
        "Adamax", learningRate: 0.001, betas, rule: { .adamax(beta1: $0[0].float, beta2: $0[1].float, epsilon: $0[2].float) },
        values: { if case .adamax(let b1, let b2, let e) = $0 { [.float(b1), .float(b2), .float(e)] } else { nil } }),
      optimizer(
        "Nadam", learningRate: 0.001, betas, rule: { .nadam(beta1: $0[0].float, beta2: $0[1].float, epsilon: $0[2].float) },
        values: { if case .nadam(let b1, let b2, let e) = $0 { [.float(b1), .float(b2), .float(e)] } else { nil } }),
    ])

  /// What every Keras 3 optimizer writes after `learning_rate`: the clipping bounds Precast computes, and options
  /// written with Keras's defaults and ignored when read.
  public static let commonKerasParameters: [KerasParameter] = [
    .written("weight_decay", .null), .optionalNumber("clipnorm"), .optionalNumber("global_clipnorm"), .optionalNumber("clipvalue"),
    .written("use_ema", .bool(false)), .written("ema_momentum", .number(0.99)), .written("ema_overwrite_frequency", .null),
    .written("loss_scale_factor", .null), .written("gradient_accumulation_steps", .null),
  ]

  /// tf-keras 2's time-based `decay`: read from its configs; Keras 3 has no such argument, so it is never written.
  public static let legacyDecay = KerasParameter.number("decay", default: 0)

  private static let epsilon = KerasParameter.number("epsilon", default: 1e-7)
  private static let betas: [KerasParameter] = [.number("beta_1", default: 0.9), .number("beta_2", default: 0.999), epsilon]

  /// An optimizer class: `learning_rate`, the common parameters, then the rule's own.
  private static func optimizer(
    _ className: String, learningRate: Double, _ ruleParameters: [KerasParameter],
    rule: @escaping @Sendable ([KerasParameterValue]) -> Rule, values: @escaping @Sendable (Rule) -> [KerasParameterValue]?
  ) -> KerasObjectClass<OptimizerConfig> {
    let common = 4  // learning_rate, clipnorm, global_clipnorm, clipvalue
    return KerasObjectClass(
      className, [.number("learning_rate", default: learningRate)] + commonKerasParameters + ruleParameters,
      make: { v in
        OptimizerConfig(
          rule(Array(v[common...])), learningRate: v[0].float, clipNorm: v[1].optionalFloat, clipValue: v[3].optionalFloat,
          globalClipNorm: v[2].optionalFloat)
      },
      values: { config in
        values(config.rule).map {
          [.float(config.learningRate), .optionalFloat(config.clipNorm), .optionalFloat(config.globalClipNorm), .optionalFloat(config.clipValue)] + $0
        }
      })
  }

  /// Keras's class name (`SGD`, `Adam`, `RMSprop`, …).
  public var kerasClassName: String { OptimizerConfig.kerasVocabulary.kerasClass(of: self).kerasClass.className }

  /// The snake_case name Keras gives the optimizer: its config's `name` and the prefix of its variables in weight
  /// files ("adam", "sgd", "rm_sprop").
  public var kerasName: String { KerasNames.snakeCase(kerasClassName) }

  /// `keras.optimizers.serialize(optimizer)` of Keras 3. Keras 3 has no `decay` argument: a time-decayed optimizer
  /// is written with its initial learning rate (Keras would continue without the decay).
  public var kerasConfig: JSON {
    let (kerasClass, values) = OptimizerConfig.kerasVocabulary.kerasClass(of: self)
    return .kerasObject(
      module: OptimizerConfig.kerasVocabulary.module, className: kerasClass.className,
      config: [("name", .string(kerasName))] + kerasClass.config(values))
  }
}

// MARK: - Losses

extension Loss {
  /// Keras's class of the loss (`keras.losses.BinaryCrossentropy`), written for a loss object (`from_logits`).
  public var kerasClassName: String {
    switch self {
    case .binaryCrossentropy: "BinaryCrossentropy"
    case .categoricalCrossentropy: "CategoricalCrossentropy"
    case .sparseCategoricalCrossentropy: "SparseCategoricalCrossentropy"
    case .meanSquaredError: "MeanSquaredError"
    case .meanAbsoluteError: "MeanAbsoluteError"
    case .meanAbsolutePercentageError: "MeanAbsolutePercentageError"
    case .meanSquaredLogarithmicError: "MeanSquaredLogarithmicError"
    case .hinge: "Hinge"
    case .squaredHinge: "SquaredHinge"
    case .huber: "Huber"
    case .logCosh: "LogCosh"
    case .kullbackLeiblerDivergence: "KLDivergence"
    case .poisson: "Poisson"
    case .cosineSimilarity: "CosineSimilarity"
    }
  }

  /// The other names `keras.losses.get` knows (Keras 3 and tf-keras).
  public static let kerasAliases: [String: Loss] = [
    "mse": .meanSquaredError, "mae": .meanAbsoluteError, "mape": .meanAbsolutePercentageError,
    "msle": .meanSquaredLogarithmicError, "kld": .kullbackLeiblerDivergence, "kullback_leibler_divergence": .kullbackLeiblerDivergence,
    "logcosh": .logCosh,
  ]

  /// The key of a loss object's config that says its input is logits.
  public static let fromLogitsKey = "from_logits"

  /// The loss Keras names `name`: its function (mean_squared_error), an alias (mse) or its class (MeanSquaredError,
  /// as its snake_case).
  public init?(kerasName name: String) {
    let snake = KerasNames.snakeCase(name)
    guard let loss = Loss(rawValue: name) ?? Loss.kerasAliases[name] ?? Loss(rawValue: snake) ?? Loss.kerasAliases[snake] else { return nil }
    self = loss
  }

  /// The loss in a compile config: its function's name, or with `from_logits=True` the loss object
  /// (`{"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {…, "from_logits": true}}`).
  public func kerasConfig(fromLogits: Bool) -> JSON {
    guard fromLogits, !isElementwise else { return .string(rawValue) }
    return .kerasObject(
      module: "keras.losses", className: kerasClassName,
      config: [("name", .string(rawValue)), ("reduction", .string("sum_over_batch_size")), (Loss.fromLogitsKey, .bool(true))])
  }
}

// MARK: - Metrics

extension Metric {
  /// The metric Keras names `name`: as it logs it (accuracy, mae), tf-keras's "acc", or its class (Precision,
  /// RootMeanSquaredError).
  public init?(kerasName name: String) {
    let key = name == "acc" ? Metric.accuracy.rawValue : name
    guard let metric = Metric(rawValue: key) ?? Metric(rawValue: KerasNames.snakeCase(key)) else { return nil }
    self = metric
  }
}
