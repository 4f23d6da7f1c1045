// Layers.swift: the builder DSL's layers, with Keras's names, arguments and defaults.
@_exported import PrecastCore

/// A layer of a `Sequential` model, as written in the builder.
public protocol Layer: Sendable {
  /// The checked, shape-free description of this layer.
  var declaration: LayerDeclaration { get }
}

/// What a builder layer declares: its kind and the name the user gave it (nil: Keras's automatic name).
public struct LayerDeclaration: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case dense(units: Int, activation: ActivationFunction, useBias: Bool, kernelInitializer: Initializer, biasInitializer: Initializer)
    /// `layerClass`: the Keras class declaring the function (`LeakyReLU`, `ELU`, `ReLU`, `Softmax`), or nil for
    /// `Activation`. Same computation; Keras's class, name (leaky_re_lu, …) and config.
    case activation(ActivationFunction, layerClass: ActivationLayerClass? = nil)
    case dropout(rate: Double)
    case flatten
    /// `dilation`: Keras's `dilation_rate` (the kernel's taps this many steps/pixels apart; 1 = contiguous).
    case conv2D(
      filters: Int, kernelSize: Size2D, strides: Size2D, padding: Padding, activation: ActivationFunction, useBias: Bool,
      kernelInitializer: Initializer, biasInitializer: Initializer, dilation: Size2D = 1)
    case pooling2D(PoolingKind, poolSize: Size2D, strides: Size2D, padding: Padding)
    case globalPooling2D(PoolingKind)
    /// `axis`: the axis a Keras config gives, -1 or, as tf-keras writes it, the last axis's index (1 for inputs
    /// [None, 64]); the spec checks it is the last. Written -1.
    case batchNormalization(momentum: Double, epsilon: Double, center: Bool, scale: Bool, axis: Int = -1)
    case reshape([Int])
    /// `maskZero`: Keras's `mask_zero` (index 0 is padding; layers that support masking skip those steps).
    case embedding(inputDim: Int, outputDim: Int, initializer: Initializer, maskZero: Bool = false)
    case lstm(units: Int, returnSequences: Bool, RecurrentSettings)
    case gru(units: Int, returnSequences: Bool, RecurrentSettings)
    case simpleRNN(units: Int, returnSequences: Bool, RecurrentSettings)
    case masking(value: Double)
    /// Keras's `Bidirectional` around a recurrent layer: the wrapped declaration (its kind and options) runs forwards
    /// and, as a mirror with its own weights, backwards (go_backwards); `mergeMode` combines the two outputs.
    indirect case bidirectional(LayerDeclaration, mergeMode: MergeMode)
  }
  public var kind: Kind
  public var name: String?
  /// The 1-D variant of a window layer (Conv1D, MaxPooling1D, AveragePooling1D, GlobalMax/AveragePooling1D):
  /// input [steps, channels], computed as a [1, steps, channels] image with a 1×k window.
  public var oneDimensional = false
  /// Regularizers and constraints (Dense, Conv2D), `trainable` (any layer with weights; a Bidirectional wrapper's freezes
  /// both directions), and the Keras arguments Precast refuses.
  public var options = LayerOptions()

  /// LSTM, GRU or SimpleRNN (also when wrapped in Bidirectional).
  public var isRecurrent: Bool {
    switch kind {
    case .lstm, .gru, .simpleRNN: return true
    case .bidirectional(let wrapped, _): return wrapped.isRecurrent
    default: return false
    }
  }

  /// The layer a Bidirectional wrapper wraps, nil for any other layer.
  public var wrapped: LayerDeclaration? {
    if case .bidirectional(let wrapped, _) = kind { return wrapped }
    return nil
  }

  /// A recurrent layer's settings (a Bidirectional wrapper's: its wrapped layer's), nil for other layers (setting
  /// them on another layer changes nothing).
  public var recurrent: RecurrentSettings? {
    get {
      switch kind {
      case .lstm(_, _, let settings), .gru(_, _, let settings), .simpleRNN(_, _, let settings): return settings
      case .bidirectional(let wrapped, _): return wrapped.recurrent
      default: return nil
      }
    }
    set {
      guard let settings = newValue else { return }
      switch kind {
      case .lstm(let units, let returnSequences, _): kind = .lstm(units: units, returnSequences: returnSequences, settings)
      case .gru(let units, let returnSequences, _): kind = .gru(units: units, returnSequences: returnSequences, settings)
      case .simpleRNN(let units, let returnSequences, _): kind = .simpleRNN(units: units, returnSequences: returnSequences, settings)
      case .bidirectional(var wrapped, let mergeMode):
        wrapped.recurrent = settings
        kind = .bidirectional(wrapped, mergeMode: mergeMode)
      default: break
      }
    }
  }

  /// Whether a recurrent layer returns every step's output (nil for other layers).
  public var returnsSequences: Bool? {
    switch kind {
    case .lstm(_, let returnSequences, _), .gru(_, let returnSequences, _), .simpleRNN(_, let returnSequences, _): return returnSequences
    case .bidirectional(let wrapped, _): return wrapped.returnsSequences
    default: return nil
    }
  }

  /// Keras's class name ("Dense", "Dropout", "Bidirectional", …; the vocabulary's `KerasLayerClass`).
  public var className: String {
    if wrapped != nil { return KerasNames.bidirectionalClassName }
    return KerasLayerClass.of(self).className
  }

}

