// KerasConfig.swift: the Keras 3 `model_config` JSON of a spec, so keras.models.load_model opens our .h5 files.
import Foundation

extension ModelSpec {
  /// `model.to_json()` of the equivalent Keras 3 Sequential model.
  public var kerasModelConfig: String {
    let batchShape = JSON.array([.null] + inputShape.map(JSON.int))
    var layerConfigs: [JSON] = [
      .object([
        ("module", .string("keras.layers")), ("class_name", .string("InputLayer")),
        ("config", .object([
          ("batch_shape", batchShape), ("dtype", .string("float32")), ("sparse", .bool(false)),
          ("ragged", .bool(false)), ("name", .string("input_layer")), ("optional", .bool(false)),
        ])),
        ("registered_name", .null),
      ])
    ]
    layerConfigs += layers.map(\.kerasConfig)
    return JSON.object([
      ("module", .string("keras")), ("class_name", .string("Sequential")),
      ("config", .object([
        ("name", .string(name)), ("trainable", .bool(true)), ("dtype", dtypePolicy),
        ("layers", .array(layerConfigs)), ("build_input_shape", batchShape),
      ])),
      ("registered_name", .null),
      ("build_config", .object([("input_shape", batchShape)])),
    ]).rendered
  }
}

private let dtypePolicy = JSON.object([
  ("module", .string("keras")), ("class_name", .string("DTypePolicy")),
  ("config", .object([("name", .string("float32"))])), ("registered_name", .null),
])

