// Generator.swift: renders a checked spec into a SwiftPM package through the templates in Templates/.
import Foundation
import Mustache

/// One file of a generated package, relative to the package root.
public struct GeneratedFile: Sendable, Equatable {
  public var path: String
  public var contents: String

  public init(path: String, contents: String) {
    self.path = path
    self.contents = contents
  }
}

/// Renders model packages from the Mustache templates in a `Templates/` directory.
public struct Generator {
  private let library: MustacheLibrary

  /// Loads every `*.mustache` file below `templatesDirectory` (partials are named by relative path, e.g. `layers/dense`).
  public init(templatesDirectory: String) throws {
    var library = MustacheLibrary()
    let root = URL(fileURLWithPath: templatesDirectory)
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
      throw SpecError("cannot read the templates in \(templatesDirectory)")
    }
    let files = walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "mustache" }
    guard !files.isEmpty else { throw SpecError("no templates in \(templatesDirectory)") }
    for file in files.sorted(by: { $0.path < $1.path }) {
      let relative = String(file.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
      let name = String(relative.dropLast(".mustache".count))
      do {
        try library.register(try String(contentsOf: file, encoding: .utf8), named: name)
      } catch {
        throw SpecError("template \(relative): \(error)")
      }
    }
    self.library = library
  }

  /// Renders the package files of `model`. `source` is what the user passed to `precast generate`
  /// (printed in headers); `precastPath` is the Precast package the generated package depends on.
  public func render(_ model: Model, source: String, precastPath: String) throws -> [GeneratedFile] {
    let spec = try ModelSpec(model)
    let plan = try ModelPlan(spec)
    let context = modelContext(plan, summary: model.summary, source: source, precastPath: precastPath)
    let type = context["typeName"] as! String
    let module = context["moduleName"] as! String
    func render(_ template: String) throws -> String {
      guard let text = library.render(context, withTemplate: template) else { throw SpecError("missing template \(template)") }
      return text
    }
    return [
      GeneratedFile(path: "Package.swift", contents: try render("Package.swift")),
      GeneratedFile(path: "README.md", contents: try render("README.md")),
      GeneratedFile(path: "Sources/\(module)/\(type).swift", contents: try render("Model.swift")),
      GeneratedFile(path: "Sources/\(spec.name)-train/main.swift", contents: try render("train-main.swift")),
      GeneratedFile(path: "Sources/\(spec.name)-infer/main.swift", contents: try render("infer-main.swift")),
    ]
  }

  /// Writes `files` below `directory`, replacing what a previous generation wrote (other files stay).
  public static func write(_ files: [GeneratedFile], to directory: String) throws {
    let fm = FileManager.default
    for file in files {
      let url = URL(fileURLWithPath: directory).appendingPathComponent(file.path)
      try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try file.contents.write(to: url, atomically: true, encoding: .utf8)
    }
  }
}

// MARK: - Template context

