// Vocabulary.swift: the Keras concepts Precast shares between its compiler and its runtime (their Keras names and
// defaults as configs write them: KerasVocabulary.swift).

// MARK: - Activations

/// A Keras activation function (`keras.activations`), with Keras's default parameters.
public enum ActivationFunction: Sendable, Equatable {
  case linear, relu, sigmoid, tanh, softmax, selu, swish
  /// `hard_sigmoid`: clip(x/6 + 1/2, 0, 1), Keras 3's definition (Keras 2 used clip(0.2·x + 1/2, 0, 1)).
  case hardSigmoid
  /// `leaky_relu`; Keras's function default negative slope is 0.2.
  case leakyRelu(alpha: Float)
  /// `elu`; Keras's default alpha is 1.0.
  case elu(alpha: Float)

  /// True when the derivative can be computed from the output alone (all but swish).
  public var backwardFromOutput: Bool { self != .swish }
}

// MARK: - Losses

/// A Keras loss (`keras.losses`), named as Keras names its function. Formulas: Docs/keras-formulas.md §2.
public enum Loss: String, Sendable, Equatable, CaseIterable {
  case binaryCrossentropy = "binary_crossentropy"
  case categoricalCrossentropy = "categorical_crossentropy"
  case sparseCategoricalCrossentropy = "sparse_categorical_crossentropy"
  case meanSquaredError = "mean_squared_error"
  case meanAbsoluteError = "mean_absolute_error"
  /// 100·mean(|t − p| / max(|t|, ε)).
  case meanAbsolutePercentageError = "mean_absolute_percentage_error"
  /// mean((log(max(p, ε) + 1) − log(max(t, ε) + 1))²).
  case meanSquaredLogarithmicError = "mean_squared_logarithmic_error"
  /// mean(max(1 − t·p, 0)); labels all in {0, 1} become ±1.
  case hinge
  /// mean(max(1 − t·p, 0)²); labels all in {0, 1} become ±1.
  case squaredHinge = "squared_hinge"
  /// Huber with δ = 1 (Keras's default): ½e² for |e| ≤ δ, δ·|e| − ½δ² beyond.
  case huber
  /// mean(log cosh(p − t)).
  case logCosh = "log_cosh"
  /// Σ over the last axis of t·log(t/p), both clipped to [ε, 1].
  case kullbackLeiblerDivergence = "kl_divergence"
  /// mean(p − t·log(p + ε)).
  case poisson
  /// −(t/‖t‖)·(p/‖p‖) per sample (the norms at least ε).
  case cosineSimilarity = "cosine_similarity"

  /// True for the losses computed element-wise by `elementwiseLoss` (all but the crossentropies).
  public var isElementwise: Bool {
    switch self {
    case .binaryCrossentropy, .categoricalCrossentropy, .sparseCategoricalCrossentropy: false
    default: true
    }
  }
}

/// Keras's backend epsilon, used to clip probabilities when crossentropy is not fused with its activation.
public let kerasEpsilon: Float = 1e-7

// MARK: - Metrics

/// A Keras metric, named as Keras prints it in the logs (the string you would pass to `metrics=[…]`, or the
/// metric object's name where Keras accepts no string). Formulas: Docs/keras-formulas.md §3.
public enum Metric: String, Sendable, Equatable, CaseIterable {
  /// "accuracy": binary, categorical or sparse, chosen from the loss and output size as Keras does.
  case accuracy
  /// "mae" (mean absolute error).
  case meanAbsoluteError = "mae"
  /// "mse" (mean squared error).
  case meanSquaredError = "mse"
  /// "mape" (mean absolute percentage error).
  case meanAbsolutePercentageError = "mape"
  /// "msle" (mean squared logarithmic error).
  case meanSquaredLogarithmicError = "msle"
  /// `RootMeanSquaredError()`: the root of the mean squared error over every sample seen.
  case rootMeanSquaredError = "root_mean_squared_error"
  /// `TopKCategoricalAccuracy()` (k = 5): the true class is among the 5 highest outputs.
  case topKCategoricalAccuracy = "top_k_categorical_accuracy"
  /// `Precision()`: tp/(tp + fp) with outputs > 0.5 predicted positive, over every output seen.
  case precision
  /// `Recall()`: tp/(tp + fn), likewise.
  case recall
  /// `AUC()`: area under the ROC curve from 200 thresholds, interpolated as Keras does.
  case auc
}

/// Which accuracy Keras picks for `metrics=['accuracy']`.
public enum AccuracyKind: Sendable, Equatable {
  case binary, categorical, sparseCategorical
}

// MARK: - Optimizers

/// An optimizer and its hyper-parameters, with Keras 3's defaults (`keras/src/optimizers/*.py`; formulas in
/// `Docs/keras-formulas.md`), plus the options every Keras optimizer takes: gradient clipping and Keras 2's
/// time-based `decay` (lr_t = lr / (1 + decay·iterations), the tutorials' SGD schedule).
public struct OptimizerConfig: Sendable, Equatable {
  /// The update rule and its own hyper-parameters.
  public enum Rule: Sendable, Equatable {
    case sgd(momentum: Float, nesterov: Bool)
    case adam(beta1: Float, beta2: Float, epsilon: Float, amsgrad: Bool)
    case rmsprop(rho: Float, momentum: Float, epsilon: Float, centered: Bool)
    case adagrad(initialAccumulator: Float, epsilon: Float)
    case adadelta(rho: Float, epsilon: Float)
    case adamax(beta1: Float, beta2: Float, epsilon: Float)
    case nadam(beta1: Float, beta2: Float, epsilon: Float)
  }