/// `keras.layers.Dense`: y = activation(x·kernel + bias); kernel [inputs, units].
public struct Dense: Layer {
  public let declaration: LayerDeclaration
  public init(
    _ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, activityRegularizer: Regularizer? = nil,
    kernelConstraint: Constraint? = nil, biasConstraint: Constraint? = nil, trainable: Bool = true, name: String? = nil
  ) {
    declaration = LayerDeclaration(
      kind: .dense(units: units, activation: activation, useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer),
      name: name,
      options: LayerOptions(
        kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer, activityRegularizer: activityRegularizer,
        kernelConstraint: kernelConstraint, biasConstraint: biasConstraint, trainable: trainable))
  }
}

/// The options Keras's weighted layers share: weight and activity regularizers, weight constraints, and
/// `trainable` (false freezes the layer's weights, as for fine-tuning).
public struct LayerOptions: Sendable, Equatable {
  public var kernelRegularizer: Regularizer?
  public var biasRegularizer: Regularizer?
  /// Penalises the layer's output: reg(output)/batch size is added to the loss.
  public var activityRegularizer: Regularizer?
  public var kernelConstraint: Constraint?
  public var biasConstraint: Constraint?
  public var trainable = true
  /// Keras arguments given with values Precast cannot compute yet (e.g. "dropout=0.2"): the spec refuses the
  /// layer, naming them, instead of silently training something else.
  public var unsupported: [String] = []

  public init(
    kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, activityRegularizer: Regularizer? = nil,
    kernelConstraint: Constraint? = nil, biasConstraint: Constraint? = nil, trainable: Bool = true
  ) {
    self.kernelRegularizer = kernelRegularizer
    self.biasRegularizer = biasRegularizer
    self.activityRegularizer = activityRegularizer
    self.kernelConstraint = kernelConstraint
    self.biasConstraint = biasConstraint
    self.trainable = trainable
  }
}

/// What a recurrent layer (LSTM, GRU, SimpleRNN) computes beyond its units and its output: Keras's go_backwards,
/// activations, dropouts and, for GRU, reset_after.
public struct RecurrentSettings: Sendable, Equatable {
  /// Process the steps last to first (Keras `go_backwards`; sequences come out reversed).
  public var goBackwards = false
  /// The candidate/output activation (`activation`) and the gates' (`recurrent_activation`; SimpleRNN has none).
  public var activation: ActivationFunction = .tanh
  public var recurrentActivation: ActivationFunction = .sigmoid
  /// Keras's `dropout` (of the inputs, one mask per sample and feature for all steps, training only).
  public var inputDropout = 0.0
  /// Keras's `recurrent_dropout` (of h_{t−1} in each gate's recurrent product, one mask per sample, gate and unit for
  /// all steps, training only).
  public var recurrentDropout = 0.0
  /// GRU: apply the reset gate after the recurrent matmul (Keras's default, bias [2, 3u]) or before it (bias [3u]).
  public var resetAfter = true

  public init(
    goBackwards: Bool = false, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid,
    inputDropout: Double = 0, recurrentDropout: Double = 0, resetAfter: Bool = true
  ) {
    self.goBackwards = goBackwards
    self.activation = activation
    self.recurrentActivation = recurrentActivation
    self.inputDropout = inputDropout
    self.recurrentDropout = recurrentDropout
    self.resetAfter = resetAfter
  }