extension Generator {
  func modelContext(_ plan: ModelPlan, summary: String, source: String, precastPath: String) -> [String: Any] {
    let spec = plan.spec
    let type = typeName(spec.name)
    let views = plan.weightViews
    let slots: [[String: Any]] = views.map { v in
      let w = v.weight
      var slot: [String: Any] = [
        "layer": v.layer, "name": w.name, "shape": "\(w.shape)", "offset": v.offset,
        "initializer": w.initializer.swiftLiteral, "fanIn": w.fanIn, "fanOut": w.fanOut,
        "trainable": w.trainable, "view": v.view, "end": v.offset + w.count, "count": w.count,
      ]
      if let regularizer = w.regularizer { slot["regularizer"] = regularizer.swiftLiteral }
      if let constraint = w.constraint { slot["constraint"] = constraint.swiftLiteral }
      return slot
    }
    let layers = plan.layers.enumerated().map { i, layer in layerContext(layer, index: i) }
    var inference: [[String: Any]] = []
    var training: [[String: Any]] = []
    for layer in plan.layers {
      switch layer.spec.declaration.kind {
      case .flatten, .reshape: continue
      case .pooling2D where layer.fusedIntoPrevious: continue
      case .dropout:
        training.append(["fn": layer.fn, "input": layer.trainInput, "usesRandom": true, "part": layer.fn])
      case .batchNormalization:
        training.append(["fn": layer.fn + "Training", "input": layer.trainInput, "part": layer.fn])
        inference.append(["fn": layer.fn, "input": layer.inferInput])
      case _ where layer.spec.declaration.isRecurrent && layer.spec.declaration.options.usesRandom:
        training.append(["fn": layer.fn + "Training", "input": layer.trainInput, "usesRandom": true, "part": layer.fn])
        inference.append(["fn": layer.fn, "input": layer.inferInput])
      default:
        training.append(["fn": layer.fn, "input": layer.trainInput, "part": layer.fn])
        inference.append(["fn": layer.fn, "input": layer.inferInput])
      }
    }
    let penalties: [[String: Any]] = plan.layers.compactMap { layer in
      layer.spec.declaration.options.activityRegularizer.map { regularizer in
        ["name": layer.spec.name, "outputBuffer": layer.outputBuffer, "width": layer.spec.outputShape.reduce(1, *),
         "regularizer": regularizer.swiftLiteral]
      }
    }
    let backward: [[String: Any]] = plan.backward.map { step in
      let layer = plan.layers[step.layer]
      var call: [String: Any] = ["fn": layer.fn, "gradient": step.gradient, "part": layer.fn]
      if let regularizer = layer.spec.declaration.options.activityRegularizer {
        call["activityRegularizer"] = regularizer.swiftLiteral
        call["outputBuffer"] = layer.outputBuffer
        call["width"] = layer.spec.outputShape.reduce(1, *)
      }
      let arguments = backwardArguments(layer)
      if arguments.readsInput {
        call["hasInput"] = true
        call["input"] = layer.trainInput
      }
      if arguments.writesInputGradient {
        call["writesInputGradient"] = true
        call["inputGradient"] = step.inputGradient ?? "nil"
      }
      return call
    }
    let slotFloats = spec.optimizer.slotsPerParameter * spec.parameterCount
    // StepProbe's buckets: one per layer in model order (its raw value is the index), then the loss and the rest.
    var parts = plan.layers.map(\.fn)
    for extra in ["loss", "rest"] {
      var name = extra
      while parts.contains(name) { name += "Part" }
      parts.append(name)
    }
    let context: [String: Any] = [
      "name": spec.name, "typeName": type, "moduleName": "\(type)Model", "source": source, "summary": summary,
      "precastPath": precastPath,
      "inputShape": "\(spec.inputShape)", "inputSize": spec.inputShape.reduce(1, *), "outputSize": spec.outputSize,
      "layers": layers, "weightSlots": slots, "parameterCount": spec.parameterCount,
      "parameterBytes": bytes(spec.parameterCount * 4), "slotBytes": bytes(slotFloats * 4),
      "arenaPerSample": plan.arenaPerSample, "arenaBytesAt128": bytes(plan.arenaPerSample * 4 * 128),
      "buffers": plan.buffers.map { buffer -> [String: Any] in
        var c: [String: Any] = ["name": buffer.name, "width": buffer.width, "offset": buffer.offset, "comment": buffer.comment]
        if let bytes = buffer.bytes { c["bytes"] = bytes } else { c["floats"] = true }
        return c
      },
      "fixedBuffers": fixedContext(plan), "hasFixedBuffers": !plan.fixedBuffers.isEmpty,
      "fixedTotal": plan.fixedTotal, "fixedBytes": bytes(plan.fixedTotal * 4),
      "loss": "\(spec.loss)", "metrics": spec.metrics.map { ".\($0)" }.joined(separator: ", "),
      "accuracyKind": "\(spec.accuracyKind)", "optimizer": spec.optimizer.swiftLiteral,
      "epochs": spec.epochs, "batchSize": spec.batchSize, "validationSplit": "\(spec.validationSplit)", "shuffle": spec.shuffle,
      "fromLogits": spec.fromLogits,
      "kerasModelConfig": spec.kerasModelConfig,
      "trainOutput": plan.trainOutput, "inferenceOutput": plan.inferenceOutput,
      "inferenceCalls": inference, "trainingCalls": training, "backwardCalls": backward,
      "activityPenalties": penalties, "hasActivityPenalties": !penalties.isEmpty,
      "lossCall": plan.lossCall(training: true), "evaluateLossCall": plan.lossCall(training: false),
      "layerTable": Generator.layerTableRows(spec),
      "gemmLayers": gemmLayers(plan), "partCases": parts.joined(separator: ", "),
      "lossPart": parts[parts.count - 2], "otherPart": parts[parts.count - 1],
      "kerasModelConfigLines": Generator.rawLiteralLines(spec.kerasModelConfig),
      "lossDescription": spec.fromLogits
        ? "\(spec.loss.rawValue) with from_logits=True (the output is the logits)"
        : spec.lossFromLogits
        ? "\(spec.loss.rawValue), computed from the logits of the \(spec.outputActivation!.kerasName) output (as Keras does)"
        : spec.loss.rawValue,
      "optimizerDescription": spec.optimizer.swiftLiteral,
      "metricsDescription": spec.metrics.isEmpty ? "none" : spec.metrics.map(\.rawValue).joined(separator: ", ")
        + (spec.metrics.contains(.accuracy) ? " (as \(spec.accuracyKind.kerasName))" : ""),
    ]
    return context.merging(inspectionContext(plan)) { $1 }
  }