  public var rule: Rule
  public var learningRate: Float
  /// Keras 2's time-based decay: step t (0-based) uses lr / (1 + decay·t). 0: off.
  public var decay: Float = 0
  /// Rescales each weight's gradient to at most this L2 norm (Keras `clipnorm`).
  public var clipNorm: Float?
  /// Clips each gradient element to [−v, v] (Keras `clipvalue`).
  public var clipValue: Float?
  /// Rescales all gradients together to at most this global L2 norm (Keras `global_clipnorm`).
  public var globalClipNorm: Float?

  public init(
    _ rule: Rule, learningRate: Float, decay: Float = 0, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
  ) {
    self.rule = rule
    self.learningRate = learningRate
    self.decay = decay
    self.clipNorm = clipNorm
    self.clipValue = clipValue
    self.globalClipNorm = globalClipNorm
  }

  /// `keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False)`.
  public static func sgd(
    learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false, decay: Float = 0,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
  ) -> OptimizerConfig {
    OptimizerConfig(.sgd(momentum: momentum, nesterov: nesterov), learningRate: learningRate, decay: decay,
      clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
  }

  /// `keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)`.
  public static func adam(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7, amsgrad: Bool = false,
    decay: Float = 0, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
  ) -> OptimizerConfig {
    OptimizerConfig(.adam(beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad), learningRate: learningRate,
      decay: decay, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
  }

  /// `keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)`.
  public static func rmsprop(
    learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7, centered: Bool = false,
    decay: Float = 0, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
  ) -> OptimizerConfig {
    OptimizerConfig(.rmsprop(rho: rho, momentum: momentum, epsilon: epsilon, centered: centered), learningRate: learningRate,
      decay: decay, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
  }

  /// `keras.optimizers.Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)`.
  public static func adagrad(
    learningRate: Float = 0.001, initialAccumulator: Float = 0.1, epsilon: Float = 1e-7,
    decay: Float = 0, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
  ) -> OptimizerConfig {
    OptimizerConfig(.adagrad(initialAccumulator: initialAccumulator, epsilon: epsilon), learningRate: learningRate,
      decay: decay, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
  }

  /// `keras.optimizers.Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7)` (Keras 3's lr default, not 1.0).
  public static func adadelta(
    learningRate: Float = 0.001, rho: Float = 0.95, epsilon: Float = 1e-7,
    decay: Float = 0, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
  ) -> OptimizerConfig {
    OptimizerConfig(.adadelta(rho: rho, epsilon: epsilon), learningRate: learningRate,
      decay: decay, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
  }

  /// `keras.optimizers.Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)`.
  public static func adamax(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    decay: Float = 0, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
  ) -> OptimizerConfig {
    OptimizerConfig(.adamax(beta1: beta1, beta2: beta2, epsilon: epsilon), learningRate: learningRate,
      decay: decay, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
  }

  /// `keras.optimizers.Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)`.
  public static func nadam(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    decay: Float = 0, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
  ) -> OptimizerConfig {
    OptimizerConfig(.nadam(beta1: beta1, beta2: beta2, epsilon: epsilon), learningRate: learningRate,
      decay: decay, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
  }

  /// Slot buffers per parameter, in the order Keras creates them (see `Optimizer`).
  public var slotsPerParameter: Int {
    switch rule {
    case .sgd(let momentum, _): return momentum == 0 ? 0 : 1
    case .adam(_, _, _, let amsgrad): return amsgrad ? 3 : 2
    case .rmsprop(_, let momentum, _, let centered): return 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0)
    case .adagrad: return 1
    case .adadelta, .adamax, .nadam: return 2
    }
  }
}

// MARK: - Optimizer settings Keras refuses

extension OptimizerConfig {
  /// A setting `problem(naming:)` can find at fault.
  public enum Setting: Sendable {
    case learningRate, decay, clipping, clipBound, momentum, beta1, beta2, rho, initialAccumulator
  }

  /// The first setting Keras would refuse ("<name> must be positive, got -1.0"), with `name` naming each setting
  /// the way the caller's user wrote it (the builder's argument, the trainer's flag); nil when all are valid. The one
  /// check behind the spec (`compile(optimizer:)`) and the trainer's optimizer flags.
  public func problem(naming name: (Setting) -> String) -> String? {
    guard learningRate > 0 && learningRate.isFinite else { return "\(name(.learningRate)) must be positive, got \(learningRate)" }
    guard decay >= 0 && decay.isFinite else { return "\(name(.decay)) must be ≥ 0, got \(decay)" }
    let clips = [clipNorm, clipValue, globalClipNorm].compactMap { $0 }
    guard clips.count <= 1 else { return "set at most one of \(name(.clipping))" }
    if let clip = clips.first, !(clip > 0 && clip.isFinite) { return "\(name(.clipBound)) must be positive, got \(clip)" }
    func unit(_ value: Float, _ setting: Setting, closed: Bool = false) -> String? {
      value >= 0 && (closed ? value <= 1 : value < 1) ? nil : "\(name(setting)) must be in [0, 1\(closed ? "]" : ")"), got \(value)"
    }
    switch rule {
    case .sgd(let momentum, _): return unit(momentum, .momentum)
    case .adam(let b1, let b2, _, _), .adamax(let b1, let b2, _), .nadam(let b1, let b2, _):
      return unit(b1, .beta1) ?? unit(b2, .beta2)
    case .rmsprop(let rho, let momentum, _, _): return unit(rho, .rho) ?? unit(momentum, .momentum)
    case .adadelta(let rho, _): return unit(rho, .rho, closed: true)
    case .adagrad(let initial, _): return initial >= 0 ? nil : "\(name(.initialAccumulator)) must be ≥ 0, got \(initial)"
    }
  }
}