  /// The training forward draws masks (dropout or recurrent_dropout).
  public var usesRandom: Bool { inputDropout > 0 || recurrentDropout > 0 }
}

/// Keras's activation layers of their own class: the same computation as `Activation`, written to `model_config` under
/// their class (LeakyReLU, ELU, ReLU, Softmax) with their own arguments.
public enum ActivationLayerClass: Sendable, Equatable {
  case leakyReLU, elu, relu, softmax
}

/// `keras.layers.LeakyReLU`: max(x, negative_slope·x) (Keras 3's default slope for the layer: 0.3).
public struct LeakyReLU: Layer {
  public let declaration: LayerDeclaration
  public init(negativeSlope: Float = 0.3, name: String? = nil) {
    declaration = LayerDeclaration(kind: .activation(.leakyRelu(alpha: negativeSlope), layerClass: .leakyReLU), name: name)
  }
}

/// `keras.layers.ELU`: x for x > 0, alpha·(eˣ − 1) otherwise.
public struct ELU: Layer {
  public let declaration: LayerDeclaration
  public init(alpha: Float = 1, name: String? = nil) {
    declaration = LayerDeclaration(kind: .activation(.elu(alpha: alpha), layerClass: .elu), name: name)
  }
}

/// `keras.layers.ReLU` with its defaults (no max_value, threshold 0, negative_slope 0).
public struct ReLU: Layer {
  public let declaration: LayerDeclaration
  public init(name: String? = nil) {
    declaration = LayerDeclaration(kind: .activation(.relu, layerClass: .relu), name: name)
  }
}

/// `keras.layers.Softmax` over the last axis.
public struct Softmax: Layer {
  public let declaration: LayerDeclaration
  public init(name: String? = nil) {
    declaration = LayerDeclaration(kind: .activation(.softmax, layerClass: .softmax), name: name)
  }
}

/// `keras.layers.Activation`: applies an activation function.
public struct Activation: Layer {
  public let declaration: LayerDeclaration
  public init(_ activation: ActivationFunction, name: String? = nil) {
    declaration = LayerDeclaration(kind: .activation(activation), name: name)
  }
}

/// `keras.layers.Dropout`: inverted dropout of `rate` during training, identity at inference.
public struct Dropout: Layer {
  public let declaration: LayerDeclaration
  public init(_ rate: Double, name: String? = nil) {
    declaration = LayerDeclaration(kind: .dropout(rate: rate), name: name)
  }
}

/// `keras.layers.Flatten`: [h, w, c] → [h·w·c] in row-major (channels-last) order.
public struct Flatten: Layer {
  public let declaration: LayerDeclaration
  public init(name: String? = nil) { declaration = LayerDeclaration(kind: .flatten, name: name) }
}

// MARK: - Images

/// A 2-D size (kernel, pool or stride): `3` means 3×3, `[3, 5]` means 3 rows × 5 columns, as Keras's `3` or `(3, 5)`.
public struct Size2D: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
  public var height: Int
  public var width: Int
  public init(_ height: Int, _ width: Int) {
    self.height = height
    self.width = width
  }
  public init(integerLiteral value: Int) { self.init(value, value) }
  public init(arrayLiteral elements: Int...) {
    precondition(elements.count == 2, "a 2-D size has two elements, got \(elements)")
    self.init(elements[0], elements[1])
  }
  public var description: String { "\(height)×\(width)" }
}

/// Keras's `padding`: "valid" (no padding) or "same" (output = ⌈input / stride⌉, zero-padded, odd pixel after).
public enum Padding: String, Sendable, Equatable {
  case valid, same
  /// Conv1D only: k − 1 zeros before the sequence, none after, so step t sees steps ≤ t (Keras "causal").
  case causal
}

/// What a pooling layer takes from each window.
public enum PoolingKind: Sendable, Equatable {
  case max, average
}

/// `keras.layers.Conv2D` (channels_last): kernel [kh, kw, cin, filters], bias [filters], fused activation.
public struct Conv2D: Layer {
  public let declaration: LayerDeclaration
  public init(
    _ filters: Int, _ kernelSize: Size2D, strides: Size2D = 1, padding: Padding = .valid, dilationRate: Size2D = 1,
    activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, activityRegularizer: Regularizer? = nil,
    kernelConstraint: Constraint? = nil, biasConstraint: Constraint? = nil, trainable: Bool = true, name: String? = nil
  ) {
    let options = LayerOptions(
      kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer, activityRegularizer: activityRegularizer,
      kernelConstraint: kernelConstraint, biasConstraint: biasConstraint, trainable: trainable)
    declaration = LayerDeclaration(
      kind: .conv2D(
        filters: filters, kernelSize: kernelSize, strides: strides, padding: padding, activation: activation,
        useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer, dilation: dilationRate),
      name: name, options: options)
  }
}

