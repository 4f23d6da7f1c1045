// Plan.swift: the memory plan and call sequence of a spec, as the values the templates print.

/// A named view into the activation arena: `width` floats per sample at `offset` floats per sample.
struct BufferPlan {
  var name: String
  /// Floats per sample in the arena.
  var width: Int
  var offset: Int
  var comment: String
  /// Bytes per sample when the buffer holds UInt8 (packed four to a float slot), else nil.
  var bytes: Int? = nil
}

/// One weight's place in `parameters` (and `gradients`) and the view the generated model names it by.
struct WeightViewPlan {
  /// The view, e.g. `dense1Kernel` (a Bidirectional direction's: `bidirectionalForwardLayerKernel`).
  var view: String
  /// The Keras layer and the weight as Keras names it (e.g. `forward_lstm/lstm_cell/kernel`).
  var layer: String
  var weight: WeightSpec
  /// Offset in floats.
  var offset: Int
}

/// A buffer of fixed size (not per sample), allocated once beside the arena.
struct FixedBufferPlan {
  var name: String
  var count: Int
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
  /// BatchNormalization: x̂ (arena) and 1/√(var + ε) (fixed), kept from forward to backward.
  var normalizedBuffer: String?
  var inverseStdBuffer: String?
  /// Conv2D: images per im2col GEMM (per batch of Winograd GEMMs when `winograd`).
  var chunk = 0
  /// Conv2D lowered to Winograd F(m×m, 3×3) (3×3, stride 1, channels and filters in 8s, patches too long for
  /// the direct kernels) rather than im2col + sgemm: the output tile side m (2 or 4), else nil.
  var winogradTile: Int?
  var winograd: Bool { winogradTile != nil }
  /// Winograd layers: floats of the shared `columns` scratch (the kernels split it over the cores).
  var scratchCount = 0
  /// The activation whose derivative the backward applies; nil when fused into the loss, into the
  /// max pooling that follows (ReLU), or linear.
  var backwardActivation: ActivationFunction?
  /// MaxPooling2D right after a ReLU Conv2D: its backward applies ReLU's derivative for that layer.
  var poolsRelu = false
  /// Recurrent layers with go_backwards: the input with its steps reversed.
  var reversedBuffer: String?
  /// Recurrent layers with dropout: the input times its mask (`maskBuffer`), in training.
  var droppedBuffer: String?
  /// LSTM/GRU with dropout and recurrent dropout: one gate's masked input (the masks, one per gate, in `maskBuffer`).
  var inputDropoutScratch: String?
  /// Recurrent layers with recurrent dropout: masks, masked states, backward scratch.
  var recurrentDropoutBuffers: [String] = []
  /// GRU with reset_after=False: r ⊙ h_{t−1} per step.
  var resetHiddenBuffer: String?
  /// LSTM: activated gates, cell and hidden states, and the backward's hidden/cell gradients.
  var gatesBuffer: String?, cellsBuffer: String?, hiddenBuffer: String?, hiddenGradientBuffer: String?, cellGradientBuffer: String?
  /// Conv2D that also does the ReLU and the MaxPooling2D after it (the pooling window), and the buffer
  /// of each window's winning pixel; the pooling layer is then `fusedIntoPrevious`.
  var fusedPool: Window2D?
  var argmaxBuffer: String?
  var fusedIntoPrevious = false
  /// Bidirectional: the forward and backward directions' plans, each direction's output gradient, and the
  /// backward direction's input gradient (added to the forward's).
  var directions: [LayerPlan] = []
  var directionGradientBuffers: [String] = []
  var inputGradientBuffer: String?
  /// Keras's mask_zero or Masking: Embedding or Masking writes the step mask [steps] here; a recurrent layer reads it in its own step order
  /// (a go_backwards layer from a reversed copy of `unreversedMask`); GlobalAveragePooling1D and Bidirectional
  /// (zero outputs at masked steps with returnSequences) read the model's.
  var stepMask: String?
  var unreversedMask: String?

