// Spec.swift: the checked model: Keras layer names, every shape inferred, mistakes reported by layer.

/// A mistake in a model description, reported at generation time with the layer and the shapes.
public struct SpecError: Error, CustomStringConvertible, Equatable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// One layer with its Keras name and inferred shapes (per sample, without the batch dimension).
public struct LayerSpec: Sendable, Equatable {
  public var name: String
  public var declaration: LayerDeclaration
  public var inputShape: [Int]
  public var outputShape: [Int]
  /// True when Keras's mask from `Embedding(maskZero: true)` or `Masking` reaches this layer's input (see `propagateMasks`).
  public var inputMasked = false
  public var weights: [WeightSpec]
  public var className: String { declaration.className }
  public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }
  /// The window of a Conv2D or pooling layer.
  public var window: Window2D? {
    switch declaration.kind {
    case .conv2D(_, let size, let strides, let padding, _, _, _, _, let dilation):
      return try? window2D(
        "", input: declaration.oneDimensional ? [1] + inputShape : inputShape, size: size, strides: strides, padding: padding,
        dilation: dilation)
    case .pooling2D(_, let size, let strides, let padding):
      return try? window2D(
        "", input: declaration.oneDimensional ? [1] + inputShape : inputShape, size: size, strides: strides, padding: padding)
    default: return nil
    }
  }
  public var trainableCount: Int { weights.filter(\.trainable).reduce(0) { $0 + $1.count } }
}

/// The checked description of a compiled model.
public struct ModelSpec: Sendable, Equatable {
  public var name: String
  public var inputShape: [Int]
  public var layers: [LayerSpec]
  public var loss: Loss
  /// Keras's `from_logits=True`: a linear output whose crossentropy applies the sigmoid/softmax itself.
  public var fromLogits: Bool
  public var optimizer: OptimizerConfig
  public var metrics: [Metric]
  public var epochs: Int
  public var batchSize: Int
  public var validationSplit: Double
  /// Keras's `fit(shuffle=)`: false trains on the batches in file order every epoch.
  public var shuffle: Bool

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
    case .activation(let activation, _): return activation
    default: return nil
    }
  }

  /// True when the loss is computed from the logits (sigmoid + binary, softmax + categorical crossentropy), as Keras does,
  /// or when `fromLogits` says the output is the logits.
  public var lossFromLogits: Bool {
    if fromLogits { return true }
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
    fromLogits = model.fromLogits
    optimizer = model.optimizer
    metrics = model.metrics
    epochs = model.epochs
    batchSize = model.batchSize
    validationSplit = model.validationSplit
    shuffle = model.shuffle
    layers = try inferLayers(seq.layers.map(\.declaration), input: seq.input)
    try propagateMasks(&layers)
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
    try optimizer.validate(model: name)
    if fromLogits {
      guard !loss.isElementwise else { throw SpecError("model '\(name)': fromLogits applies to the crossentropy losses, not \(loss.rawValue)") }
      guard outputActivation == nil || outputActivation == .linear else {
        throw SpecError(
          "model '\(name)': fromLogits expects a linear output (logits), but '\(last.name)' applies \(outputActivation!.kerasName); "
            + "drop fromLogits (the crossentropy of a \(outputActivation!.kerasName) output is already computed from its logits)")
      }
    }
    if lossFromLogits, let last = layers.last, last.declaration.options.activityRegularizer != nil {
      throw SpecError("model '\(name)': layer '\(last.name)' cannot have an activity regularizer: its \(outputActivation?.kerasName ?? "") is fused into the \(loss.rawValue) loss")
    }
  }
}

// MARK: - Names and shapes