/// `keras.layers.MaxPooling2D`: the maximum of each window; strides default to the pool size.
public struct MaxPooling2D: Layer {
  public let declaration: LayerDeclaration
  public init(_ poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding = .valid, name: String? = nil) {
    declaration = LayerDeclaration(kind: .pooling2D(.max, poolSize: poolSize, strides: strides ?? poolSize, padding: padding), name: name)
  }
  public init(poolSize: Size2D, strides: Size2D? = nil, padding: Padding = .valid, name: String? = nil) {
    self.init(poolSize, strides: strides, padding: padding, name: name)
  }
}

/// `keras.layers.AveragePooling2D`: the mean of each window (padding excluded); strides default to the pool size.
public struct AveragePooling2D: Layer {
  public let declaration: LayerDeclaration
  public init(_ poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding = .valid, name: String? = nil) {
    declaration = LayerDeclaration(kind: .pooling2D(.average, poolSize: poolSize, strides: strides ?? poolSize, padding: padding), name: name)
  }
  public init(poolSize: Size2D, strides: Size2D? = nil, padding: Padding = .valid, name: String? = nil) {
    self.init(poolSize, strides: strides, padding: padding, name: name)
  }
}

/// `keras.layers.GlobalAveragePooling2D`: [h, w, c] → [c], the mean over all positions.
public struct GlobalAveragePooling2D: Layer {
  public let declaration: LayerDeclaration
  public init(name: String? = nil) { declaration = LayerDeclaration(kind: .globalPooling2D(.average), name: name) }
}

/// `keras.layers.GlobalMaxPooling2D`: [h, w, c] → [c], the maximum over all positions.
public struct GlobalMaxPooling2D: Layer {
  public let declaration: LayerDeclaration
  public init(name: String? = nil) { declaration = LayerDeclaration(kind: .globalPooling2D(.max), name: name) }
}

/// `keras.layers.BatchNormalization` over the last axis: weights gamma, beta (trainable), moving_mean,
/// moving_variance (non-trainable, updated in training, used in inference).
public struct BatchNormalization: Layer {
  public let declaration: LayerDeclaration
  public init(
    momentum: Double = 0.99, epsilon: Double = 0.001, center: Bool = true, scale: Bool = true, trainable: Bool = true, name: String? = nil
  ) {
    declaration = LayerDeclaration(
      kind: .batchNormalization(momentum: momentum, epsilon: epsilon, center: center, scale: scale), name: name,
      options: LayerOptions(trainable: trainable))
  }
}

/// `keras.layers.Reshape`: a new per-sample shape with the same number of values (one entry may be -1).
public struct Reshape: Layer {
  public let declaration: LayerDeclaration
  public init(_ targetShape: [Int], name: String? = nil) {
    declaration = LayerDeclaration(kind: .reshape(targetShape), name: name)
  }
}

// MARK: - Sequences

/// `keras.layers.Embedding(input_dim, output_dim)`: integer inputs [steps] (stored as floats) → [steps, outputDim]
/// rows of the table `embeddings` [inputDim, outputDim] (Keras's default initializer: uniform ±0.05). Must be the
/// first layer. An index outside 0..<inputDim is refused by the data loaders (the kernel would read zeros). With `maskZero` index 0 is padding:
/// the recurrent layers and GlobalAveragePooling1D after it skip those steps, as Keras's mask does.
public struct Embedding: Layer {
  public let declaration: LayerDeclaration
  public init(
    _ inputDim: Int, _ outputDim: Int, embeddingsInitializer: Initializer = .uniform, maskZero: Bool = false, trainable: Bool = true,
    name: String? = nil
  ) {
    declaration = LayerDeclaration(
      kind: .embedding(inputDim: inputDim, outputDim: outputDim, initializer: embeddingsInitializer, maskZero: maskZero), name: name,
      options: LayerOptions(trainable: trainable))
  }
}