  /// `GemmLayer(…)` literals of the Dense, Conv2D and recurrent layers, for the benchmark's per-part GFLOP/s.
  func gemmLayers(_ plan: ModelPlan) -> [String] {
    let withInputGradient = Set(plan.backward.filter { $0.inputGradient != nil }.map(\.layer))
    return plan.layers.enumerated().compactMap { index, layer in
      let spec = layer.spec
      if spec.declaration.options.bidirectional != nil { return nil }  // two layers' GEMMs: not counted
      let (conv, rows, inputs, outputs, chunk): (Bool, Int, Int, Int, Int)
      switch spec.declaration.kind {
      case .dense(let units, _, _, _, _): (conv, rows, inputs, outputs, chunk) = (false, 1, spec.inputShape[0], units, 0)
      case .conv2D(let filters, _, _, _, _, _, _, _):
        let window = spec.window!
        (conv, rows, inputs, outputs, chunk) = (true, window.outputPixels, window.patchSize, filters, layer.chunk)
      case .lstm(let units, _), .gru(let units, _), .simpleRNN(let units, _):
        let gates = spec.weights[0].shape[1]
        return "GemmLayer(name: \"\(spec.name)\", isConvolution: false, rowsPerSample: \(spec.inputShape[0]), inputs: \(spec.inputShape[1]), "
          + "outputs: \(gates), chunk: 0, inputGradient: \(withInputGradient.contains(index)), recurrentUnits: \(units))"
      default: return nil
      }
      return "GemmLayer(name: \"\(spec.name)\", isConvolution: \(conv), rowsPerSample: \(rows), inputs: \(inputs), "
        + "outputs: \(outputs), chunk: \(chunk), inputGradient: \(withInputGradient.contains(index)))"
    }
  }

  func fixedContext(_ plan: ModelPlan) -> [[String: Any]] {
    var offset = 0
    return plan.fixedBuffers.map { buffer in
      defer { offset += buffer.count }
      return ["name": buffer.name, "count": buffer.count, "offset": offset, "comment": buffer.comment]
    }
  }