/// Names layers as Keras does (class name in snake_case, numbered per class: dense, dense_1, …) and infers shapes.
func inferLayers(_ declarations: [LayerDeclaration], input: [Int]) throws(SpecError) -> [LayerSpec] {
  var numbering = KerasNames.Numbering()
  var used = Set<String>()
  var shape = input
  var result: [LayerSpec] = []
  for (index, declaration) in declarations.enumerated() {
    if case .embedding = declaration.kind, index > 0 {
      throw SpecError("Embedding must be the first layer (it reads the model's integer inputs); it is layer \(index + 1)")
    }
    let base = KerasNames.snakeCase(declaration.className)
    var name: String
    if let given = declaration.name {
      guard isIdentifier(given) else { throw SpecError("layer name '\(given)' must be letters, digits, '-' and '_'") }
      name = given
    } else {
      repeat { name = numbering.next(base) } while used.contains(name)
    }
    guard used.insert(name).inserted else { throw SpecError("two layers are named '\(name)'") }
    let layer = try inferLayer(declaration, name: name, input: shape)
    result.append(layer)
    shape = layer.outputShape
  }
  return result
}

/// A layer's spec: its kind's output shape and weights, the options applied to those weights, and for a Bidirectional
/// wrapper the two directions' weights. Every error names the layer, its class and the shapes.
func inferLayer(_ d: LayerDeclaration, name: String, input: [Int]) throws(SpecError) -> LayerSpec {
  let what = "layer '\(name)' (\(d.className))"
  var shaped: (output: [Int], weights: [WeightSpec])
  if case .bidirectional(let wrapped, let merge) = d.kind {
    shaped = try bidirectional(wrapped, merge: merge, what, input: input)
  } else {
    shaped = try shapeAndWeights(d, what, input: input)
  }
  if !d.options.trainable {
    for i in shaped.weights.indices { shaped.weights[i].trainable = false }
  }
  try checkConstraintAxes(shaped.weights, what)
  return LayerSpec(name: name, declaration: d, inputShape: input, outputShape: shaped.output, weights: shaped.weights)
}

/// A (not wrapped) layer's options checked, its output shape and its weights in Keras's order with the layer's
/// regularizers, constraints and `trainable`.
private func shapeAndWeights(_ d: LayerDeclaration, _ what: String, input: [Int]) throws(SpecError) -> ([Int], [WeightSpec]) {
  try checkOptions(d, what)
  var (output, weights) = ([Int], [WeightSpec])(input, [])
  switch d.kind {
  case .dense(let units, _, let useBias, let kernelInit, let biasInit):
    (output, weights) = try denseShape(what, input: input, units: units, useBias: useBias, kernelInit, biasInit)
  case .dropout(let rate):
    guard rate >= 0, rate < 1 else { throw SpecError("\(what): rate must be in [0, 1), got \(rate)") }
  case .masking(let value):
    guard input.count == 2 else { throw SpecError("\(what): expects [steps, features] per sample, got \(input)") }
    guard Float(value).isFinite else { throw SpecError("\(what): mask_value must be a finite 32-bit number, got \(value)") }
  case .activation:
    break
  case .flatten:
    output = [input.reduce(1, *)]
  case .conv2D(let filters, let size, let strides, let padding, _, let useBias, let kernelInit, let biasInit, let dilation):
    (output, weights) = try convolutionShape(
      d, what, input: input, filters: filters, size: size, strides: strides, padding: padding, dilation: dilation, useBias: useBias,
      kernelInit, biasInit)
  case .pooling2D(_, let size, let strides, let padding):
    if padding == .causal { throw SpecError("\(what): causal padding is for Conv1D") }
    let image = try imageShape(what, input, oneDimensional: d.oneDimensional)
    let window = try window2D(what, input: image, size: size, strides: strides, padding: padding)
    output = d.oneDimensional ? [window.outputWidth, image[2]] : [window.outputHeight, window.outputWidth, image[2]]
  case .globalPooling2D:
    let image = try imageShape(what, input, oneDimensional: d.oneDimensional)
    output = [image[2]]
  case .lstm(let units, let returnSequences, _):
    (output, weights) = try recurrentShape(what, input: input, units: units, gates: 4, returnSequences: returnSequences, bias: .unitForgetBias)
  case .gru(let units, let returnSequences, let settings):
    (output, weights) = try recurrentShape(
      what, input: input, units: units, gates: 3, returnSequences: returnSequences, bias: .zeros, biasRows: settings.resetAfter ? 2 : nil)
  case .simpleRNN(let units, let returnSequences, _):
    (output, weights) = try recurrentShape(what, input: input, units: units, gates: 1, returnSequences: returnSequences, bias: .zeros)
  case .embedding(let inputDim, let outputDim, let initializer, _):
    guard inputDim > 0, outputDim > 0 else { throw SpecError("\(what): input_dim and output_dim must be positive, got \(inputDim) and \(outputDim)") }
    guard input.count == 1 else { throw SpecError("\(what): expects integer sequences [steps] per sample, got \(input)") }
    output = [input[0], outputDim]
    weights = [WeightSpec(name: "embeddings", shape: [inputDim, outputDim], initializer: initializer, fanIn: inputDim, fanOut: outputDim)]
  case .batchNormalization(let momentum, let epsilon, let center, let scale, let axis):
    weights = try batchNormalizationWeights(
      what, input: input, momentum: momentum, epsilon: epsilon, center: center, scale: scale, axis: axis)
  case .reshape(let target):
    output = try reshaped(what, input: input, target: target)
  case .bidirectional:
    throw SpecError("\(what): Bidirectional wraps an LSTM, GRU or SimpleRNN, not another Bidirectional")
  }
  return (output, applyOptions(d.options, to: weights))
}

