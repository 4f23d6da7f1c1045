// Plan.swift: the memory plan and call sequence of a spec, as the values the templates print.

/// A named view into the activation arena: `width` floats per sample at `offset` floats per sample.
struct BufferPlan {
  var name: String
  var width: Int
  var offset: Int
  var comment: String
}

/// How one layer is wired: its buffers in training and in inference, and what its backward does.
struct LayerPlan {
  var spec: LayerSpec
  var fn: String
  var trainInput: String
  var inferInput: String
  var outputBuffer: String
  var zBuffer: String
  var maskBuffer: String?
  /// The activation whose derivative the backward applies; nil when fused into the loss or linear.
  var backwardActivation: ActivationFunction?
}

/// The whole plan: buffers, per-layer wiring, the backward sequence and the loss calls.
struct ModelPlan {
  var spec: ModelSpec
  var buffers: [BufferPlan] = []
  var layers: [LayerPlan] = []
  var backward: [(layer: Int, gradient: String, inputGradient: String?)] = []
  var trainOutput = "x"
  var inferenceOutput = "x"
  var arenaPerSample = 0

  init(_ spec: ModelSpec) throws(SpecError) {
    self.spec = spec
    guard spec.parameterCount > 0 else { throw SpecError("model '\(spec.name)' has no layer with weights (add a Dense layer)") }
    if case .flatten = spec.layers.last!.declaration.kind {
      throw SpecError("model '\(spec.name)' ends with Flatten; end with a Dense (or Activation) layer")
    }
    planForward()
    planBackward()
  }

  private mutating func buffer(_ name: String, _ width: Int, _ comment: String) -> String {
    buffers.append(BufferPlan(name: name, width: width, offset: arenaPerSample, comment: comment))
    arenaPerSample += width
    return name
  }

  private mutating func planForward() {
    var train = "x", infer = "x"
    let fused = spec.lossFromLogits
    for (i, layer) in spec.layers.enumerated() {
      let fn = swiftIdentifier(layer.name)
      let width = layer.outputShape.reduce(1, *)
      let isLast = i == spec.layers.count - 1
      var plan = LayerPlan(spec: layer, fn: fn, trainInput: train, inferInput: infer, outputBuffer: train, zBuffer: train, maskBuffer: nil, backwardActivation: nil)
      switch layer.declaration.kind {
      case .dense(_, let activation, _, _, _):
        let out = buffer("\(fn)Output", width, "\(layer.name) output, after \(activation.kerasName)")
        plan.outputBuffer = out
        plan.zBuffer = out
        if activation == .swish || (isLast && fused) {
          plan.zBuffer = buffer("\(fn)Logits", width, "\(layer.name) pre-activation (x·kernel + bias)")
        }
        plan.backwardActivation = (isLast && fused) || activation == .linear ? nil : activation
        train = out
        infer = out
      case .activation(let activation):
        plan.outputBuffer = buffer("\(fn)Output", width, "\(layer.name) output (\(activation.kerasName))")
        plan.zBuffer = train
        plan.backwardActivation = (isLast && fused) || activation == .linear ? nil : activation
        train = plan.outputBuffer
        infer = plan.outputBuffer
      case .dropout:
        plan.outputBuffer = buffer("\(fn)Output", width, "\(layer.name) output in training (x ⊙ mask)")
        plan.maskBuffer = buffer("\(fn)Mask", width, "\(layer.name) keep-mask: 0 or 1/(1 − rate)")
        train = plan.outputBuffer
      case .flatten:
        break
      }
      layers.append(plan)
    }
    trainOutput = train
    inferenceOutput = infer
  }

  private mutating func planBackward() {
    let widths = spec.layers.flatMap { [$0.inputShape.reduce(1, *), $0.outputShape.reduce(1, *)] }
    let gradientWidth = widths.max() ?? 1
    let a = buffer("gradientA", gradientWidth, "gradient scratch (ping)")
    let b = buffer("gradientB", gradientWidth, "gradient scratch (pong)")
    var g = a
    for i in spec.layers.indices.reversed() {
      let needsInputGradient = spec.layers[..<i].contains { $0.parameterCount > 0 }
      let layer = layers[i]
      if layer.spec.parameterCount == 0 && !needsInputGradient { break }
      switch layer.spec.declaration.kind {
      case .dense:
        let dx = needsInputGradient ? (g == a ? b : a) : nil
        backward.append((i, g, dx))
        if let dx { g = dx }
      case .dropout:
        backward.append((i, g, g))
      case .activation:
        if layer.backwardActivation != nil { backward.append((i, g, g)) }
      case .flatten:
        break
      }
    }
  }

  /// The loss call on training (or inference) buffers; writes its gradient into `gradientA`.
  func lossCall(training: Bool) -> String {
    let last = layers[layers.count - 1]
    let out = training ? trainOutput : inferenceOutput
    let logits: String
    if case .activation = last.spec.declaration.kind {
      logits = training ? last.trainInput : last.inferInput
    } else {
      logits = last.zBuffer
    }
    let cols = spec.outputSize
    let tail = "rows: n, cols: \(cols), grad: gradientA)"
    switch (spec.lossFromLogits, spec.loss) {
    case (true, .binaryCrossentropy):
      return "sigmoidBinaryCrossentropy(logits: \(logits), probabilities: \(out), targets: targets, \(tail)"
    case (true, .categoricalCrossentropy):
      return "softmaxCategoricalCrossentropy(logits: \(logits), probabilities: \(out), targets: targets, \(tail)"
    case (true, _):
      return "softmaxSparseCategoricalCrossentropy(logits: \(logits), probabilities: \(out), labels: targets, \(tail)"
    case (false, .binaryCrossentropy):
      return "binaryCrossentropy(probabilities: \(out), targets: targets, \(tail)"
    case (false, .categoricalCrossentropy):
      return "categoricalCrossentropy(probabilities: \(out), targets: targets, \(tail)"
    case (false, .sparseCategoricalCrossentropy):
      return "sparseCategoricalCrossentropy(probabilities: \(out), labels: targets, \(tail)"
    case (false, .meanSquaredError):
      return "meanSquaredError(predictions: \(out), targets: targets, \(tail)"
    case (false, .meanAbsoluteError):
      return "meanAbsoluteError(predictions: \(out), targets: targets, \(tail)"
    }
  }
}

/// "dense_1" → "dense1", "my-layer" → "myLayer": a Swift identifier from a Keras name.
func swiftIdentifier(_ name: String) -> String {
  var out = ""
  var upper = false
  for c in name {
    if c == "_" || c == "-" {
      upper = true
      continue
    }
    out.append(upper && !out.isEmpty ? Character(c.uppercased()) : c)
    upper = false
  }
  return out
}

/// "fashion-mlp" → "FashionMlp": a Swift type name from a model name.
func typeName(_ name: String) -> String {
  let id = swiftIdentifier(name)
  return id.prefix(1).uppercased() + id.dropFirst()
}