  func layerContext(_ layer: LayerPlan, index: Int) -> [String: Any] {
    let spec = layer.spec
    var c: [String: Any] = [
      "index": index, "name": spec.name, "className": spec.className, "fn": layer.fn,
      "declaration": spec.declaration.swiftDescription,
      "inputDescription": spec.inputShape.map(String.init).joined(separator: ", "),
      "outputDescription": spec.outputShape.map(String.init).joined(separator: ", "),
      "outputWidth": spec.outputShape.reduce(1, *), "width": spec.outputShape.reduce(1, *), "outputShape": "\(spec.outputShape)",
      "outputBuffer": layer.outputBuffer, "zBuffer": layer.zBuffer, "parameterCount": spec.parameterCount,
      "weights": spec.weights.enumerated().map { i, w in
        ["name": w.name, "shape": "\(w.shape)", "last": i == spec.weights.count - 1] as [String: Any]
      },
      "weightList": spec.weights.isEmpty ? "—" : spec.weights.map { "\(spec.name)/\($0.name) \($0.shape)" }.joined(separator: ", "),
    ]
    if let backward = layer.backwardActivation { c["backwardActivation"] = backward.swiftLiteral }
    let arguments = backwardArguments(layer)
    c["readsInput"] = arguments.readsInput
    c["writesInputGradient"] = arguments.writesInputGradient
    if let merge = spec.declaration.options.bidirectional {
      addBidirectionalKeys(&c, layer, merge: merge)
      return c
    }
    switch spec.declaration.kind {
    case .dense(let units, let activation, let useBias, _, _):
      c["isDense"] = true
      c["units"] = units
      c["inputs"] = spec.inputShape[0]
      c["activation"] = activation.swiftLiteral
      c["activationName"] = activation.kerasName
      c["kernel"] = layer.weightView("kernel")
      c["gradientOf"] = layer.backwardActivation == nil ? "(x·kernel + bias)" : "its output"
      addBias(&c, useBias ? layer.weightView("bias") : nil)
    case .dropout(let rate):
      c["isDropout"] = true
      c["rate"] = "\(Float(rate))"
      c["maskBuffer"] = layer.maskBuffer!
    case .activation(let activation):
      c["isActivation"] = true
      c["activation"] = activation.swiftLiteral
      c["activationName"] = activation.kerasName
    case .flatten:
      c["isFlatten"] = true
    case .reshape:
      c["isReshape"] = true
    case .conv2D(let filters, _, _, _, let activation, let useBias, _, _):
      c["isConv2D"] = true
      c["filters"] = filters
      c["activation"] = activation.swiftLiteral
      c["activationName"] = activation.kerasName
      c["kernel"] = layer.weightView("kernel")
      c["kernelShape"] = "\(spec.weights[0].shape)"
      c["chunk"] = layer.chunk
      c["method"] = convolutionMethod(spec.window!, filters: filters, layer)
      c["winograd"] = layer.winograd
      c["winogradTile"] = layer.winogradTile ?? 0
      c["scratchCount"] = layer.scratchCount
      if let pool = layer.fusedPool {
        c["fusedPool"] = true
        c["unfused"] = false
        c["poolWindow"] = windowLiteral(pool)
        c["argmaxBuffer"] = layer.argmaxBuffer!
        c["pooledDescription"] = "\(pool.outputHeight), \(pool.outputWidth), \(pool.channels)"
        c["poolSize"] = "\(pool.kernelHeight)×\(pool.kernelWidth)"
      } else {
        c["unfused"] = true
      }
      c["pixels"] = spec.window!.outputPixels
      c["gradientOf"] = layer.backwardActivation == nil ? "(conv + bias)" : "its output"
      addBias(&c, useBias ? layer.weightView("bias") : nil)
    case .pooling2D where layer.fusedIntoPrevious:
      c["isFusedPooling2D"] = true
    case .pooling2D(let kind, _, _, _):
      c["isPooling2D"] = true
      c["poolName"] = kind == .max ? "max" : "average"
      c["isMax"] = kind == .max
      c["poolsRelu"] = layer.poolsRelu
    case .globalPooling2D(let kind):
      c["isGlobalPooling2D"] = true
      c["poolName"] = kind == .max ? "max" : "average"
      c["isMax"] = kind == .max
      c["pixels"] = spec.inputShape.dropLast().reduce(1, *)
      c["channels"] = spec.inputShape.last!
      c["maskArgument"] = layer.stepMask.map { ", mask: \($0)" } ?? ""
    case .simpleRNN(let units, let returnSequences):
      c["isSimpleRNN"] = true
      addRecurrentKeys(&c, layer, units: units, returnSequences: returnSequences)
    case .gru(let units, let returnSequences):
      c["isGRU"] = true
      addRecurrentKeys(&c, layer, units: units, returnSequences: returnSequences)
      c["recurrentBuffer"] = layer.cellsBuffer!
      if let resetHidden = layer.resetHiddenBuffer {
        c["resetBefore"] = true
        c["resetHiddenBuffer"] = resetHidden
        c["resetGradientBuffer"] = layer.cellGradientBuffer!
      } else {
        c["resetAfter"] = true
      }
    case .lstm(let units, let returnSequences):
      c["isLSTM"] = true
      addRecurrentKeys(&c, layer, units: units, returnSequences: returnSequences)
      c["cellsBuffer"] = layer.cellsBuffer!
      c["cellGradientBuffer"] = layer.cellGradientBuffer!
    case .masking(let value):
      c["isMasking"] = true
      c["steps"] = spec.inputShape[0]
      c["features"] = spec.inputShape[1]
      c["maskValue"] = "\(Float(value))"
      c["stepMask"] = layer.stepMask!
    case .embedding(let inputDim, let outputDim, _):
      c["isEmbedding"] = true
      c["inputDim"] = inputDim
      c["outputDim"] = outputDim
      c["steps"] = spec.inputShape[0]
      c["table"] = layer.weightView("embeddings")
      if let mask = layer.stepMask { c["stepMask"] = mask }
    case .batchNormalization(let momentum, let epsilon, _, _):
      let channels = spec.outputShape.last!
      c["isBatchNormalization"] = true
      c["frozenByDeclaration"] = !spec.declaration.options.trainable
      c["channels"] = channels
      c["rowsPerSample"] = spec.outputShape.reduce(1, *) / channels
      c["momentum"] = "\(Float(momentum))"
      c["epsilon"] = "\(Float(epsilon))"
      c["normalizedBuffer"] = layer.normalizedBuffer!
      c["inverseStdBuffer"] = layer.inverseStdBuffer!
      func pointer(_ name: String, _ part: String) -> String {
        spec.weights.contains { $0.name == name } ? "\(layer.weightView(name)).\(part)" : "nil"
      }
      c["gammaPointer"] = pointer("gamma", "values")
      c["betaPointer"] = pointer("beta", "values")
      c["dGammaPointer"] = pointer("gamma", "gradient")
      c["dBetaPointer"] = pointer("beta", "gradient")
      c["movingMeanPointer"] = pointer("moving_mean", "values")
      c["movingVariancePointer"] = pointer("moving_variance", "values")
    }
    if let window = spec.window {
      c["window"] = windowLiteral(window)
      let dilation = window.isDilated ? ", dilation \(window.dilationY)×\(window.dilationX)" : ""
      c["windowDescription"] = "\(window.kernelHeight)×\(window.kernelWidth) window, stride \(window.strideY)×\(window.strideX), "
        + "padding top \(window.padTop) left \(window.padLeft)" + dilation
    }
    return c
  }