  /// What the layer's generated backward takes besides dy and n: its forward input x (not when it works from saved
  /// buffers or in place), and room for ∂loss/∂x (not when the gradient stays in dy, as for Dropout, Activation and
  /// Masking, or there is none: Embedding's integer input, the fused first Conv2D + MaxPooling2D).
  var backwardReadsInput: Bool {
    if !directions.isEmpty { return directions.contains(where: \.backwardReadsInput) }
    switch spec.declaration.kind {
    case .dropout, .masking: return false
    case .activation: return backwardActivation != nil
    case .batchNormalization: return false
    case .pooling2D(let kind, _, _, _), .globalPooling2D(let kind): return kind == .max
    case .simpleRNN, .gru, .lstm: return reversedBuffer == nil && droppedBuffer == nil
    default: return true
    }
  }
  var backwardWritesInputGradient: Bool {
    if !directions.isEmpty { return true }
    switch spec.declaration.kind {
    case .dropout, .masking, .activation, .embedding: return false
    case .conv2D: return fusedPool == nil
    default: return true
    }
  }

  /// The generated model's view of this layer's weight `name`: `kernel` of dense_1 → `dense1Kernel`.
  func weightView(_ name: String) -> String { fn + typeName(name) }

  /// Floats per sample of the gradient arriving at this layer's output.
  var outputGradientWidth: Int { fusedPool.map { $0.outputPixels * $0.channels } ?? spec.outputShape.reduce(1, *) }
}

/// The whole plan: buffers, per-layer wiring, the backward sequence and the loss calls.
struct ModelPlan {
  var spec: ModelSpec
  var buffers: [BufferPlan] = []
  var fixedBuffers: [FixedBufferPlan] = []
  var layers: [LayerPlan] = []
  var backward: [(layer: Int, gradient: String, inputGradient: String?)] = []
  var trainOutput = "x"
  var inferenceOutput = "x"
  var arenaPerSample = 0
  var fixedTotal = 0
  /// The step mask of `Embedding(maskZero: true)` when a later layer uses it, or of `Masking`.
  var modelStepMask: String?

  /// Every weight in `parameters` order (layer by layer, each in Keras's order) with its offset and view.
  var weightViews: [WeightViewPlan] {
    var views: [WeightViewPlan] = []
    var offset = 0
    for layer in layers {
      // A Bidirectional layer's weights are its directions' (forward's, then backward's), as Keras lists them.
      let owners = layer.directions.isEmpty ? [layer] : layer.directions
      let names = owners.flatMap { owner in owner.spec.weights.map { owner.weightView($0.name) } }
      precondition(names.count == layer.spec.weights.count, "\(layer.spec.name): a view per weight")
      for (name, weight) in zip(names, layer.spec.weights) {
        views.append(WeightViewPlan(view: name, layer: layer.spec.name, weight: weight, offset: offset))
        offset += weight.count
      }
    }
    return views
  }

  /// Floats of im2col patch matrix per Conv2D GEMM, at most (a chunk holds at least one image).
  static let columnBudget = 1 << 20
  /// Floats of transformed tiles (V and M) per core and Winograd GEMM batch, at most (at least one image): 1 MB,
  /// so that a batch stays in a core's L2 cache between its transforms and its α² GEMMs.
  static let winogradBudget = 1 << 18
  /// Cores the Winograd scratch has room for (with more threads, the convolution uses this many).
  static let winogradCores = 4

  init(_ spec: ModelSpec) throws(SpecError) {
    self.spec = spec
    guard spec.parameterCount > 0 else { throw SpecError("model '\(spec.name)' has no layer with weights (add a Dense layer)") }
    if case .flatten = spec.layers.last!.declaration.kind {
      throw SpecError("model '\(spec.name)' ends with Flatten; end with a Dense (or Activation) layer")
    }
    planForward()
    planBackward()
    planScratch()
  }