/// The checks of settings before the shapes: a recurrent layer's dropouts in range, no Keras argument Precast does
/// not compute.
private func checkOptions(_ d: LayerDeclaration, _ what: String) throws(SpecError) {
  if let r = d.recurrent {
    guard (0..<1).contains(r.inputDropout) else { throw SpecError("\(what): dropout must be in [0, 1), got \(r.inputDropout)") }
    guard (0..<1).contains(r.recurrentDropout) else {
      throw SpecError("\(what): recurrent_dropout must be in [0, 1), got \(r.recurrentDropout)")
    }
  }
  if !d.options.unsupported.isEmpty {
    throw SpecError("\(what): \(d.options.unsupported.joined(separator: ", ")) is not supported yet")
  }
}

/// The kernel's and bias's regularizers and constraints from the layer's options; `trainable: false` freezes all.
private func applyOptions(_ options: LayerOptions, to weights: [WeightSpec]) -> [WeightSpec] {
  weights.map { weight in
    var weight = weight
    if !options.trainable { weight.trainable = false }
    switch weight.name {
    case "kernel": (weight.regularizer, weight.constraint) = (options.kernelRegularizer, options.kernelConstraint)
    case "bias": (weight.regularizer, weight.constraint) = (options.biasRegularizer, options.biasConstraint)
    default: break
    }
    return weight
  }
}

// MARK: - Shapes and weights per kind

/// Dense: [inputs] → [units]; kernel [inputs, units], bias [units].
private func denseShape(
  _ what: String, input: [Int], units: Int, useBias: Bool, _ kernelInit: Initializer, _ biasInit: Initializer
) throws(SpecError) -> ([Int], [WeightSpec]) {
  guard units > 0 else { throw SpecError("\(what): units must be positive, got \(units)") }
  guard input.count == 1 else {
    throw SpecError("\(what): expects a 1-D input per sample, got \(input); add Flatten() before it")
  }
  var weights = [WeightSpec(name: "kernel", shape: [input[0], units], initializer: kernelInit, fanIn: input[0], fanOut: units)]
  if useBias { weights.append(WeightSpec(name: "bias", shape: [units], initializer: biasInit, fanIn: input[0], fanOut: units)) }
  return ([units], weights)
}