extension LayerSpec {
  var kerasConfig: JSON {
    let o = declaration.options
    if let merge = o.bidirectional { return bidirectionalConfig(merge) }
    var config: [(String, JSON)] = [("name", .string(name)), ("trainable", .bool(o.trainable)), ("dtype", dtypePolicy)]
    switch declaration.kind {
    case .dense(let units, let activation, let useBias, let kernelInit, let biasInit):
      if o.activityRegularizer != nil { config.append(("activity_regularizer", o.activityRegularizer.kerasConfig)) }
      config += [
        ("units", .int(units)), ("activation", activation.kerasConfig), ("use_bias", .bool(useBias)),
        ("kernel_initializer", kernelInit.kerasConfig), ("bias_initializer", biasInit.kerasConfig),
        ("kernel_regularizer", o.kernelRegularizer.kerasConfig), ("bias_regularizer", o.biasRegularizer.kerasConfig),
        ("kernel_constraint", o.kernelConstraint.kerasConfig), ("bias_constraint", o.biasConstraint.kerasConfig),
      ]
    case .activation(let activation):
      switch (o.activationClass, activation) {
      case (.leakyReLU?, .leakyRelu(let slope)): config.append(("negative_slope", .number(Double(slope))))
      case (.elu?, .elu(let alpha)): config.append(("alpha", .number(Double(alpha))))
      case (.relu?, _): config += [("max_value", .null), ("negative_slope", .number(0)), ("threshold", .number(0))]
      case (.softmax?, _): config.append(("axis", .int(-1)))
      default: config.append(("activation", activation.kerasConfig))
      }
    case .dropout(let rate):
      config += [("rate", .number(rate)), ("seed", .null), ("noise_shape", .null)]
    case .masking(let value):
      config.append(("mask_value", .number(value)))
    case .flatten:
      config.append(("data_format", .string("channels_last")))
    case .conv2D(let filters, let size, let strides, let padding, let activation, let useBias, let kernelInit, let biasInit):
      let oneD = declaration.oneDimensional
      config += [
        ("filters", .int(filters)), ("kernel_size", oneD ? .array([.int(size.width)]) : size.json),
        ("strides", oneD ? .array([.int(strides.width)]) : strides.json),
        ("padding", .string(padding.rawValue)), ("data_format", .string("channels_last")),
        ("dilation_rate", oneD ? .array([.int(o.dilation.width)]) : o.dilation.json), ("groups", .int(1)),
        ("activation", activation.kerasConfig), ("use_bias", .bool(useBias)),
        ("kernel_initializer", kernelInit.kerasConfig), ("bias_initializer", biasInit.kerasConfig),
        ("kernel_regularizer", o.kernelRegularizer.kerasConfig), ("bias_regularizer", o.biasRegularizer.kerasConfig),
        ("activity_regularizer", o.activityRegularizer.kerasConfig),
        ("kernel_constraint", o.kernelConstraint.kerasConfig), ("bias_constraint", o.biasConstraint.kerasConfig),
      ]
    case .pooling2D(_, let size, let strides, let padding):
      let oneD = declaration.oneDimensional
      config += [
        ("pool_size", oneD ? .array([.int(size.width)]) : size.json), ("padding", .string(padding.rawValue)),
        ("strides", oneD ? .array([.int(strides.width)]) : strides.json), ("data_format", .string("channels_last")),
      ]
    case .globalPooling2D:
      config += [("data_format", .string("channels_last")), ("keepdims", .bool(false))]
    case .batchNormalization(let momentum, let epsilon, let center, let scale):
      config += [
        ("axis", .int(-1)), ("momentum", .number(momentum)), ("epsilon", .number(epsilon)),
        ("center", .bool(center)), ("scale", .bool(scale)),
        ("beta_initializer", Initializer.zeros.kerasConfig), ("gamma_initializer", Initializer.ones.kerasConfig),
        ("moving_mean_initializer", Initializer.zeros.kerasConfig), ("moving_variance_initializer", Initializer.ones.kerasConfig),
        ("beta_regularizer", .null), ("gamma_regularizer", .null), ("beta_constraint", .null), ("gamma_constraint", .null),
        ("synchronized", .bool(false)),
      ]
    case .reshape(let target):
      config.append(("target_shape", .array(target.map(JSON.int))))
    case .lstm(let units, let returnSequences):
      config += [
        ("return_sequences", .bool(returnSequences)), ("return_state", .bool(false)), ("go_backwards", .bool(o.goBackwards)),
        ("stateful", .bool(false)), ("unroll", .bool(false)), ("zero_output_for_mask", .bool(false)), ("units", .int(units)),
        ("activation", .string(o.activation.kerasName)), ("recurrent_activation", .string(o.recurrentActivation.kerasName)), ("use_bias", .bool(true)),
        ("kernel_initializer", Initializer.glorotUniform.kerasConfig), ("recurrent_initializer", Initializer.orthogonal().kerasConfig),
        ("bias_initializer", Initializer.zeros.kerasConfig), ("unit_forget_bias", .bool(true)),
        ("kernel_regularizer", .null), ("recurrent_regularizer", .null), ("bias_regularizer", .null), ("activity_regularizer", .null),
        ("kernel_constraint", .null), ("recurrent_constraint", .null), ("bias_constraint", .null),
        ("dropout", .number(o.inputDropout)), ("recurrent_dropout", .number(o.recurrentDropout)), ("seed", .null),
      ]
    case .gru(let units, let returnSequences):
      config += [
        ("return_sequences", .bool(returnSequences)), ("return_state", .bool(false)), ("go_backwards", .bool(o.goBackwards)),
        ("stateful", .bool(false)), ("unroll", .bool(false)), ("zero_output_for_mask", .bool(false)), ("units", .int(units)),
        ("activation", .string(o.activation.kerasName)), ("recurrent_activation", .string(o.recurrentActivation.kerasName)), ("use_bias", .bool(true)),
        ("kernel_initializer", Initializer.glorotUniform.kerasConfig), ("recurrent_initializer", Initializer.orthogonal().kerasConfig),
        ("bias_initializer", Initializer.zeros.kerasConfig),
        ("kernel_regularizer", .null), ("recurrent_regularizer", .null), ("bias_regularizer", .null), ("activity_regularizer", .null),
        ("kernel_constraint", .null), ("recurrent_constraint", .null), ("bias_constraint", .null),
        ("dropout", .number(o.inputDropout)), ("recurrent_dropout", .number(o.recurrentDropout)), ("reset_after", .bool(o.resetAfter)), ("seed", .null),
      ]
    case .simpleRNN(let units, let returnSequences):
      config += [
        ("return_sequences", .bool(returnSequences)), ("return_state", .bool(false)), ("go_backwards", .bool(o.goBackwards)),
        ("stateful", .bool(false)), ("unroll", .bool(false)), ("zero_output_for_mask", .bool(false)), ("units", .int(units)),
        ("activation", .string(o.activation.kerasName)), ("use_bias", .bool(true)),
        ("kernel_initializer", Initializer.glorotUniform.kerasConfig), ("recurrent_initializer", Initializer.orthogonal().kerasConfig),
        ("bias_initializer", Initializer.zeros.kerasConfig),
        ("kernel_regularizer", .null), ("recurrent_regularizer", .null), ("bias_regularizer", .null), ("activity_regularizer", .null),
        ("kernel_constraint", .null), ("recurrent_constraint", .null), ("bias_constraint", .null),
        ("dropout", .number(o.inputDropout)), ("recurrent_dropout", .number(o.recurrentDropout)), ("seed", .null),
      ]
    case .embedding(let inputDim, let outputDim, let initializer):
      config += [
        ("input_dim", .int(inputDim)), ("output_dim", .int(outputDim)), ("embeddings_initializer", initializer.kerasConfig),
        ("embeddings_regularizer", .null), ("activity_regularizer", .null), ("embeddings_constraint", .null),
        ("mask_zero", .bool(o.maskZero)),
      ]
    }
    var pairs: [(String, JSON)] = [
      ("module", .string("keras.layers")), ("class_name", .string(className)), ("config", .object(config)),
      ("registered_name", .null),
    ]
    if !weights.isEmpty {
      pairs.append(("build_config", .object([("input_shape", .array([.null] + inputShape.map(JSON.int)))])))
    }
    return .object(pairs)
  }
}

