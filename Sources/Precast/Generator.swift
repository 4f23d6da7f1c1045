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
    let (type, module) = (context.typeName, context.moduleName)
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

// MARK: - Template contexts

extension Generator {
  /// The model's context: its layers, weights, buffers, calls and ModelInfo literals.
  func modelContext(_ plan: ModelPlan, summary: String, source: String, precastPath: String) -> ModelContext {
    let spec = plan.spec
    let type = typeName(spec.name)
    let slots = plan.weightViews.map { v in
      let w = v.weight
      return WeightSlotContext(
        layer: v.layer, name: w.name, shape: "\(w.shape)", offset: v.offset, end: v.offset + w.count, count: w.count, view: v.view,
        initializer: w.initializer.swiftLiteral, fanIn: w.fanIn, fanOut: w.fanOut, trainable: w.trainable,
        regularizer: w.regularizer?.swiftLiteral, constraint: w.constraint?.swiftLiteral)
    }
    // StepProbe's buckets: one per layer in model order (its raw value is the index), then the loss and the rest.
    var parts = plan.layers.map { SwiftExpression.caseName($0.fn) }
    for extra in ["loss", "rest"] {
      var name = extra
      while parts.contains(name) { name += "Part" }
      parts.append(name)
    }
    var inference: [ForwardCallContext] = []
    var training: [ForwardCallContext] = []
    for (index, layer) in plan.layers.enumerated() {
      let (fn, part) = (layer.fn, parts[index])
      switch layer.spec.declaration.kind {
      case .flatten, .reshape: continue
      case .pooling2D where layer.fusedIntoPrevious: continue
      case .dropout:
        training.append(ForwardCallContext(fn: fn, input: layer.trainInput, usesRandom: true, part: part))
      case .batchNormalization:
        training.append(ForwardCallContext(fn: fn + "Training", input: layer.trainInput, part: part))
        inference.append(ForwardCallContext(fn: fn, input: layer.inferInput, part: part))
      case _ where layer.spec.declaration.recurrent?.usesRandom == true:
        training.append(ForwardCallContext(fn: fn + "Training", input: layer.trainInput, usesRandom: true, part: part))
        inference.append(ForwardCallContext(fn: fn, input: layer.inferInput, part: part))
      default:
        training.append(ForwardCallContext(fn: fn, input: layer.trainInput, part: part))
        inference.append(ForwardCallContext(fn: fn, input: layer.inferInput, part: part))
      }
    }
    let penalties = plan.layers.compactMap { layer in
      layer.spec.declaration.options.activityRegularizer.map { regularizer in
        PenaltyContext(
          name: layer.spec.name, outputBuffer: layer.outputBuffer, width: layer.spec.outputShape.reduce(1, *),
          regularizer: regularizer.swiftLiteral)
      }
    }
    let backward = plan.backward.map { step in
      let layer = plan.layers[step.layer]
      return BackwardCallContext(
        fn: layer.fn, gradient: step.gradient, part: parts[step.layer], hasInput: layer.backwardReadsInput, input: layer.trainInput,
        writesInputGradient: layer.backwardWritesInputGradient, inputGradient: step.inputGradient ?? "nil",
        activityRegularizer: layer.spec.declaration.options.activityRegularizer?.swiftLiteral, outputBuffer: layer.outputBuffer,
        width: layer.spec.outputShape.reduce(1, *))
    }
    var fixedOffset = 0
    let fixedBuffers = plan.fixedBuffers.map { buffer in
      defer { fixedOffset += buffer.count }
      return FixedBufferContext(name: buffer.name, count: buffer.count, offset: fixedOffset, comment: buffer.comment)
    }
    let slotFloats = spec.optimizer.slotsPerParameter * spec.parameterCount
    return ModelContext(
      name: spec.name, typeName: type, moduleName: "\(type)Model", source: source, summary: summary, precastPath: precastPath,
      inputShape: "\(spec.inputShape)", inputSize: spec.inputShape.reduce(1, *), outputSize: spec.outputSize,
      layers: plan.layers.enumerated().map { i, layer in layerContext(layer, index: i) },
      layerTable: Generator.layerTableRows(spec), weightSlots: slots, parameterCount: spec.parameterCount,
      parameterBytes: bytes(spec.parameterCount * 4), slotBytes: bytes(slotFloats * 4),
      arenaPerSample: plan.arenaPerSample, arenaBytesAt128: bytes(plan.arenaPerSample * 4 * 128),
      buffers: plan.buffers.map { BufferContext(name: $0.name, width: $0.width, offset: $0.offset, comment: $0.comment, bytes: $0.bytes) },
      fixedBuffers: fixedBuffers, hasFixedBuffers: !fixedBuffers.isEmpty, fixedTotal: plan.fixedTotal,
      fixedBytes: bytes(plan.fixedTotal * 4),
      loss: "\(spec.loss)", fromLogits: spec.fromLogits, metrics: spec.metrics.map { ".\($0)" }.joined(separator: ", "),
      accuracyKind: "\(spec.accuracyKind)", optimizer: spec.optimizer.swiftLiteral,
      epochs: spec.epochs, batchSize: spec.batchSize, validationSplit: "\(spec.validationSplit)", shuffle: spec.shuffle,
      kerasModelConfigLines: Generator.rawLiteralLines(spec.kerasModelConfig),
      gemmLayers: plan.gemmLayers.map(\.swiftLiteral),
      lossDescription: spec.fromLogits
        ? "\(spec.loss.rawValue) with from_logits=True (the output is the logits)"
        : spec.lossFromLogits
        ? "\(spec.loss.rawValue), computed from the logits of the \(spec.outputActivation!.kerasName) output (as Keras does)"
        : spec.loss.rawValue,
      optimizerDescription: spec.optimizer.swiftLiteral,
      metricsDescription: spec.metrics.isEmpty ? "none" : spec.metrics.map(\.rawValue).joined(separator: ", ")
        + (spec.metrics.contains(.accuracy) ? " (as \(spec.accuracyKind.kerasName))" : ""),
      trainOutput: plan.trainOutput, inferenceOutput: plan.inferenceOutput,
      inferenceCalls: inference, trainingCalls: training, backwardCalls: backward,
      activityPenalties: penalties, hasActivityPenalties: !penalties.isEmpty,
      lossCall: plan.lossCall(training: true).swiftLiteral, evaluateLossCall: plan.lossCall(training: false).swiftLiteral,
      partCases: parts.joined(separator: ", "), lossPart: parts[parts.count - 2], otherPart: parts[parts.count - 1],
      inspection: inspectionContext(plan))
  }