/// Conv1D/Conv2D: the window over [h, w, c] (1-D: [steps, c]), kernel [kh, kw, c, filters] (1-D: [k, c, filters]).
private func convolutionShape(
  _ d: LayerDeclaration, _ what: String, input: [Int], filters: Int, size: Size2D, strides: Size2D, padding: Padding,
  dilation: Size2D, useBias: Bool, _ kernelInit: Initializer, _ biasInit: Initializer
) throws(SpecError) -> ([Int], [WeightSpec]) {
  guard filters > 0 else { throw SpecError("\(what): filters must be positive, got \(filters)") }
  if padding == .causal && !d.oneDimensional { throw SpecError("\(what): causal padding is for Conv1D") }
  let image = try imageShape(what, input, oneDimensional: d.oneDimensional)
  let shown = { (s: Size2D) in d.oneDimensional ? "\(s.width)" : "\(s)" }
  guard dilation.height > 0, dilation.width > 0 else { throw SpecError("\(what): dilation_rate \(shown(dilation)) must be positive") }
  if max(dilation.height, dilation.width) > 1 && max(strides.height, strides.width) > 1 {
    throw SpecError("\(what): strides \(shown(strides)) cannot be combined with dilation_rate \(shown(dilation)) (Keras allows one of them > 1)")
  }
  let window = try window2D(what, input: image, size: size, strides: strides, padding: padding, dilation: dilation)
  let output = d.oneDimensional ? [window.outputWidth, filters] : [window.outputHeight, window.outputWidth, filters]
  let receptive = size.height * size.width
  let kernelShape = d.oneDimensional ? [size.width, image[2], filters] : [size.height, size.width, image[2], filters]
  let (fanIn, fanOut) = (receptive * image[2], receptive * filters)
  var weights = [WeightSpec(name: "kernel", shape: kernelShape, initializer: kernelInit, fanIn: fanIn, fanOut: fanOut)]
  if useBias { weights.append(WeightSpec(name: "bias", shape: [filters], initializer: biasInit, fanIn: fanIn, fanOut: fanOut)) }
  return (output, weights)
}

/// LSTM (4 gates), GRU (3) and SimpleRNN (1): [steps, features] → [steps, units] or [units]; kernel
/// [features, gates·units], recurrent kernel [units, gates·units], bias [gates·units] (GRU reset_after: [2, 3·units]).
private func recurrentShape(
  _ what: String, input: [Int], units: Int, gates: Int, returnSequences: Bool, bias: Initializer, biasRows: Int? = nil
) throws(SpecError) -> ([Int], [WeightSpec]) {
  guard units > 0 else { throw SpecError("\(what): units must be positive, got \(units)") }
  guard input.count == 2 else { throw SpecError("\(what): expects [steps, features] per sample, got \(input)") }
  let width = gates * units
  let weights = [
    WeightSpec(name: "kernel", shape: [input[1], width], initializer: .glorotUniform, fanIn: input[1], fanOut: width),
    WeightSpec(name: "recurrent_kernel", shape: [units, width], initializer: .orthogonal(), fanIn: units, fanOut: width),
    WeightSpec(name: "bias", shape: biasRows.map { [$0, width] } ?? [width], initializer: bias, fanIn: units, fanOut: width),
  ]
  return (returnSequences ? [input[0], units] : [units], weights)
}