extension LayerSpec {
  /// Keras's Bidirectional config: the wrapper with `merge_mode`, the forward layer as `layer` and the backward
  /// one (go_backwards) as `backward_layer`, named forward_lstm / backward_lstm as Keras names them.
  private func bidirectionalConfig(_ merge: MergeMode) -> JSON {
    let half = weights.count / 2
    func direction(_ side: String) -> JSON {
      var inner = declaration
      inner.options.bidirectional = nil
      inner.options.goBackwards = side == "backward"
      let innerName = KerasNames.bidirectionalLayerName(side: side, wrapped: declaration.wrappedClassName)
      return LayerSpec(
        name: innerName, declaration: inner, inputShape: inputShape, outputShape: outputShape,
        weights: Array(side == "forward" ? weights[..<half] : weights[half...])
      ).kerasConfig
    }
    let config: [(String, JSON)] = [
      ("name", .string(name)), ("trainable", .bool(declaration.options.trainable)), ("dtype", dtypePolicy),
      ("merge_mode", .string(merge.rawValue)), ("layer", direction("forward")), ("backward_layer", direction("backward")),
    ]
    return .object([
      ("module", .string("keras.layers")), ("class_name", .string("Bidirectional")), ("config", .object(config)),
      ("registered_name", .null), ("build_config", .object([("input_shape", .array([.null] + inputShape.map(JSON.int)))])),
    ])
  }
}

extension Size2D {
  var json: JSON { .array([.int(height), .int(width)]) }
}

extension ActivationFunction {
  /// A layer's `activation` as Keras serialises it (`keras.activations.serialize`): the function's name, or, for a
  /// leaky_relu or elu whose slope is not the function's default, the activation layer object Keras itself writes
  /// for `activation=LeakyReLU(negative_slope=…)` / `ELU(alpha=…)`. Keras 3 names the slope `negative_slope`
  /// (default 0.2) where tf-keras's LeakyReLU said `alpha` (default 0.3); ELU keeps `alpha` (default 1.0).
  var kerasConfig: JSON {
    let (className, name, slope): (String, String, (String, JSON))
    switch self {
    case .leakyRelu(let alpha) where alpha != 0.2: (className, name, slope) = ("LeakyReLU", "leaky_re_lu", ("negative_slope", .number(Double(alpha))))
    case .elu(let alpha) where alpha != 1: (className, name, slope) = ("ELU", "elu", ("alpha", .number(Double(alpha))))
    default: return .string(kerasName)
    }
    return .object([
      ("module", .string("keras.layers")), ("class_name", .string(className)),
      ("config", .object([("name", .string(name)), ("trainable", .bool(true)), ("dtype", dtypePolicy), slope])),
      ("registered_name", .null),
    ])
  }