  /// The keys every recurrent layer's template uses: shapes, weight offsets, state buffers, and how the output
  /// relates to the hidden states (all of them, or the last step's).
  private func addRecurrentKeys(_ c: inout [String: Any], _ layer: LayerPlan, units: Int, returnSequences: Bool) {
    let spec = layer.spec
    c["units"] = units
    c["steps"] = spec.inputShape[0]
    c["features"] = spec.inputShape[1]
    c["kernel"] = layer.weightView("kernel")
    c["recurrentKernel"] = layer.weightView("recurrent_kernel")
    c["bias"] = layer.weightView("bias")
    c["gatesBuffer"] = layer.gatesBuffer ?? ""
    c["hiddenBuffer"] = layer.hiddenBuffer!
    c["hiddenGradientBuffer"] = layer.hiddenGradientBuffer!
    c["returnSequences"] = returnSequences
    c["lastStep"] = !returnSequences
    c["stepWidth"] = spec.inputShape[0] * units
    c["lastOffset"] = (spec.inputShape[0] - 1) * units
    if let reversed = layer.reversedBuffer {
      c["goBackwards"] = true
      c["reversedBuffer"] = reversed
    }
    c["sequenceInput"] = layer.reversedBuffer ?? "x"
    c["backwardInput"] = layer.reversedBuffer ?? layer.droppedBuffer ?? "x"
    if let dropped = layer.droppedBuffer {
      c["dropout"] = true
      c["dropoutRate"] = "\(Float(spec.declaration.options.inputDropout))"
      c["maskBuffer"] = layer.maskBuffer!
      c["droppedBuffer"] = dropped
    }
    if !layer.recurrentDropoutBuffers.isEmpty {
      let names = layer.recurrentDropoutBuffers
      c["recurrentDropout"] = true
      c["recurrentDropoutRate"] = "\(Float(spec.declaration.options.recurrentDropout))"
      c["recurrentMaskBuffer"] = names[0]
      c["gateWidth"] = spec.weights[1].shape[1]
      c["recurrentDropoutBuffers"] = "RecurrentDropoutBuffers(masks: \(names[0]), saved: \(names[1]), scratch: \(names[2]))"
    }
    if let scratch = layer.inputDropoutScratch {
      c["gateDropout"] = true
      c["dropoutRate"] = "\(Float(spec.declaration.options.inputDropout))"
      c["maskBuffer"] = layer.maskBuffer!
      c["gateInputWidth"] = spec.weights[1].shape[1] / units * spec.inputShape[1]
      c["inputDropoutBuffers"] = "InputDropoutBuffers(masks: \(layer.maskBuffer!), scratch: \(scratch))"
    }
    c["trainingForward"] = spec.declaration.options.usesRandom
    c["trainingInput"] = layer.droppedBuffer ?? "x"
    // Keras's defaults (tanh, sigmoid, no mask) are the kernels' defaults too: only other activations and a step
    // mask are spelled out
    let options = spec.declaration.options
    var arguments = ""
    if options.activation != .tanh { arguments += ", activation: \(options.activation.swiftLiteral)" }
    if options.recurrentActivation != .sigmoid { arguments += ", recurrentActivation: \(options.recurrentActivation.swiftLiteral)" }
    if let mask = layer.stepMask { arguments += ", mask: \(mask)" }
    c["optionArguments"] = arguments
    if let source = layer.unreversedMask {
      c["reversedMask"] = layer.stepMask!
      c["unreversedMask"] = source
    }
  }