/// BatchNormalization over the last axis: gamma and beta (when scaled and centred), then the moving statistics.
private func batchNormalizationWeights(
  _ what: String, input: [Int], momentum: Double, epsilon: Double, center: Bool, scale: Bool, axis: Int
) throws(SpecError) -> [WeightSpec] {
  guard (0...1).contains(momentum), epsilon > 0 else {
    throw SpecError("\(what): momentum must be in [0, 1] and epsilon positive, got \(momentum) and \(epsilon)")
  }
  guard axis == -1 || axis == input.count else {  // -1, or a Keras config's positive index of the last axis
    throw SpecError("\(what): axis=\(axis) is not supported (Precast normalises the last axis, \(input.count))")
  }
  let c = input[input.count - 1]
  func stat(_ name: String, _ initializer: Initializer, trainable: Bool) -> WeightSpec {
    WeightSpec(name: name, shape: [c], initializer: initializer, fanIn: c, fanOut: c, trainable: trainable)
  }
  var weights: [WeightSpec] = []
  if scale { weights.append(stat("gamma", .ones, trainable: true)) }
  if center { weights.append(stat("beta", .zeros, trainable: true)) }
  return weights + [stat("moving_mean", .zeros, trainable: false), stat("moving_variance", .ones, trainable: false)]
}

/// Bidirectional: the wrapped recurrent layer's shape and weights, the output doubled by concat, and the weights
/// twice under Keras's names (forward_lstm/lstm_cell/kernel, …, then backward_lstm/lstm_cell/kernel, …).
private func bidirectional(
  _ wrapped: LayerDeclaration, merge: MergeMode, _ what: String, input: [Int]
) throws(SpecError) -> ([Int], [WeightSpec]) {
  var (output, weights) = try shapeAndWeights(wrapped, what, input: input)
  guard wrapped.isRecurrent else { throw SpecError("\(what): Bidirectional wraps an LSTM, GRU or SimpleRNN") }
  if wrapped.recurrent?.goBackwards == true {
    throw SpecError(
      "\(what): the wrapped \(KerasNames.snakeCase(wrapped.className)) must not set goBackwards (the backward direction already reads the steps in reverse)")
  }
  if merge == .concat { output[output.count - 1] *= 2 }
  weights = ["forward", "backward"].flatMap { side in
    weights.map { weight in
      var weight = weight
      weight.name = KerasNames.bidirectionalWeightName(side: side, wrapped: wrapped.className, variable: weight.name)
      return weight
    }
  }
  return (output, weights)
}

/// A max-norm or unit-norm constraint's axes must lie inside its weight's shape.
private func checkConstraintAxes(_ weights: [WeightSpec], _ what: String) throws(SpecError) {
  for weight in weights {
    let axes: [Int]
    switch weight.constraint {
    case .maxNorm(_, let a)?, .unitNorm(let a)?: axes = a
    default: continue
    }
    if let bad = axes.first(where: { !weight.shape.indices.contains($0) }) {
      throw SpecError("\(what): the \(weight.name) constraint's axis \(bad) is outside its shape \(weight.shape)")
    }
  }
}

/// Follows Keras's mask from `Embedding(maskZero: true)` or `Masking`: Dropout and Activation pass it on, a recurrent layer uses it
/// and passes it on only with returnSequences, GlobalAveragePooling1D uses it; other layers drop it (Keras warns that
/// they do not support masking). BatchNormalization would use it in its statistics: refused.
func propagateMasks(_ layers: inout [LayerSpec]) throws(SpecError) {
  var masked = false
  for i in layers.indices {
    layers[i].inputMasked = masked
    let layer = layers[i]
    switch layer.declaration.kind {
    case .embedding(_, _, _, let maskZero): masked = maskZero
    case .masking:
      if masked {
        throw SpecError("layer '\(layer.name)' (Masking): a mask already reaches it (Keras would replace it); Precast supports one mask per model")
      }
      masked = true
    case .dropout, .activation: break
    case .lstm, .gru, .simpleRNN, .bidirectional:
      masked = masked && layer.declaration.returnsSequences == true
    case .batchNormalization where masked:
      throw SpecError("layer '\(layer.name)' (BatchNormalization): a mask (from Embedding(maskZero:) or Masking) reaches it; masked batch statistics are not supported yet")
    default: masked = false
    }
  }
}