  /// The name Keras serialises (`keras.activations.serialize`); leaky_relu and elu with their default slopes.
  public var kerasName: String {
    switch self {
    case .linear: return "linear"
    case .relu: return "relu"
    case .sigmoid: return "sigmoid"
    case .tanh: return "tanh"
    case .softmax: return "softmax"
    case .selu: return "selu"
    case .swish: return "silu"
    case .hardSigmoid: return "hard_sigmoid"
    case .leakyRelu: return "leaky_relu"
    case .elu: return "elu"
    }
  }
}

extension Initializer {
  var kerasConfig: JSON {
    let (name, config): (String, [(String, JSON)]) = switch self {
    case .glorotUniform: ("GlorotUniform", [("seed", .null)])
    case .glorotNormal: ("GlorotNormal", [("seed", .null)])
    case .uniform: ("RandomUniform", [("minval", .number(-0.05)), ("maxval", .number(0.05)), ("seed", .null)])
    case .normal: ("RandomNormal", [("mean", .number(0)), ("stddev", .number(0.05)), ("seed", .null)])
    case .zeros: ("Zeros", [])
    case .ones: ("Ones", [])
    case .constant(let v): ("Constant", [("value", .number(Double(v)))])
    case .heNormal: ("HeNormal", [("seed", .null)])
    case .heUniform: ("HeUniform", [("seed", .null)])
    case .lecunNormal: ("LecunNormal", [("seed", .null)])
    case .lecunUniform: ("LecunUniform", [("seed", .null)])
    case .randomNormal(let mean, let stddev): ("RandomNormal", [("mean", .number(Double(mean))), ("stddev", .number(Double(stddev))), ("seed", .null)])
    case .randomUniform(let low, let high): ("RandomUniform", [("minval", .number(Double(low))), ("maxval", .number(Double(high))), ("seed", .null)])
    case .truncatedNormal(let mean, let stddev):
      ("TruncatedNormal", [("mean", .number(Double(mean))), ("stddev", .number(Double(stddev))), ("seed", .null)])
    case .orthogonal(let gain): ("Orthogonal", [("seed", .null), ("gain", .number(Double(gain)))])
    case .unitForgetBias: ("Zeros", [])  // the LSTM's unit_forget_bias flag carries the ones
    }
    return .object([
      ("module", .string("keras.initializers")), ("class_name", .string(name)), ("config", .object(config)),
      ("registered_name", .null),
    ])
  }
}

extension Optional<Regularizer> {
  /// `{"module": "keras.regularizers", "class_name": "L2", …}`, or null.
  var kerasConfig: JSON {
    guard let r = self else { return .null }
    let (name, config): (String, [(String, JSON)]) =
      switch (r.l1, r.l2) {
      case (_, 0) where r.l1 != 0: ("L1", [("l1", .number(Double(r.l1)))])
      case (0, _) where r.l2 != 0: ("L2", [("l2", .number(Double(r.l2)))])
      default: ("L1L2", [("l1", .number(Double(r.l1))), ("l2", .number(Double(r.l2)))])
      }
    return .object([("module", .string("keras.regularizers")), ("class_name", .string(name)), ("config", .object(config)), ("registered_name", .null)])
  }
}

extension Optional<Constraint> {
  /// `{"module": "keras.constraints", "class_name": "MaxNorm", …}`, or null.
  var kerasConfig: JSON {
    guard let c = self else { return .null }
    func axis(_ axes: [Int]) -> JSON { axes.count == 1 ? .int(axes[0]) : .array(axes.map(JSON.int)) }
    let (name, config): (String, [(String, JSON)]) =
      switch c {
      case .maxNorm(let maxValue, let axes): ("MaxNorm", [("max_value", .number(Double(maxValue))), ("axis", axis(axes))])
      case .nonNeg: ("NonNeg", [])
      case .unitNorm(let axes): ("UnitNorm", [("axis", axis(axes))])
      }
    return .object([("module", .string("keras.constraints")), ("class_name", .string(name)), ("config", .object(config)), ("registered_name", .null)])
  }
}