  /// A Bidirectional layer's keys: each direction's own recurrent context (rendered by its template) and how
  /// their outputs merge.
  private func addBidirectionalKeys(_ c: inout [String: Any], _ layer: LayerPlan, merge: MergeMode) {
    let (forward, backward) = (layer.directions[0], layer.directions[1])
    let returnSequences = layer.spec.outputShape.count == 2
    c["isBidirectional"] = true
    c["innerClass"] = forward.spec.className
    c["mergeMode"] = merge.rawValue
    c["forwardReadsInput"] = backwardArguments(forward).readsInput
    c["backwardReadsInput"] = backwardArguments(backward).readsInput
    c["forwardLayer"] = layerContext(forward, index: -1)
    c["backwardLayer"] = layerContext(backward, index: -1)
    c["forwardFn"] = forward.fn
    c["backwardFn"] = backward.fn
    c["forwardOutput"] = forward.outputBuffer
    c["backwardOutput"] = backward.outputBuffer
    c["units"] = forward.spec.outputShape.last!
    c["mergeSteps"] = returnSequences ? layer.spec.inputShape[0] : 1
    c["returnSequences"] = returnSequences
    c["forwardGradientBuffer"] = layer.directionGradientBuffers[0]
    c["backwardGradientBuffer"] = layer.directionGradientBuffers[1]
    c["inputGradientBuffer"] = layer.inputGradientBuffer!
    c["inputWidth"] = layer.spec.inputShape.reduce(1, *)
    c["trainingForward"] = layer.spec.declaration.options.usesRandom
    if let mask = layer.stepMask {
      c["zeroMaskedSteps"] = mask
      c["outputWidth"] = layer.spec.outputShape.last!
    }
  }

  /// What a layer's generated backward takes besides dy and n: its forward input x (not when it works from saved
  /// buffers or in place), and room for ∂loss/∂x (not when the gradient stays in dy, as for Dropout, Activation and
  /// Masking, or there is none: Embedding's integer input, the fused first Conv2D + MaxPooling2D).
  func backwardArguments(_ layer: LayerPlan) -> (readsInput: Bool, writesInputGradient: Bool) {
    if layer.spec.declaration.options.bidirectional != nil {
      return (layer.directions.contains { backwardArguments($0).readsInput }, true)
    }
    switch layer.spec.declaration.kind {
    case .dropout, .masking: return (false, false)
    case .activation: return (layer.backwardActivation != nil, false)
    case .embedding: return (true, false)
    case .conv2D: return (true, layer.fusedPool == nil)
    case .batchNormalization: return (false, true)
    case .pooling2D(let kind, _, _, _), .globalPooling2D(let kind): return (kind == .max, true)
    case .simpleRNN, .gru, .lstm: return (layer.reversedBuffer == nil && layer.droppedBuffer == nil, true)
    default: return (true, true)
    }
  }

  /// How a Conv2D layer is computed and why, for its doc comment (the plan chose it from the shapes).
  func convolutionMethod(_ window: Window2D, filters: Int, _ layer: LayerPlan) -> String {
    if window.supportsDirectConvolution(filters: filters) {
      return "direct kernel (patch of \(window.patchSize) ≤ 32: too short for a GEMM), bias and activation fused"
    }
    if let m = layer.winogradTile {
      // Multiplications per channel pair and image: im2col 9 per output pixel, Winograd (m+2)² per m×m tile.
      let im2col = Double(9 * window.outputPixels)
      func fewer(_ tile: Int) -> String { String(format: "%.2f×", im2col / Double(window.winogradMultiplications(tile: tile))) }
      let other = m == 4 ? 2 : 4
      return "Winograd F(\(m)×\(m), 3×3) (3×3, stride 1: \(fewer(m)) fewer multiplications than im2col on this "
        + "\(window.outputHeight)×\(window.outputWidth) output, F(\(other)×\(other), 3×3) \(fewer(other))), "
        + "\((m + 2) * (m + 2)) GEMMs per \(layer.chunk) image(s)"
    }
    return "im2col + sgemm, \(layer.chunk) image(s) per GEMM"
  }