/// `keras.layers.Masking`: a step whose features all equal `maskValue` is masked (its output zeroed, and the
/// recurrent layers and GlobalAveragePooling1D after it skip it, as after `Embedding(maskZero: true)`);
/// input [steps, features], output the same. One mask per model: not after a masked Embedding.
public struct Masking: Layer {
  public let declaration: LayerDeclaration
  public init(maskValue: Double = 0, name: String? = nil) {
    declaration = LayerDeclaration(kind: .masking(value: maskValue), name: name)
  }
}

/// `keras.layers.Conv1D`: [steps, cin] → [steps', filters], kernel [k, cin, filters]; padding valid, same or causal.
public struct Conv1D: Layer {
  public let declaration: LayerDeclaration
  public init(
    _ filters: Int, _ kernelSize: Int, strides: Int = 1, padding: Padding = .valid, dilationRate: Int = 1,
    activation: ActivationFunction = .linear,
    useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, activityRegularizer: Regularizer? = nil,
    kernelConstraint: Constraint? = nil, biasConstraint: Constraint? = nil, trainable: Bool = true, name: String? = nil
  ) {
    var d = Conv2D(
      filters, Size2D(1, kernelSize), strides: Size2D(1, strides), padding: padding, dilationRate: Size2D(1, dilationRate),
      activation: activation, useBias: useBias,
      kernelInitializer: kernelInitializer, biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer,
      biasRegularizer: biasRegularizer, activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
      biasConstraint: biasConstraint, trainable: trainable, name: name
    ).declaration
    d.oneDimensional = true
    declaration = d
  }
}

/// `keras.layers.MaxPooling1D`: the maximum of each window of steps; strides default to the pool size.
public struct MaxPooling1D: Layer {
  public let declaration: LayerDeclaration
  public init(_ poolSize: Int = 2, strides: Int? = nil, padding: Padding = .valid, name: String? = nil) {
    var d = MaxPooling2D(Size2D(1, poolSize), strides: Size2D(1, strides ?? poolSize), padding: padding, name: name).declaration
    d.oneDimensional = true
    declaration = d
  }
}

/// `keras.layers.AveragePooling1D`.
public struct AveragePooling1D: Layer {
  public let declaration: LayerDeclaration
  public init(_ poolSize: Int = 2, strides: Int? = nil, padding: Padding = .valid, name: String? = nil) {
    var d = AveragePooling2D(Size2D(1, poolSize), strides: Size2D(1, strides ?? poolSize), padding: padding, name: name).declaration
    d.oneDimensional = true
    declaration = d
  }
}

/// `keras.layers.GlobalMaxPooling1D`: [steps, c] → [c].
public struct GlobalMaxPooling1D: Layer {
  public let declaration: LayerDeclaration
  public init(name: String? = nil) {
    var d = LayerDeclaration(kind: .globalPooling2D(.max), name: name)
    d.oneDimensional = true
    declaration = d
  }
}

/// `keras.layers.GlobalAveragePooling1D`: [steps, c] → [c].
public struct GlobalAveragePooling1D: Layer {
  public let declaration: LayerDeclaration
  public init(name: String? = nil) {
    var d = LayerDeclaration(kind: .globalPooling2D(.average), name: name)
    d.oneDimensional = true
    declaration = d
  }
}

/// `keras.layers.LSTM(units)` with Keras's defaults: tanh and sigmoid, kernel glorot_uniform, recurrent kernel
/// orthogonal, bias zeros with the forget gate's at 1 (unit_forget_bias). Input [steps, features]; output the last
/// hidden state [units], or every step's [steps, units] with `returnSequences`. Weights kernel [features, 4u],
/// recurrent_kernel [u, 4u], bias [4u], gate blocks i, f, c, o.
public struct LSTM: Layer {
  public let declaration: LayerDeclaration
  public init(
    _ units: Int, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid, dropout: Double = 0,
    recurrentDropout: Double = 0, returnSequences: Bool = false, goBackwards: Bool = false, trainable: Bool = true, name: String? = nil
  ) {
    var options = LayerOptions(trainable: trainable)
    options.unsupported = unsupportedRecurrentArguments(activation, recurrentActivation)
    let settings = RecurrentSettings(
      goBackwards: goBackwards, activation: activation, recurrentActivation: recurrentActivation, inputDropout: dropout,
      recurrentDropout: recurrentDropout)
    declaration = LayerDeclaration(kind: .lstm(units: units, returnSequences: returnSequences, settings), name: name, options: options)
  }
}

