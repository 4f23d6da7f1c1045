// Vocabulary.swift: the Keras names Precast shares between its compiler and its runtime.

// MARK: - Activations

/// A Keras activation function (`keras.activations`), with Keras's default parameters.
public enum ActivationFunction: Sendable, Equatable {
  case linear, relu, sigmoid, tanh, softmax, selu, swish
  /// `leaky_relu`; Keras's function default negative slope is 0.2.
  case leakyRelu(alpha: Float)
  /// `elu`; Keras's default alpha is 1.0.
  case elu(alpha: Float)

  /// True when the derivative can be computed from the output alone (all but swish).
  public var backwardFromOutput: Bool { self != .swish }
}

// MARK: - Losses

/// A Keras loss (`keras.losses`).
public enum Loss: String, Sendable, Equatable, CaseIterable {
  case binaryCrossentropy = "binary_crossentropy"
  case categoricalCrossentropy = "categorical_crossentropy"
  case sparseCategoricalCrossentropy = "sparse_categorical_crossentropy"
  case meanSquaredError = "mean_squared_error"
  case meanAbsoluteError = "mean_absolute_error"
}

/// Keras's backend epsilon, used to clip probabilities when crossentropy is not fused with its activation.
public let kerasEpsilon: Float = 1e-7

// MARK: - Metrics

/// A Keras metric as reported in logs.
public enum Metric: String, Sendable, Equatable, CaseIterable {
  /// "accuracy": binary, categorical or sparse, chosen from the loss and output size as Keras does.
  case accuracy
  /// "mae" (mean absolute error).
  case meanAbsoluteError = "mae"
}

/// Which accuracy Keras picks for `metrics=['accuracy']`.
public enum AccuracyKind: Sendable, Equatable {
  case binary, categorical, sparseCategorical
}

// MARK: - Optimizers

/// An optimizer and its hyper-parameters, with Keras 3's defaults.
public enum OptimizerConfig: Sendable, Equatable {
  /// `keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False)`.
  case sgd(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false)
  /// `keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)`.
  case adam(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7)
  /// `keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9, epsilon=1e-7)`.
  case rmsprop(learningRate: Float = 0.001, rho: Float = 0.9, epsilon: Float = 1e-7)

  /// Slot buffers per parameter (Adam: m and v; SGD with momentum and RMSprop: one; plain SGD: none).
  public var slotsPerParameter: Int {
    switch self {
    case .sgd(_, let momentum, _): return momentum == 0 ? 0 : 1
    case .adam: return 2
    case .rmsprop: return 1
    }
  }

  public var learningRate: Float {
    switch self {
    case .sgd(let lr, _, _), .adam(let lr, _, _, _), .rmsprop(let lr, _, _): return lr
    }
  }
}