  /// `Window2D(…)`, the Swift literal of a window's geometry (dilation only when the kernel is dilated).
  func windowLiteral(_ window: Window2D) -> String {
    let dilation = window.isDilated ? ", dilationY: \(window.dilationY), dilationX: \(window.dilationX)" : ""
    return "Window2D(inputHeight: \(window.inputHeight), inputWidth: \(window.inputWidth), channels: \(window.channels), "
      + "kernelHeight: \(window.kernelHeight), kernelWidth: \(window.kernelWidth), strideY: \(window.strideY), strideX: \(window.strideX), "
      + "padTop: \(window.padTop), padLeft: \(window.padLeft), outputHeight: \(window.outputHeight), outputWidth: \(window.outputWidth)"
      + dilation + ")"
  }

  /// The bias keys of a Dense or Conv2D context: its view and pointers, or nil pointers without a bias.
  private func addBias(_ c: inout [String: Any], _ view: String?) {
    guard let view else {
      c["biasPointer"] = "nil"
      c["biasGradientPointer"] = "nil"
      return
    }
    c["useBias"] = true
    c["bias"] = view
    c["biasPointer"] = "\(view).values"
    c["biasGradientPointer"] = "\(view).gradient"
  }

  /// A long string (the Keras model config, 3–12 KB of JSON on one line) as the lines of a Swift multi-line raw
  /// literal: broken after a ", " outside JSON strings that ends an object or array once a line has 60 characters, or
  /// after any such ", " at 110; every line but the last ends in `\#` (a line continuation), so the literal's value is
  /// exactly `text`.
  static func rawLiteralLines(_ text: String) -> [String] {
    var lines: [String] = []
    var line = "", inString = false, escaped = false
    var last: (Character, Character) = (" ", " ")
    for c in text {
      line.append(c)
      if inString {
        if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
      } else if c == "\"" {
        inString = true
      } else if c == " " && last.1 == "," {
        let closes = last.0 == "}" || last.0 == "]"
        if (closes && line.count >= 60) || line.count >= 110 {
          lines.append(line + "\\#")
          line = ""
        }
      }
      last = (last.1, c)
    }
    lines.append(line)
    return lines
  }