  private mutating func fixed(_ name: String, _ count: Int, _ comment: String) -> String {
    fixedBuffers.append(FixedBufferPlan(name: name, count: count, comment: comment))
    fixedTotal += count
    return name
  }

  /// Shared scratch: the im2col patch matrix of the largest Conv2D chunk (one float for kernels that take none but
  /// have the parameter), and BatchNormalization's per-channel sums.
  private mutating func planScratch() {
    var columns = -1, statistics = 0
    for (i, layer) in layers.enumerated() {
      switch layer.spec.declaration.kind {
      case .conv2D(let filters, _, _, _, _, _, _, _, _) where layer.fusedPool == nil:  // the fused kernels need no scratch
        let window = layer.spec.window!
        // The direct kernels need no patch matrix; their backward runs only where no input gradient is due.
        let direct = window.supportsDirectConvolution(filters: filters) && !spec.layers[..<i].contains { $0.trainableCount > 0 }
        if let tile = layer.winogradTile {
          columns = max(
            columns, window.winogradScratchCount(filters: filters, imagesPerGemm: layer.chunk, cores: ModelPlan.winogradCores, tile: tile))
        } else {
          columns = max(columns, window.isPointwise || direct ? 1 : layer.chunk * window.outputPixels * window.patchSize)
        }
      case .batchNormalization:
        statistics = max(statistics, 2 * layer.spec.outputShape.last!)
      default: break
      }
    }
    if columns >= 0 {
      let uses = layers.contains { $0.winograd } ? "im2col patch matrix of one Conv2D chunk, or Winograd tiles" : "im2col patch matrix of one Conv2D chunk [images·pixels, kh·kw·cin]"
      _ = fixed("columns", columns, uses)
      for i in layers.indices where layers[i].winograd { layers[i].scratchCount = columns }
    }
    if statistics > 0 { _ = fixed("statistics", statistics, "BatchNormalization per-channel sums [2 × channels]") }
  }

  private mutating func buffer(_ name: String, _ width: Int, _ comment: String) -> String {
    buffers.append(BufferPlan(name: name, width: width, offset: arenaPerSample, comment: comment))
    arenaPerSample += width
    return name
  }