/// A window layer's input as an image [h, w, c]: 1-D layers take [steps, channels] as [1, steps, channels].
func imageShape(_ what: String, _ input: [Int], oneDimensional: Bool) throws(SpecError) -> [Int] {
  guard oneDimensional else { return input }
  guard input.count == 2 else { throw SpecError("\(what): expects [steps, channels] per sample, got \(input)") }
  return [1] + input
}

/// The window of a Conv2D or pooling layer on `input` [h, w, c], or an error naming the layer and the shapes.
/// A dilated kernel spans (k − 1)·dilation + 1 pixels.
func window2D(
  _ what: String, input: [Int], size: Size2D, strides: Size2D, padding: Padding, dilation: Size2D = 1
) throws(SpecError) -> Window2D {
  guard input.count == 3 else {
    throw SpecError("\(what): expects [height, width, channels] per sample, got \(input); add Reshape([\(input.first ?? 1), …, 1]) or set the input shape")
  }
  guard size.height > 0, size.width > 0, strides.height > 0, strides.width > 0 else {
    throw SpecError("\(what): window \(size) and strides \(strides) must be positive")
  }
  let span = Size2D((size.height - 1) * dilation.height + 1, (size.width - 1) * dilation.width + 1)
  let same = padding == .same
  let rows = convolutionOutput(input: input[0], kernel: span.height, stride: strides.height, same: same)
  var cols = convolutionOutput(input: input[1], kernel: span.width, stride: strides.width, same: same)
  if padding == .causal {  // (k − 1)·dilation zeros before the steps: every output step sees only the past
    cols = ((input[1] - 1) / strides.width + 1, span.width - 1)
  }
  guard rows.size > 0, cols.size > 0 else {
    let window = span == size ? "a \(size) window" : "a \(size) window dilated by \(dilation) (spanning \(span))"
    throw SpecError("\(what): \(window) does not fit the input \(input) with padding \"valid\"")
  }
  return Window2D(
    inputHeight: input[0], inputWidth: input[1], channels: input[2], kernelHeight: size.height, kernelWidth: size.width,
    strideY: strides.height, strideX: strides.width, padTop: rows.padBefore, padLeft: cols.padBefore,
    outputHeight: rows.size, outputWidth: cols.size, dilationY: dilation.height, dilationX: dilation.width)
}

/// Keras's Reshape: `target` with at most one -1, holding as many values as `input`.
func reshaped(_ what: String, input: [Int], target: [Int]) throws(SpecError) -> [Int] {
  let total = input.reduce(1, *)
  let unknown = target.filter { $0 == -1 }.count
  guard !target.isEmpty, unknown <= 1, target.allSatisfy({ $0 > 0 || $0 == -1 }) else {
    throw SpecError("\(what): target shape \(target) must hold positive sizes and at most one -1")
  }
  let known = target.filter { $0 != -1 }.reduce(1, *)
  guard unknown == 1 ? total % known == 0 : known == total else {
    throw SpecError("\(what): cannot reshape \(input) (\(total) values) to \(target)")
  }
  return target.map { $0 == -1 ? total / known : $0 }
}

func isIdentifier(_ s: String) -> Bool {
  guard let first = s.first, first.isLetter, first.isASCII else { return false }
  return s.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }
}

extension OptimizerConfig {
  /// Keras's own argument checks, and one clipping option at most (Keras raises the same).
  func validate(model name: String) throws(SpecError) {
    let problem = problem { setting in
      switch setting {
      case .learningRate: "the learning rate"
      case .decay: "decay"
      case .clipping: "clipNorm, clipValue and globalClipNorm"
      case .clipBound: "the clipping bound"
      case .momentum: "momentum"
      case .beta1: "beta1"
      case .beta2: "beta2"
      case .rho: "rho"
      case .initialAccumulator: "initialAccumulator"
      }
    }
    if let problem { throw SpecError("model '\(name)': \(kerasClassName): \(problem)") }
  }

}