  /// Aligned rows: "#  layer  class  output  weights  params".
  static func layerTableRows(_ spec: ModelSpec) -> [String] {
    var rows = [["#", "layer", "class", "output", "weights", "params"]]
    for (i, layer) in spec.layers.enumerated() {
      let weights = layer.weights.isEmpty ? "—" : layer.weights.map { "\($0.name) \($0.shape)" }.joined(separator: ", ")
      rows.append([String(i), layer.name, layer.className, "[B, " + layer.outputShape.map(String.init).joined(separator: ", ") + "]", weights, String(layer.parameterCount)])
    }
    rows.append(["", "total", "", "", "", String(spec.parameterCount)])
    let frozen = spec.parameterCount - spec.layers.reduce(0) { $0 + $1.trainableCount }
    if frozen > 0 { rows.append(["", "non-trainable", "", "", "", String(frozen)]) }
    let widths = (0..<6).map { col in rows.map { $0[col].count }.max()! }
    return rows.map { row in
      row.enumerated().map { col, cell in cell.padding(toLength: widths[col], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
  }
}

private func bytes(_ n: Int) -> String {
  if n >= 1 << 20 { return String(format: "%.1f MiB", Double(n) / 1048576) }
  if n >= 1 << 10 { return String(format: "%.1f KiB", Double(n) / 1024) }
  return "\(n) B"
}

// MARK: - Swift literals

extension ActivationFunction {
  /// The Swift expression for this activation, e.g. `.relu` or `.leakyRelu(alpha: 0.2)`.
  var swiftLiteral: String {
    switch self {
    case .leakyRelu(let alpha): return ".leakyRelu(alpha: \(alpha))"
    case .elu(let alpha): return ".elu(alpha: \(alpha))"
    default: return ".\(self)"
    }
  }
}

extension OptimizerConfig {
  /// The Swift expression, every hyper-parameter spelled out (the common options only when set).
  var swiftLiteral: String {
    var call: String
    switch rule {
    case .sgd(let momentum, let nesterov): call = ".sgd(learningRate: \(learningRate), momentum: \(momentum), nesterov: \(nesterov)"
    case .adam(let b1, let b2, let eps, let amsgrad):
      call = ".adam(learningRate: \(learningRate), beta1: \(b1), beta2: \(b2), epsilon: \(eps), amsgrad: \(amsgrad)"
    case .rmsprop(let rho, let momentum, let eps, let centered):
      call = ".rmsprop(learningRate: \(learningRate), rho: \(rho), momentum: \(momentum), epsilon: \(eps), centered: \(centered)"
    case .adagrad(let initial, let eps): call = ".adagrad(learningRate: \(learningRate), initialAccumulator: \(initial), epsilon: \(eps)"
    case .adadelta(let rho, let eps): call = ".adadelta(learningRate: \(learningRate), rho: \(rho), epsilon: \(eps)"
    case .adamax(let b1, let b2, let eps): call = ".adamax(learningRate: \(learningRate), beta1: \(b1), beta2: \(b2), epsilon: \(eps)"
    case .nadam(let b1, let b2, let eps): call = ".nadam(learningRate: \(learningRate), beta1: \(b1), beta2: \(b2), epsilon: \(eps)"
    }
    if decay != 0 { call += ", decay: \(decay)" }
    if let clipNorm { call += ", clipNorm: \(clipNorm)" }
    if let clipValue { call += ", clipValue: \(clipValue)" }
    if let globalClipNorm { call += ", globalClipNorm: \(globalClipNorm)" }
    return call + ")"
  }
}

extension LayerDeclaration {
  /// How the layer reads in the builder, e.g. `Dense(12, relu)`.
  var swiftDescription: String {
    if let merge = options.bidirectional {
      var inner = self
      inner.options.bidirectional = nil
      return "Bidirectional(\(inner.swiftDescription), \(merge.rawValue))"
    }
    switch kind {
    case .dense(let units, let activation, let useBias, _, _):
      return "Dense(\(units), \(activation.kerasName)\(useBias ? "" : ", no bias"))"
    case .activation(let activation): return "Activation(\(activation.kerasName))"
    case .dropout(let rate): return "Dropout(\(rate))"
    case .masking(let value): return "Masking(mask_value=\(value))"
    case .flatten: return "Flatten()"
    case .conv2D(let filters, let size, let strides, let padding, let activation, let useBias, _, _) where oneDimensional:
      let dilation = options.dilation.width == 1 ? "" : ", dilation \(options.dilation.width)"
      return "Conv1D(\(filters), \(size.width), strides \(strides.width), \(padding.rawValue)\(dilation), \(activation.kerasName)\(useBias ? "" : ", no bias"))"
    case .conv2D(let filters, let size, let strides, let padding, let activation, let useBias, _, _):
      let dilation = options.dilation == 1 ? "" : ", dilation \(options.dilation)"
      return "Conv2D(\(filters), \(size), strides \(strides), \(padding.rawValue)\(dilation), \(activation.kerasName)\(useBias ? "" : ", no bias"))"
    case .pooling2D(let kind, let size, let strides, let padding) where oneDimensional:
      return "\(kind == .max ? "Max" : "Average")Pooling1D(\(size.width), strides \(strides.width), \(padding.rawValue))"
    case .pooling2D(let kind, let size, let strides, let padding):
      return "\(kind == .max ? "Max" : "Average")Pooling2D(\(size), strides \(strides), \(padding.rawValue))"
    case .globalPooling2D(let kind): return "Global\(kind == .max ? "Max" : "Average")Pooling\(oneDimensional ? 1 : 2)D()"
    case .embedding(let inputDim, let outputDim, _):
      return "Embedding(\(inputDim), \(outputDim)\(options.maskZero ? ", mask_zero=True" : ""))"
    case .lstm(let units, let returnSequences): return "LSTM(\(units)\(returnSequences ? ", return sequences" : ""))"
    case .simpleRNN(let units, let returnSequences): return "SimpleRNN(\(units)\(returnSequences ? ", return sequences" : ""))"
    case .gru(let units, let returnSequences):
      return "GRU(\(units)\(returnSequences ? ", return sequences" : "")\(options.resetAfter ? "" : ", reset_after=False"))"
    case .batchNormalization(let momentum, let epsilon, let center, let scale):
      return "BatchNormalization(momentum \(momentum), epsilon \(epsilon)\(center ? "" : ", no beta")\(scale ? "" : ", no gamma"))"
    case .reshape(let target): return "Reshape(\(target))"
    }
  }
}

extension LayerOptions {
  /// A recurrent layer whose training forward draws masks (dropout or recurrent_dropout).
  var usesRandom: Bool { inputDropout > 0 || recurrentDropout > 0 }
}

extension AccuracyKind {
  /// The Keras function "accuracy" resolves to.
  var kerasName: String {
    switch self {
    case .binary: return "binary_accuracy"
    case .categorical: return "categorical_accuracy"
    case .sparseCategorical: return "sparse_categorical_accuracy"
    }
  }
}
