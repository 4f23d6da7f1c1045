// Inspection.swift: the generated "seeing inside a convnet" passes — an inference forward pass that keeps every
// layer's output (a fused first Conv2D + MaxPooling2D is run unfused, so the convolution's maps exist) and an
// inference-mode backward pass from any layer's output gradient down to any layer's output or to the input.
//
// They live beside the training passes and share none of their code paths: `trainStep` is unchanged (a first layer
// still computes no input gradient), and the scratch they need is allocated by the first inspection call.

extension Generator {
  /// The inspection passes' context, or nil for models without a 2-D convolution over an image input, or with layers
  /// whose inference backward differs from training's (BatchNormalization, recurrent).
  func inspectionContext(_ plan: ModelPlan) -> InspectionContext? {
    let spec = plan.spec
    let hasConvolution = plan.layers.contains {
      if case .conv2D = $0.spec.declaration.kind { return !$0.spec.declaration.oneDimensional }
      return false
    }
    let supported = plan.layers.allSatisfy { layer in
      switch layer.spec.declaration.kind {
      case .dense, .activation, .conv2D, .pooling2D, .globalPooling2D, .dropout, .flatten, .reshape:
        return !layer.spec.declaration.oneDimensional
      default: return false
      }
    }
    guard spec.inputShape.count == 3, hasConvolution, supported else { return nil }

    // ∂/∂(each layer's output) lives in one of two buffers (0: a, 1: b); a layer that changes the shape writes its
    // input gradient into the other one. Walked from the output down, as `planBackward` does.
    let count = plan.layers.count
    var slots = [Int](repeating: 0, count: count)
    var g = 0
    var width = spec.inputShape.reduce(1, *), columns = 1, fusedWidth = 0
    var steps: [InspectionContext.Step] = []
    for i in (0..<count).reversed() {
      let layer = plan.layers[i]
      slots[i] = g
      width = max(width, layer.spec.outputShape.reduce(1, *))
      let dy = g == 0 ? "a" : "b", dx = g == 0 ? "b" : "a"
      var lines: [String] = []
      var flips = true  // the step writes its input gradient into the other buffer
      let input = inspectInput(plan, i)
      switch layer.spec.declaration.kind {
      case .dense(let units, let activation, _, _, _):
        if layer.backwardActivation == nil && activation != .linear {  // the output layer: its activation is fused into the loss
          lines.append(SwiftStatement.activationBackward(dy, output: layer.outputBuffer, preactivation: layer.zBuffer, rows: "n", cols: units, activation))
        }
        lines.append(backwardCall(layer, dy: dy, input: input, dx: dx))
      case .activation(let activation, _):
        flips = false
        if activation != .linear {
          let cols = layer.spec.outputShape.reduce(1, *)
          lines.append(SwiftStatement.activationBackward(dy, output: layer.outputBuffer, preactivation: input, rows: "n", cols: cols, activation))
        }
      case .conv2D(let filters, _, _, _, let activation, let useBias, _, _, _):
        let window = layer.spec.window!
        let output = layer.fusedPool != nil ? "convOutput" : layer.outputBuffer
        let z = layer.fusedPool != nil ? "convOutput" : layer.zBuffer
        let firstTrainable = !spec.layers[..<i].contains { $0.trainableCount > 0 }
        // The activation's derivative where the generated backward does not apply it: fused into the pass or into
        // the max pooling above in training, or the first layer's (whose kernel call is made here).
        if activation != .linear && (layer.fusedPool != nil || layer.backwardActivation == nil || firstTrainable) {
          lines.append(SwiftStatement.activationBackward(dy, output: output, preactivation: z, rows: "n * \(window.outputPixels)", cols: filters, activation))
        }
        if firstTrainable {
          // Training never computes this layer's input gradient, so its generated backward has no room for it.
          columns = max(columns, window.outputPixels * window.patchSize)
          lines += SwiftStatement.conv2DBackward(
            dy, input: input, fn: layer.fn, filters: filters, kernel: layer.weightView("kernel"),
            bias: useBias ? layer.weightView("bias") : nil, dx: dx)
        } else {
          lines.append(backwardCall(layer, dy: dy, input: input, dx: dx))
        }
        if layer.fusedPool != nil {
          fusedWidth = layer.spec.outputShape.reduce(1, *)
          columns = max(columns, window.outputPixels * window.patchSize)
        }
      case .pooling2D(let kind, _, _, _):
        let (windowName, output) = layer.fusedIntoPrevious
          ? ("\(plan.layers[i - 1].fn)PoolWindow", plan.layers[i - 1].outputBuffer) : ("\(layer.fn)Window", layer.outputBuffer)
        if kind == .max {  // no ReLU fused here: ∂/∂(the convolution's output), as Grad-CAM needs it
          lines.append(SwiftStatement.maxPoolBackward(dy, input: input, output: output, window: windowName, dx: dx))
        } else {
          lines.append(SwiftStatement.averagePoolBackward(dy, window: windowName, dx: dx))
        }
      case .globalPooling2D:
        lines.append(backwardCall(layer, dy: dy, input: input, dx: dx))
      default:
        flips = false  // Dropout (the identity in inference), Flatten, Reshape
      }
      if flips { g = 1 - g }
      if !lines.isEmpty { steps.append(InspectionContext.Step(index: i, lines: lines)) }
    }
    var forward: [InspectionContext.Step] = []
    var outputs: [InspectionContext.Output] = []
    for (i, layer) in plan.layers.enumerated() {
      switch layer.spec.declaration.kind {
      case .conv2D(let filters, _, _, _, let activation, _, _, _, _) where layer.fusedPool != nil:
        let bias = layer.spec.weights.count > 1 ? layer.weightView("bias") : nil
        forward.append(InspectionContext.Step(index: i, lines: SwiftStatement.unfusedConv2DMaxPool(
          fn: layer.fn, filters: filters, kernel: layer.weightView("kernel"), bias: bias, activation, output: layer.outputBuffer)))
        outputs.append(InspectionContext.Output(index: i, buffer: "convOutput"))
      case .pooling2D where layer.fusedIntoPrevious:
        outputs.append(InspectionContext.Output(index: i, buffer: layer.outputBuffer))
      case .dropout, .flatten, .reshape:
        break
      default:
        forward.append(InspectionContext.Step(index: i, lines: [SwiftStatement.forward(layer.fn, layer.inferInput)]))
        outputs.append(InspectionContext.Output(index: i, buffer: layer.outputBuffer))
      }
    }
    return InspectionContext(
      inspectSteps: steps, inspectForward: forward, inspectOutputs: outputs, inspectSlots: "\(slots)", inspectInputSlot: g,
      inspectWidth: width, inspectFusedWidth: fusedWidth, inspectColumns: columns,
      inspectWidths: "\(plan.layers.map { $0.spec.outputShape.reduce(1, *) })")
  }

