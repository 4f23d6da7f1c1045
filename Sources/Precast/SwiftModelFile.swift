// SwiftModelFile.swift: a `Model` as the Swift model file a user would have written (`precast import` writes it):
// one builder call per layer with only the arguments that differ from the builder's (Keras's) defaults.

extension Model {
  /// The model file: `let model = Sequential(name:input:) { … }.compile(…)`, readable and editable; `precast generate`
  /// of it gives the same package. `header` lines become comments at the top.
  public func swiftModelFile(header: [String]) throws(SpecError) -> String {
    // Names are written only where they differ from the ones the builder gives (Keras's: dense, dense_1, …).
    var unnamed = self
    unnamed.sequential.layers = sequential.layers.map { layer in
      var d = layer.declaration
      d.name = nil
      return ImportedLayer(declaration: d)
    }
    let automatic = try ModelSpec(unnamed).layers.map(\.name)
    var lines = header.map { "// " + $0 }
    lines.append("import Precast")
    lines.append("")
    lines.append("let model = Sequential(name: \(quoted(name)), input: \(sequential.input)) {")
    for (layer, automaticName) in zip(sequential.layers, automatic) {
      let d = layer.declaration
      lines.append("  " + d.swiftCall(name: d.name == automaticName ? nil : d.name))
    }
    var compile = "}.compile(loss: .\(loss)"
    if fromLogits { compile += ", fromLogits: true" }
    compile += ", optimizer: \(optimizer.swiftCall)"
    if !metrics.isEmpty { compile += ", metrics: [" + metrics.map { ".\($0)" }.joined(separator: ", ") + "]" }
    lines.append(compile + ")")
    return lines.joined(separator: "\n") + "\n"
  }
}

private func quoted(_ s: String) -> String { JSON.string(s).rendered }

private func sizeLiteral(_ s: Size2D) -> String { s.height == s.width ? "\(s.width)" : "[\(s.height), \(s.width)]" }

extension LayerDeclaration {
  /// The builder call that declares this layer, e.g. `Dense(12, activation: .relu)`.
  func swiftCall(name: String?) -> String {
    let o = options
    var arguments: [String] = []
    func add(_ label: String?, _ value: String) { arguments.append(label.map { "\($0): \(value)" } ?? value) }
    func weighted(useBias: Bool, kernel: Initializer, bias: Initializer, activation: ActivationFunction) {
      if activation != .linear { add("activation", activation.swiftLiteral) }
      if !useBias { add("useBias", "false") }
      if kernel != .glorotUniform { add("kernelInitializer", kernel.swiftLiteral) }
      if bias != .zeros { add("biasInitializer", bias.swiftLiteral) }
      if let r = o.kernelRegularizer { add("kernelRegularizer", r.swiftLiteral) }
      if let r = o.biasRegularizer { add("biasRegularizer", r.swiftLiteral) }
      if let r = o.activityRegularizer { add("activityRegularizer", r.swiftLiteral) }
      if let c = o.kernelConstraint { add("kernelConstraint", c.swiftLiteral) }
      if let c = o.biasConstraint { add("biasConstraint", c.swiftLiteral) }
    }
    func recurrent(_ units: Int, returnSequences: Bool, _ r: RecurrentSettings, gates: Bool) {
      add(nil, "\(units)")
      if r.activation != .tanh { add("activation", r.activation.swiftLiteral) }
      if gates && r.recurrentActivation != .sigmoid { add("recurrentActivation", r.recurrentActivation.swiftLiteral) }
      if r.inputDropout != 0 { add("dropout", "\(r.inputDropout)") }
      if r.recurrentDropout != 0 { add("recurrentDropout", "\(r.recurrentDropout)") }
      if returnSequences { add("returnSequences", "true") }
      if r.goBackwards { add("goBackwards", "true") }
    }
    let call: String
    switch kind {
    case .bidirectional(var wrapped, let merge):
      // The builder's Bidirectional has no trainable argument: a frozen wrapper freezes the wrapped layer.
      wrapped.options.trainable = wrapped.options.trainable && o.trainable
      var outer = [wrapped.swiftCall(name: nil)]
      if merge != .concat { outer.append("mergeMode: .\(merge)") }
      if let name { outer.append("name: \(quoted(name))") }
      return "Bidirectional(" + outer.joined(separator: ", ") + ")"
    case .dense(let units, let activation, let useBias, let kernel, let bias):
      call = "Dense"
      add(nil, "\(units)")
      weighted(useBias: useBias, kernel: kernel, bias: bias, activation: activation)
    case .activation(let f, let layerClass):
      switch (layerClass, f) {
      case (.leakyReLU?, .leakyRelu(let slope)):
        call = "LeakyReLU"
        if slope != 0.3 { add("negativeSlope", "\(slope)") }
      case (.elu?, .elu(let alpha)):
        call = "ELU"
        if alpha != 1 { add("alpha", "\(alpha)") }
      case (.relu?, _): call = "ReLU"
      case (.softmax?, _): call = "Softmax"
      default:
        call = "Activation"
        add(nil, f.swiftLiteral)
      }
    case .dropout(let rate):
      call = "Dropout"
      add(nil, "\(rate)")
    case .flatten:
      call = "Flatten"
    case .conv2D(let filters, let size, let strides, let padding, let activation, let useBias, let kernel, let bias, let dilation):
      call = oneDimensional ? "Conv1D" : "Conv2D"
      add(nil, "\(filters)")
      add(nil, oneDimensional ? "\(size.width)" : sizeLiteral(size))
      if strides != 1 { add("strides", oneDimensional ? "\(strides.width)" : sizeLiteral(strides)) }
      if padding != .valid { add("padding", ".\(padding)") }
      if dilation != 1 { add("dilationRate", oneDimensional ? "\(dilation.width)" : sizeLiteral(dilation)) }
      weighted(useBias: useBias, kernel: kernel, bias: bias, activation: activation)
    case .pooling2D(let pooling, let size, let strides, let padding):
      call = (pooling == .max ? "MaxPooling" : "AveragePooling") + (oneDimensional ? "1D" : "2D")
      add(nil, oneDimensional ? "\(size.width)" : sizeLiteral(size))
      if strides != size { add("strides", oneDimensional ? "\(strides.width)" : sizeLiteral(strides)) }
      if padding != .valid { add("padding", ".\(padding)") }
    case .globalPooling2D(let pooling):
      call = (pooling == .max ? "GlobalMaxPooling" : "GlobalAveragePooling") + (oneDimensional ? "1D" : "2D")
    case .batchNormalization(let momentum, let epsilon, let center, let scale, _):
      call = "BatchNormalization"
      if momentum != 0.99 { add("momentum", "\(momentum)") }
      if epsilon != 0.001 { add("epsilon", "\(epsilon)") }
      if !center { add("center", "false") }
      if !scale { add("scale", "false") }
    case .reshape(let target):
      call = "Reshape"
      add(nil, "\(target)")
    case .embedding(let inputDim, let outputDim, let initializer, let maskZero):
      call = "Embedding"
      add(nil, "\(inputDim)")
      add(nil, "\(outputDim)")
      if initializer != .uniform { add("embeddingsInitializer", initializer.swiftLiteral) }
      if maskZero { add("maskZero", "true") }
    case .masking(let value):
      call = "Masking"
      if value != 0 { add("maskValue", "\(value)") }
    case .lstm(let units, let returnSequences, let r):
      call = "LSTM"
      recurrent(units, returnSequences: returnSequences, r, gates: true)
    case .gru(let units, let returnSequences, let r):
      call = "GRU"
      recurrent(units, returnSequences: returnSequences, r, gates: true)
      if !r.resetAfter { add("resetAfter", "false") }
    case .simpleRNN(let units, let returnSequences, let r):
      call = "SimpleRNN"
      recurrent(units, returnSequences: returnSequences, r, gates: false)
    }
    if !o.trainable { add("trainable", "false") }
    if let name { add("name", quoted(name)) }
    return call + "(" + arguments.joined(separator: ", ") + ")"
  }
}