/// `keras.layers.GRU(units)` with Keras's defaults (reset_after=True — or `resetAfter: false`, bias [3u] — tanh and sigmoid, orthogonal recurrent kernel,
/// zero biases). Weights kernel [features, 3u], recurrent_kernel [u, 3u], bias [2, 3u] (input and recurrent rows),
/// gate blocks z, r, h. Output the last hidden state, or every step's with `returnSequences`.
public struct GRU: Layer {
  public let declaration: LayerDeclaration
  public init(
    _ units: Int, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid, dropout: Double = 0,
    recurrentDropout: Double = 0, returnSequences: Bool = false, goBackwards: Bool = false, resetAfter: Bool = true,
    trainable: Bool = true, name: String? = nil
  ) {
    var options = LayerOptions(trainable: trainable)
    options.unsupported = unsupportedRecurrentArguments(activation, recurrentActivation)
    let settings = RecurrentSettings(
      goBackwards: goBackwards, activation: activation, recurrentActivation: recurrentActivation, inputDropout: dropout,
      recurrentDropout: recurrentDropout, resetAfter: resetAfter)
    declaration = LayerDeclaration(kind: .gru(units: units, returnSequences: returnSequences, settings), name: name, options: options)
  }
}

/// `keras.layers.SimpleRNN(units)`: h' = tanh(x·W + h·U + b) with Keras's defaults (orthogonal recurrent kernel, zero
/// bias). Weights kernel [features, u], recurrent_kernel [u, u], bias [u].
public struct SimpleRNN: Layer {
  public let declaration: LayerDeclaration
  public init(
    _ units: Int, activation: ActivationFunction = .tanh, dropout: Double = 0, recurrentDropout: Double = 0,
    returnSequences: Bool = false, goBackwards: Bool = false, trainable: Bool = true, name: String? = nil
  ) {
    var options = LayerOptions(trainable: trainable)
    options.unsupported = unsupportedRecurrentArguments(activation, .sigmoid)
    let settings = RecurrentSettings(goBackwards: goBackwards, activation: activation, inputDropout: dropout, recurrentDropout: recurrentDropout)
    declaration = LayerDeclaration(kind: .simpleRNN(units: units, returnSequences: returnSequences, settings), name: name, options: options)
  }
}

/// The recurrent layers' Keras arguments Precast does not compute yet, as Keras would print them: activations other
/// than tanh, sigmoid, hard_sigmoid, relu and linear (`dropout` and `recurrent_dropout` are computed: see
/// `RecurrentSettings`).
func unsupportedRecurrentArguments(_ activation: ActivationFunction, _ recurrentActivation: ActivationFunction) -> [String] {
  var list: [String] = []
  let computed: [ActivationFunction] = [.tanh, .sigmoid, .hardSigmoid, .relu, .linear]
  if !computed.contains(activation) { list.append("activation=\"\(activation.kerasName)\"") }
  if !computed.contains(recurrentActivation) { list.append("recurrent_activation=\"\(recurrentActivation.kerasName)\"") }
  return list
}

/// How `Bidirectional` combines the forward and backward outputs (Keras's `merge_mode`).
public enum MergeMode: String, Sendable, Equatable, CaseIterable {
  /// [forward, backward] along the last axis: 2 × units (Keras's default).
  case concat
  case sum
  /// forward ⊙ backward.
  case mul
  /// (forward + backward) / 2.
  case ave
}

/// `keras.layers.Bidirectional(layer, merge_mode)`: runs the wrapped LSTM, GRU or SimpleRNN over the sequence
/// forwards and a copy with its own weights backwards (go_backwards), then merges the two outputs; with
/// `returnSequences` the backward outputs are put back in step order first. Weights: the forward layer's, then
/// the backward layer's (`forward_lstm/lstm_cell/kernel`, …, as Keras names them).
public struct Bidirectional: Layer {
  public let declaration: LayerDeclaration
  public init(_ layer: some Layer, mergeMode: MergeMode = .concat, name: String? = nil) {
    var wrapped = layer.declaration
    wrapped.name = nil  // Keras names the directions forward_<layer> and backward_<layer>
    declaration = LayerDeclaration(kind: .bidirectional(wrapped, mergeMode: mergeMode), name: name)
  }
}