  /// One layer's context: what every layer has, and its kind's.
  func layerContext(_ layer: LayerPlan, index: Int) -> LayerContext {
    let spec = layer.spec
    var c = LayerContext(
      index: index, name: spec.name, className: spec.className, fn: layer.fn, declaration: spec.declaration.swiftDescription,
      inputDescription: spec.inputShape.map(String.init).joined(separator: ", "),
      outputDescription: spec.outputShape.map(String.init).joined(separator: ", "),
      outputShape: "\(spec.outputShape)", width: spec.outputShape.reduce(1, *), outputBuffer: layer.outputBuffer,
      zBuffer: layer.zBuffer, parameterCount: spec.parameterCount,
      weightList: spec.weights.isEmpty ? "—" : spec.weights.map { "\(spec.name)/\($0.name) \($0.shape)" }.joined(separator: ", "),
      backwardActivation: layer.backwardActivation?.swiftLiteral,
      readsInput: layer.backwardReadsInput, writesInputGradient: layer.backwardWritesInputGradient)
    if let window = spec.window {
      c.window = window.swiftLiteral
      let dilation = window.isDilated ? ", dilation \(window.dilationY)×\(window.dilationX)" : ""
      c.windowDescription = "\(window.kernelHeight)×\(window.kernelWidth) window, stride \(window.strideY)×\(window.strideX), "
        + "padding top \(window.padTop) left \(window.padLeft)" + dilation
    }
    func view(_ name: String) -> String? { spec.weights.contains { $0.name == name } ? layer.weightView(name) : nil }
    switch spec.declaration.kind {
    case .bidirectional(_, let merge):
      c.bidirectional = BidirectionalContext(
        layer, merge: merge, forward: layerContext(layer.directions[0], index: -1),
        backward: layerContext(layer.directions[1], index: -1))
    case .dense(let units, let activation, _, _, _):
      let bias = view("bias")
      c.dense = DenseContext(
        units: units, inputs: spec.inputShape[0], activation: activation.swiftLiteral, activationName: activation.kerasName,
        kernel: layer.weightView("kernel"), gradientOf: layer.backwardActivation == nil ? "(x·kernel + bias)" : "its output",
        useBias: bias != nil, bias: bias, biasPointer: SwiftExpression.values(bias), biasGradientPointer: SwiftExpression.gradient(bias))
    case .dropout(let rate):
      c.dropout = DropoutContext(rate: SwiftExpression.float(rate), maskBuffer: layer.maskBuffer!)
    case .activation(let activation, _):
      c.activationLayer = ActivationContext(activation: activation.swiftLiteral, activationName: activation.kerasName)
    case .flatten:
      c.flatten = true
    case .reshape:
      c.reshape = true
    case .conv2D(let filters, _, _, _, let activation, _, _, _, _):
      let bias = view("bias"), pool = layer.fusedPool
      c.conv2D = Conv2DContext(
        filters: filters, activation: activation.swiftLiteral, activationName: activation.kerasName,
        kernel: layer.weightView("kernel"), kernelShape: "\(spec.weights[0].shape)",
        useBias: bias != nil, bias: bias, biasPointer: SwiftExpression.values(bias), biasGradientPointer: SwiftExpression.gradient(bias),
        chunk: layer.chunk, method: convolutionMethod(spec.window!, filters: filters, layer), winograd: layer.winograd,
        winogradTile: layer.winogradTile ?? 0, scratchCount: layer.scratchCount,
        fusedPool: pool != nil, poolWindow: pool?.swiftLiteral, argmaxBuffer: layer.argmaxBuffer,
        pooledDescription: pool.map { "\($0.outputHeight), \($0.outputWidth), \($0.channels)" },
        poolSize: pool.map { "\($0.kernelHeight)×\($0.kernelWidth)" }, pixels: spec.window!.outputPixels,
        gradientOf: layer.backwardActivation == nil ? "(conv + bias)" : "its output")
    case .pooling2D where layer.fusedIntoPrevious:
      c.fusedPooling2D = true
    case .pooling2D(let kind, _, _, _):
      c.pooling2D = Pooling2DContext(poolName: kind == .max ? "max" : "average", isMax: kind == .max, poolsRelu: layer.poolsRelu)
    case .globalPooling2D(let kind):
      c.globalPooling2D = GlobalPooling2DContext(
        poolName: kind == .max ? "max" : "average", isMax: kind == .max, pixels: spec.inputShape.dropLast().reduce(1, *),
        channels: spec.inputShape.last!, maskArgument: layer.stepMask.map { ", mask: \($0)" } ?? "")
    case .simpleRNN(let units, let returnSequences, _):
      c.recurrent = recurrentContext(layer, units: units, returnSequences: returnSequences)
      c.recurrent!.simpleRNN = true
    case .gru(let units, let returnSequences, _):
      c.recurrent = recurrentContext(layer, units: units, returnSequences: returnSequences)
      c.recurrent!.gru = GRUContext(
        recurrentBuffer: layer.cellsBuffer!, resetBefore: layer.resetHiddenBuffer != nil, resetHiddenBuffer: layer.resetHiddenBuffer,
        resetGradientBuffer: layer.resetHiddenBuffer == nil ? nil : layer.cellGradientBuffer!)
    case .lstm(let units, let returnSequences, _):
      c.recurrent = recurrentContext(layer, units: units, returnSequences: returnSequences)
      c.recurrent!.lstm = LSTMContext(cellsBuffer: layer.cellsBuffer!, cellGradientBuffer: layer.cellGradientBuffer!)
    case .masking(let value):
      c.masking = MaskingContext(
        steps: spec.inputShape[0], features: spec.inputShape[1], maskValue: SwiftExpression.float(value), stepMask: layer.stepMask!)
    case .embedding(let inputDim, let outputDim, _, _):
      c.embedding = EmbeddingContext(
        inputDim: inputDim, outputDim: outputDim, steps: spec.inputShape[0], table: layer.weightView("embeddings"), stepMask: layer.stepMask)
    case .batchNormalization(let momentum, let epsilon, _, _, _):
      let channels = spec.outputShape.last!
      c.batchNormalization = BatchNormalizationContext(
        frozenByDeclaration: !spec.declaration.options.trainable, channels: channels,
        rowsPerSample: spec.outputShape.reduce(1, *) / channels, momentum: SwiftExpression.float(momentum),
        epsilon: SwiftExpression.float(epsilon), normalizedBuffer: layer.normalizedBuffer!, inverseStdBuffer: layer.inverseStdBuffer!,
        gammaPointer: SwiftExpression.values(view("gamma")), betaPointer: SwiftExpression.values(view("beta")),
        dGammaPointer: SwiftExpression.gradient(view("gamma")), dBetaPointer: SwiftExpression.gradient(view("beta")),
        movingMeanPointer: SwiftExpression.values(view("moving_mean")),
        movingVariancePointer: SwiftExpression.values(view("moving_variance")))
    }
    return c
  }