extension OptimizerConfig {
  /// The builder call with only the hyper-parameters that differ from Keras's defaults (`.adam()`,
  /// `.sgd(learningRate: 0.1, momentum: 0.9)`).
  var swiftCall: String {
    var arguments: [String] = []
    func add(_ label: String, _ value: Float, _ keras: Float) { if value != keras { arguments.append("\(label): \(value)") } }
    let name: String
    switch rule {
    case .sgd(let momentum, let nesterov):
      name = "sgd"
      add("learningRate", learningRate, 0.01)
      add("momentum", momentum, 0)
      if nesterov { arguments.append("nesterov: true") }
    case .adam(let b1, let b2, let eps, let amsgrad):
      name = "adam"
      add("learningRate", learningRate, 0.001)
      add("beta1", b1, 0.9)
      add("beta2", b2, 0.999)
      add("epsilon", eps, 1e-7)
      if amsgrad { arguments.append("amsgrad: true") }
    case .rmsprop(let rho, let momentum, let eps, let centered):
      name = "rmsprop"
      add("learningRate", learningRate, 0.001)
      add("rho", rho, 0.9)
      add("momentum", momentum, 0)
      add("epsilon", eps, 1e-7)
      if centered { arguments.append("centered: true") }
    case .adagrad(let initial, let eps):
      name = "adagrad"
      add("learningRate", learningRate, 0.001)
      add("initialAccumulator", initial, 0.1)
      add("epsilon", eps, 1e-7)
    case .adadelta(let rho, let eps):
      name = "adadelta"
      add("learningRate", learningRate, 0.001)
      add("rho", rho, 0.95)
      add("epsilon", eps, 1e-7)
    case .adamax(let b1, let b2, let eps), .nadam(let b1, let b2, let eps):
      if case .adamax = rule { name = "adamax" } else { name = "nadam" }
      add("learningRate", learningRate, 0.001)
      add("beta1", b1, 0.9)
      add("beta2", b2, 0.999)
      add("epsilon", eps, 1e-7)
    }
    add("decay", decay, 0)
    if let clipNorm { arguments.append("clipNorm: \(clipNorm)") }
    if let clipValue { arguments.append("clipValue: \(clipValue)") }
    if let globalClipNorm { arguments.append("globalClipNorm: \(globalClipNorm)") }
    return ".\(name)(" + arguments.joined(separator: ", ") + ")"
  }
}