  /// A per-sample buffer of `count` bytes, in ⌈count/4⌉ float slots of the arena.
  private mutating func byteBuffer(_ name: String, _ count: Int, _ comment: String) -> String {
    let width = (count + 3) / 4
    buffers.append(BufferPlan(name: name, width: width, offset: arenaPerSample, comment: comment, bytes: count))
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
      case .activation(let activation, _):
        plan.outputBuffer = buffer("\(fn)Output", width, "\(layer.name) output (\(activation.kerasName))")
        plan.zBuffer = train
        plan.backwardActivation = (isLast && fused) || activation == .linear ? nil : activation
        train = plan.outputBuffer
        infer = plan.outputBuffer
      case .dropout:
        plan.outputBuffer = buffer("\(fn)Output", width, "\(layer.name) output in training (x ⊙ mask)")
        plan.maskBuffer = buffer("\(fn)Mask", width, "\(layer.name) keep-mask: 0 or 1/(1 − rate)")
        train = plan.outputBuffer
      case .conv2D(_, _, _, _, let activation, _, _, _, _) where fusablePool(after: i) != nil:
        let pool = spec.layers[i + 1], poolWindow = fusablePool(after: i)!
        let out = buffer("\(swiftIdentifier(pool.name))Output", pool.outputShape.reduce(1, *), "\(pool.name) output (\(layer.name), \(activation.kerasName) and the pooling in one pass)")
        plan.argmaxBuffer = byteBuffer("\(fn)Argmax", pool.outputShape.reduce(1, *), "\(pool.name)'s winning pixel per window and channel (0…\(poolWindow.kernelHeight * poolWindow.kernelWidth - 1))")
        plan.fusedPool = poolWindow
        plan.outputBuffer = out
        plan.zBuffer = out
        train = out
        infer = out
      case .conv2D(_, _, _, _, let activation, _, _, _, _):
        let out = buffer("\(fn)Output", width, "\(layer.name) output, after \(activation.kerasName)")
        plan.outputBuffer = out
        plan.zBuffer = out
        if activation == .swish {
          plan.zBuffer = buffer("\(fn)Logits", width, "\(layer.name) pre-activation (conv + bias)")
        }
        plan.backwardActivation = activation == .linear ? nil : activation
        let window = layer.window!
        plan.chunk = max(1, min(ModelPlan.columnBudget / (window.outputPixels * window.patchSize), 256))
        if case .conv2D(let filters, _, _, _, _, _, _, _, _) = layer.declaration.kind,
          window.supportsWinograd(filters: filters) && !window.supportsDirectConvolution(filters: filters)
        {
          let tile = window.winogradTile
          plan.winogradTile = tile
          plan.chunk = max(1, min(ModelPlan.winogradBudget / window.winogradImageFloats(filters: filters, tile: tile), 64))
        }
        train = out
        infer = out
      case .pooling2D where layers.last?.fusedPool != nil:
        plan.fusedIntoPrevious = true
        plan.outputBuffer = train
      case .pooling2D(let kind, _, _, _):
        plan.outputBuffer = buffer("\(fn)Output", width, "\(layer.name) output")
        if kind == .max, let previous = layers.last, case .conv2D(_, _, _, _, .relu, _, _, _, _) = previous.spec.declaration.kind {
          // A window's maximum is > 0 exactly where ReLU passes the gradient: the pooling backward does both.
          plan.poolsRelu = true
          layers[layers.count - 1].backwardActivation = nil
        }
        train = plan.outputBuffer
        infer = plan.outputBuffer
      case .globalPooling2D:
        plan.outputBuffer = buffer("\(fn)Output", width, "\(layer.name) output")
        if layer.inputMasked { plan.stepMask = modelStepMask }
        train = plan.outputBuffer
        infer = plan.outputBuffer
      case .batchNormalization:
        plan.outputBuffer = buffer("\(fn)Output", width, "\(layer.name) output")
        plan.normalizedBuffer = buffer("\(fn)Normalized", width, "\(layer.name) x̂ = (x − batch mean)/√(batch var + ε), training")
        plan.inverseStdBuffer = fixed("\(fn)InverseStd", layer.outputShape.last!, "\(layer.name) 1/√(batch var + ε) per channel, training")
        train = plan.outputBuffer
        infer = plan.outputBuffer
      case .bidirectional(let wrapped, _):
        planBidirectional(&plan, layer, wrapped: wrapped)
        train = plan.outputBuffer
        infer = plan.outputBuffer
      case .lstm, .gru, .simpleRNN:
        (train, infer) = planRecurrent(&plan, layer)
      case .embedding(_, _, _, let maskZero):
        plan.outputBuffer = buffer("\(fn)Output", width, "\(layer.name) output, the looked-up rows")
        if maskZero && spec.layers.contains(where: \.inputMasked) {
          modelStepMask = buffer("\(fn)StepMask", layer.inputShape[0], "\(layer.name) mask_zero: 1 where the index is not 0, else 0 [steps]")
          plan.stepMask = modelStepMask
        }
        train = plan.outputBuffer
        infer = plan.outputBuffer
      case .masking:
        plan.outputBuffer = buffer("\(fn)Output", width, "\(layer.name) output: x with the masked steps zeroed")
        modelStepMask = buffer("\(fn)StepMask", layer.inputShape[0], "\(layer.name): 1 where a feature differs from mask_value, else 0 [steps]")
        plan.stepMask = modelStepMask
        train = plan.outputBuffer
        infer = plan.outputBuffer
      case .flatten, .reshape:
        break
      }
      layers.append(plan)
    }
    trainOutput = train
    inferenceOutput = infer
  }

  /// A recurrent layer's buffers: its state buffers by kind, then its hidden states and output; returns the
  /// output buffer for training and inference.
  private mutating func planRecurrent(_ plan: inout LayerPlan, _ layer: LayerSpec) -> (String, String) {
    let steps = layer.inputShape[0], fn = plan.fn
    let settings = layer.declaration.recurrent!, features = layer.inputShape[1]
    let gates = layer.weights[1].shape[1] / layer.weights[1].shape[0]  // recurrent kernel [u, g·u]
    if settings.inputDropout > 0 && settings.recurrentDropout > 0 && gates > 1 {
      // Keras's implementation 1 (recurrent_dropout on): one input mask per gate
      plan.maskBuffer = buffer("\(fn)DropoutMask", gates * features, "\(layer.name) dropout keep-masks, one per gate and feature [g·features]")
      plan.inputDropoutScratch = buffer("\(fn)MaskedInput", steps * features, "\(layer.name) one gate's input ⊙ its mask [steps, features], training")
    } else if settings.inputDropout > 0 {
      plan.maskBuffer = buffer("\(fn)DropoutMask", features, "\(layer.name) dropout keep-mask per feature, the same at every step")
      plan.droppedBuffer = buffer("\(fn)Dropped", steps * features, "\(layer.name) input ⊙ dropout mask [steps, features], training")
    }
    if settings.recurrentDropout > 0 {
      let units = layer.weights[1].shape[0], gates = layer.weights[1].shape[1]  // the recurrent kernel [u, g·u]
      plan.recurrentDropoutBuffers = [
        buffer("\(fn)RecurrentMask", gates, "\(layer.name) recurrent-dropout masks, one per gate and unit [g·u], training"),
        buffer("\(fn)MaskedHidden", steps * gates, "\(layer.name) h_{t−1} ⊙ each gate's mask per step [steps, g·u], training"),
        buffer("\(fn)MaskedGradient", units, "\(layer.name) one gate's ∂loss/∂h_{t−1} [u], backward"),
      ]
    }
    reverseInput(&plan, layer)
    switch layer.declaration.kind {
    case .lstm(let units, let returnSequences, _):
      plan.gatesBuffer = buffer("\(fn)Gates", steps * 4 * units, "\(layer.name) activated gates i, f, c, o per step [steps, 4u] (their gradients in backward)")
      plan.cellsBuffer = buffer("\(fn)Cells", steps * units, "\(layer.name) cell states [steps, u]")
      plan.cellGradientBuffer = buffer("\(fn)CellGradient", units, "\(layer.name) ∂loss/∂cell state carried back a step [u]")
      return recurrentStates(&plan, layer, units: units, returnSequences: returnSequences)
    case .gru(let units, let returnSequences, _):
      plan.gatesBuffer = buffer("\(fn)Gates", steps * 3 * units, "\(layer.name) activated gates z, r, ĥ per step [steps, 3u] (input-side gradients in backward)")
      plan.cellsBuffer = buffer("\(fn)Recurrent", steps * 3 * units, "\(layer.name) h_{t−1}·U + b' per step [steps, 3u] (recurrent-side gradients in backward)")
      if !settings.resetAfter {
        plan.resetHiddenBuffer = buffer("\(fn)ResetHidden", steps * units, "\(layer.name) r ⊙ h_{t−1} per step [steps, u] (reset_after=False)")
        plan.cellGradientBuffer = buffer("\(fn)ResetGradient", units, "\(layer.name) ∂loss/∂(r ⊙ h_{t−1}) of one step [u], backward")
      }
      return recurrentStates(&plan, layer, units: units, returnSequences: returnSequences)
    case .simpleRNN(let units, let returnSequences, _):
      return recurrentStates(&plan, layer, units: units, returnSequences: returnSequences)
    default:
      preconditionFailure("planRecurrent on \(layer.className)")
    }
  }

  /// Bidirectional: a plan for each direction (the wrapped layer with the first or second half of the weights,
  /// the backward one with go_backwards), the merged output, and the backward's scratch: each direction's
  /// share of the output gradient and the backward direction's input gradient.
  private mutating func planBidirectional(_ plan: inout LayerPlan, _ layer: LayerSpec, wrapped: LayerDeclaration) {
    let half = layer.weights.count / 2
    let units = layer.weights[1].shape[0]  // the recurrent kernel [u, gates·u]
    let innerOutput = layer.outputShape.count == 2 ? [layer.inputShape[0], units] : [units]
    for (side, weights) in [("forward", layer.weights[..<half]), ("backward", layer.weights[half...])] {
      var declaration = wrapped
      declaration.recurrent?.goBackwards = side == "backward"
      let parts = KerasNames.bidirectionalParts(weights.first!.name)!  // forward_lstm, lstm_cell, kernel
      var spec = LayerSpec(
        name: "\(layer.name)/\(parts.layer)/\(parts.cell)", declaration: declaration, inputShape: layer.inputShape,
        outputShape: innerOutput,
        weights: weights.map { weight in
          var weight = weight
          weight.name = KerasNames.bidirectionalParts(weight.name)!.variable
          return weight
        })
      spec.inputMasked = layer.inputMasked
      var direction = LayerPlan(
        spec: spec, fn: "\(plan.fn)\(side.prefix(1).uppercased())\(side.dropFirst())Layer", trainInput: plan.trainInput,
        inferInput: plan.inferInput, outputBuffer: plan.trainInput, zBuffer: plan.trainInput, maskBuffer: nil, backwardActivation: nil)
      _ = planRecurrent(&direction, spec)
      plan.directions.append(direction)
    }
    let innerWidth = innerOutput.reduce(1, *)
    plan.outputBuffer = buffer("\(plan.fn)Output", layer.outputShape.reduce(1, *), "\(layer.name) output: the two directions merged")
    if layer.inputMasked && layer.outputShape.count == 2 { plan.stepMask = modelStepMask }  // Keras: zero outputs at masked steps
    plan.zBuffer = plan.outputBuffer
    plan.directionGradientBuffers = [
      buffer("\(plan.fn)ForwardGradient", innerWidth, "\(layer.name) ∂loss/∂forward output, backward"),
      buffer("\(plan.fn)BackwardGradient", innerWidth, "\(layer.name) ∂loss/∂backward output (its own step order), backward"),
    ]
    plan.inputGradientBuffer = buffer(
      "\(plan.fn)InputGradient", layer.inputShape.reduce(1, *), "\(layer.name) the backward direction's ∂loss/∂input, backward")
  }

  /// A recurrent layer with go_backwards: a buffer for its input with the steps reversed (and its step mask's
  /// reversed copy); the step mask it reads, if any.
  private mutating func reverseInput(_ plan: inout LayerPlan, _ layer: LayerSpec) {
    if layer.inputMasked { plan.stepMask = modelStepMask }
    guard layer.declaration.recurrent?.goBackwards == true else { return }
    plan.reversedBuffer = buffer("\(plan.fn)Reversed", layer.inputShape.reduce(1, *), "\(layer.name) input with its steps reversed (go_backwards)")
    if layer.inputMasked {
      plan.unreversedMask = modelStepMask
      plan.stepMask = buffer("\(plan.fn)ReversedMask", layer.inputShape[0], "\(layer.name) step mask reversed (go_backwards) [steps]")
    }
  }

  /// A recurrent layer's hidden states, their gradients and its output (the states themselves with
  /// returnSequences, else the last step's copy); returns the output buffer for training and inference.
  private mutating func recurrentStates(_ plan: inout LayerPlan, _ layer: LayerSpec, units: Int, returnSequences: Bool) -> (String, String) {
    let steps = layer.inputShape[0], fn = plan.fn
    plan.hiddenBuffer = buffer("\(fn)Hidden", steps * units, "\(layer.name) hidden states [steps, u]")
    plan.hiddenGradientBuffer = buffer("\(fn)HiddenGradient", steps * units, "\(layer.name) ∂loss/∂hidden states [steps, u], backward")
    plan.outputBuffer = returnSequences
      ? plan.hiddenBuffer! : buffer("\(fn)Output", layer.outputShape.reduce(1, *), "\(layer.name) output: the last hidden state")
    return (plan.outputBuffer, plan.outputBuffer)
  }

  /// The pooling window when layer `i` is a Conv2D(relu) whose MaxPooling2D can be fused into it: the first
  /// trainable layer (no input gradient), on the direct kernels, pooling valid with strides = pool size.
  func fusablePool(after i: Int) -> Window2D? {
    guard i + 1 < spec.layers.count, !spec.layers[..<i].contains(where: { $0.trainableCount > 0 }) else { return nil }
    let conv = spec.layers[i], pool = spec.layers[i + 1]
    guard conv.declaration.options.activityRegularizer == nil, case .conv2D(let filters, _, _, _, .relu, _, _, _, _) = conv.declaration.kind,
      case .pooling2D(.max, _, _, _) = pool.declaration.kind,
      conv.window!.supportsDirectConvolution(filters: filters), let p = pool.window,
      p.strideY == p.kernelHeight, p.strideX == p.kernelWidth, p.padTop == 0, p.padLeft == 0,
      p.kernelHeight * p.kernelWidth <= 256,  // the winning pixel's index is stored as a byte
      p.outputHeight * p.kernelHeight <= p.inputHeight, p.outputWidth * p.kernelWidth <= p.inputWidth
    else { return nil }
    return p
  }

  /// Walks the layers backwards passing the output gradient between two ping-pong buffers, each sized
  /// for the widest gradient it holds; layers that keep the shape work in place.
  private mutating func planBackward() {
    var steps: [(layer: Int, gradient: Int, inputGradient: Int?)] = []
    var widths = [0, 0]
    var g = 0
    for i in spec.layers.indices.reversed() {
      let needsInputGradient = spec.layers[..<i].contains { $0.trainableCount > 0 }
      let layer = layers[i]
      if layer.spec.trainableCount == 0 && !needsInputGradient { break }
      widths[g] = max(widths[g], layer.outputGradientWidth)
      switch layer.spec.declaration.kind {
      case .pooling2D where layer.fusedIntoPrevious:
        break  // the Conv2D below takes this gradient
      case .dense, .conv2D, .pooling2D, .globalPooling2D, .lstm, .gru, .simpleRNN, .bidirectional:
        let dx = needsInputGradient ? 1 - g : nil
        steps.append((i, g, dx))
        if let dx {
          widths[dx] = max(widths[dx], layer.spec.inputShape.reduce(1, *))
          g = dx
        }
      case .dropout, .batchNormalization, .masking:
        steps.append((i, g, needsInputGradient ? g : nil))
      case .embedding:
        steps.append((i, g, nil))  // integer inputs have no gradient
      case .activation:
        if layer.backwardActivation != nil { steps.append((i, g, g)) }
      case .flatten, .reshape:
        break
      }
    }
    let names = [
      buffer("gradientA", max(widths[0], spec.outputSize), "gradient scratch (ping)"),
      buffer("gradientB", max(widths[1], 1), "gradient scratch (pong)"),
    ]
    backward = steps.map { ($0.layer, names[$0.gradient], $0.inputGradient.map { names[$0] }) }
  }

  /// The loss kernel and its buffers, on training (or inference) buffers; its gradient goes into `gradientA`. In
  /// training it takes the model's `sampleWeights`.
  func lossCall(training: Bool) -> LossCallPlan {
    let last = layers[layers.count - 1]
    let out = training ? trainOutput : inferenceOutput
    let logits: String
    if case .activation = last.spec.declaration.kind {
      logits = training ? last.trainInput : last.inferInput
    } else {
      logits = last.zBuffer
    }
    let targets = spec.loss == .sparseCategoricalCrossentropy ? ("labels", "targets") : ("targets", "targets")
    func call(_ kernel: String, _ buffers: [(String, String)], elementwise: Loss? = nil) -> LossCallPlan {
      LossCallPlan(kernel: kernel, elementwise: elementwise, buffers: buffers + [targets], columns: spec.outputSize, weighted: training)
    }
    if spec.fromLogits {  // a linear output: the loss applies the sigmoid/softmax itself
      switch spec.loss {
      case .binaryCrossentropy: return call("binaryCrossentropyFromLogits", [("logits", logits)])
      case .categoricalCrossentropy: return call("categoricalCrossentropyFromLogits", [("logits", logits)])
      default: return call("sparseCategoricalCrossentropyFromLogits", [("logits", logits)])
      }
    }
    switch (spec.lossFromLogits, spec.loss) {
    case (true, .binaryCrossentropy): return call("sigmoidBinaryCrossentropy", [("logits", logits), ("probabilities", out)])
    case (true, .categoricalCrossentropy): return call("softmaxCategoricalCrossentropy", [("logits", logits), ("probabilities", out)])
    case (true, _): return call("softmaxSparseCategoricalCrossentropy", [("logits", logits), ("probabilities", out)])
    case (false, .binaryCrossentropy): return call("binaryCrossentropy", [("probabilities", out)])
    case (false, .categoricalCrossentropy): return call("categoricalCrossentropy", [("probabilities", out)])
    case (false, .sparseCategoricalCrossentropy): return call("sparseCategoricalCrossentropy", [("probabilities", out)])
    case (false, .meanSquaredError): return call("meanSquaredError", [("predictions", out)])
    case (false, .meanAbsoluteError): return call("meanAbsoluteError", [("predictions", out)])
    case (false, let loss): return call("elementwiseLoss", [("predictions", out)], elementwise: loss)
    }
  }

  /// The Dense, Conv2D and recurrent layers' GEMMs, for the benchmark's per-part GFLOP/s (a Bidirectional layer's
  /// two directions are not counted).
  var gemmLayers: [GemmLayerPlan] {
    let withInputGradient = Set(backward.filter { $0.inputGradient != nil }.map(\.layer))
    return layers.enumerated().compactMap { index, layer in
      let spec = layer.spec
      var gemm = GemmLayerPlan(
        name: spec.name, isConvolution: false, rowsPerSample: 1, inputs: spec.inputShape[0], outputs: 0, chunk: 0,
        inputGradient: withInputGradient.contains(index))
      switch spec.declaration.kind {
      case .dense(let units, _, _, _, _): gemm.outputs = units
      case .conv2D(let filters, _, _, _, _, _, _, _, _):
        let window = spec.window!
        (gemm.isConvolution, gemm.rowsPerSample, gemm.inputs, gemm.outputs, gemm.chunk) = (true, window.outputPixels, window.patchSize, filters, layer.chunk)
      case .lstm(let units, _, _), .gru(let units, _, _), .simpleRNN(let units, _, _):
        (gemm.rowsPerSample, gemm.inputs, gemm.outputs, gemm.recurrentUnits) = (spec.inputShape[0], spec.inputShape[1], spec.weights[0].shape[1], units)
      default: return nil
      }
      return gemm
    }
  }
}

/// A loss kernel call: the kernel (and, for `elementwiseLoss`, which loss), its buffers by argument label, the output
/// width, and whether it takes the model's sample weights. Rows are always the batch's `n`, the gradient `gradientA`.
struct LossCallPlan {
  var kernel: String
  var elementwise: Loss?
  var buffers: [(label: String, buffer: String)]
  var columns: Int
  var weighted: Bool
}

/// The GEMM shape of one layer, as the runtime's `GemmLayer` describes it.
struct GemmLayerPlan {
  var name: String
  var isConvolution: Bool
  var rowsPerSample: Int
  var inputs: Int
  var outputs: Int
  var chunk: Int
  var inputGradient: Bool
  var recurrentUnits: Int?
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
public func typeName(_ name: String) -> String {
  let id = swiftIdentifier(name)
  return id.prefix(1).uppercased() + id.dropFirst()
}