  /// The buffer layer `i` reads in inspection (the inference input, or the unfused convolution's output for a fused pooling).
  private func inspectInput(_ plan: ModelPlan, _ i: Int) -> String {
    if plan.layers[i].fusedIntoPrevious { return "convOutput" }
    return plan.layers[i].inferInput
  }

  /// A call of `layer`'s generated backward with the arguments it takes.
  private func backwardCall(_ layer: LayerPlan, dy: String, input: String, dx: String) -> String {
    SwiftStatement.backward(
      layer.fn, dy, input: layer.backwardReadsInput ? input : nil, dx: layer.backwardWritesInputGradient ? dx : nil)
  }
}

/// What `inspect.mustache` prints: the inspection passes of a convnet, step by step.
struct InspectionContext {
  /// One layer's statements in a pass.
  struct Step {
    var index: Int
    var lines: [String]
  }
  /// The buffer holding layer `index`'s output after `inspectForward`.
  struct Output {
    var index: Int
    var buffer: String
  }
  /// `inspectBackward`'s steps from the output down, and `inspectForward`'s from the input up.
  var inspectSteps: [Step]
  var inspectForward: [Step]
  var inspectOutputs: [Output]
  /// Per layer, the gradient buffer (0: a, 1: b) of ∂/∂(its output), and the one of ∂/∂x.
  var inspectSlots: String
  var inspectInputSlot: Int
  /// Floats per sample of the gradient buffers and of the unfused convolution's output; floats of patch columns.
  var inspectWidth: Int
  var inspectFusedWidth: Int
  var inspectColumns: Int
  var inspectWidths: String
}