  /// A recurrent layer's context: shapes, weight views, state buffers, and how the output relates to the hidden
  /// states (all of them, or the last step's).
  private func recurrentContext(_ layer: LayerPlan, units: Int, returnSequences: Bool) -> RecurrentContext {
    let spec = layer.spec
    let settings = spec.declaration.recurrent!
    var c = RecurrentContext(
      units: units, steps: spec.inputShape[0], features: spec.inputShape[1], kernel: layer.weightView("kernel"),
      recurrentKernel: layer.weightView("recurrent_kernel"), bias: layer.weightView("bias"), gatesBuffer: layer.gatesBuffer ?? "",
      hiddenBuffer: layer.hiddenBuffer!, hiddenGradientBuffer: layer.hiddenGradientBuffer!, returnSequences: returnSequences,
      stepWidth: spec.inputShape[0] * units, lastOffset: (spec.inputShape[0] - 1) * units,
      goBackwards: layer.reversedBuffer != nil, reversedBuffer: layer.reversedBuffer,
      sequenceInput: layer.reversedBuffer ?? "x", backwardInput: layer.reversedBuffer ?? layer.droppedBuffer ?? "x",
      dropout: layer.droppedBuffer != nil, droppedBuffer: layer.droppedBuffer,
      gateDropout: layer.inputDropoutScratch != nil, recurrentDropout: !layer.recurrentDropoutBuffers.isEmpty,
      trainingForward: settings.usesRandom, trainingInput: layer.droppedBuffer ?? "x",
      optionArguments: SwiftExpression.recurrentOptions(
        activation: settings.activation, recurrentActivation: settings.recurrentActivation, mask: layer.stepMask))
    if c.dropout || c.gateDropout {
      c.dropoutRate = SwiftExpression.float(settings.inputDropout)
      c.maskBuffer = layer.maskBuffer!
    }
    if let scratch = layer.inputDropoutScratch {
      c.gateInputWidth = spec.weights[1].shape[1] / units * spec.inputShape[1]
      c.inputDropoutBuffers = SwiftExpression.inputDropoutBuffers(masks: layer.maskBuffer!, scratch: scratch)
    }
    if c.recurrentDropout {
      let names = layer.recurrentDropoutBuffers
      c.recurrentDropoutRate = SwiftExpression.float(settings.recurrentDropout)
      c.recurrentMaskBuffer = names[0]
      c.gateWidth = spec.weights[1].shape[1]
      c.recurrentDropoutBuffers = SwiftExpression.recurrentDropoutBuffers(masks: names[0], saved: names[1], scratch: names[2])
    }
    if let source = layer.unreversedMask {
      c.reversedMask = layer.stepMask!
      c.unreversedMask = source
    }
    return c
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

// MARK: - Descriptions

extension LayerDeclaration {
  /// How the layer reads in the builder, e.g. `Dense(12, relu)`.
  var swiftDescription: String {
    switch kind {
    case .bidirectional(let wrapped, let merge): return "Bidirectional(\(wrapped.swiftDescription), \(merge.rawValue))"
    case .dense(let units, let activation, let useBias, _, _):
      return "Dense(\(units), \(activation.kerasName)\(useBias ? "" : ", no bias"))"
    case .activation(let activation, _): return "Activation(\(activation.kerasName))"
    case .dropout(let rate): return "Dropout(\(rate))"
    case .masking(let value): return "Masking(mask_value=\(value))"
    case .flatten: return "Flatten()"
    case .conv2D(let filters, let size, let strides, let padding, let activation, let useBias, _, _, let dilationRate) where oneDimensional:
      let dilation = dilationRate.width == 1 ? "" : ", dilation \(dilationRate.width)"
      return "Conv1D(\(filters), \(size.width), strides \(strides.width), \(padding.rawValue)\(dilation), \(activation.kerasName)\(useBias ? "" : ", no bias"))"
    case .conv2D(let filters, let size, let strides, let padding, let activation, let useBias, _, _, let dilationRate):
      let dilation = dilationRate == 1 ? "" : ", dilation \(dilationRate)"
      return "Conv2D(\(filters), \(size), strides \(strides), \(padding.rawValue)\(dilation), \(activation.kerasName)\(useBias ? "" : ", no bias"))"
    case .pooling2D(let kind, let size, let strides, let padding) where oneDimensional:
      return "\(kind == .max ? "Max" : "Average")Pooling1D(\(size.width), strides \(strides.width), \(padding.rawValue))"
    case .pooling2D(let kind, let size, let strides, let padding):
      return "\(kind == .max ? "Max" : "Average")Pooling2D(\(size), strides \(strides), \(padding.rawValue))"
    case .globalPooling2D(let kind): return "Global\(kind == .max ? "Max" : "Average")Pooling\(oneDimensional ? 1 : 2)D()"
    case .embedding(let inputDim, let outputDim, _, let maskZero):
      return "Embedding(\(inputDim), \(outputDim)\(maskZero ? ", mask_zero=True" : ""))"
    case .lstm(let units, let returnSequences, _): return "LSTM(\(units)\(returnSequences ? ", return sequences" : ""))"
    case .simpleRNN(let units, let returnSequences, _): return "SimpleRNN(\(units)\(returnSequences ? ", return sequences" : ""))"
    case .gru(let units, let returnSequences, let r):
      return "GRU(\(units)\(returnSequences ? ", return sequences" : "")\(r.resetAfter ? "" : ", reset_after=False"))"
    case .batchNormalization(let momentum, let epsilon, let center, let scale, _):
      return "BatchNormalization(momentum \(momentum), epsilon \(epsilon)\(center ? "" : ", no beta")\(scale ? "" : ", no gamma"))"
    case .reshape(let target): return "Reshape(\(target))"
    }
  }
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
