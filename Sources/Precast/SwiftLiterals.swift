// SwiftLiterals.swift: every piece of Swift the compiler prints that is not in a template — the one place that knows
// how a value, a view or a statement is spelled in Swift. The plan holds values (shapes, buffer names, kernels); the
// template contexts pass them through here; the templates place the text.

// MARK: - Values of the runtime's types

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

extension Initializer {
  /// The Swift expression (`.randomNormal(mean: 0.0, stddev: 0.05)`).
  var swiftLiteral: String {
    switch self {
    case .constant(let v): ".constant(\(v))"
    case .randomNormal(let mean, let stddev): ".randomNormal(mean: \(mean), stddev: \(stddev))"
    case .randomUniform(let low, let high): ".randomUniform(minval: \(low), maxval: \(high))"
    case .truncatedNormal(let mean, let stddev): ".truncatedNormal(mean: \(mean), stddev: \(stddev))"
    case .orthogonal(let gain): ".orthogonal(gain: \(gain))"
    default: ".\(self)"
    }
  }
}

extension Regularizer {
  /// The Swift expression (`.l2(0.01)`).
  var swiftLiteral: String {
    switch (l1, l2) {
    case (_, 0) where l1 != 0: ".l1(\(l1))"
    case (0, _) where l2 != 0: ".l2(\(l2))"
    default: ".l1l2(l1: \(l1), l2: \(l2))"
    }
  }
}

extension Constraint {
  /// The Swift expression (`.maxNorm(maxValue: 3.0, axes: [0])`).
  var swiftLiteral: String {
    switch self {
    case .maxNorm(let maxValue, let axes): ".maxNorm(maxValue: \(maxValue), axes: \(axes))"
    case .nonNeg: ".nonNeg"
    case .unitNorm(let axes): ".unitNorm(axes: \(axes))"
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

extension Window2D {
  /// `Window2D(…)`, the geometry of a convolution or pooling window (dilation only when the kernel is dilated).
  var swiftLiteral: String {
    let dilation = isDilated ? ", dilationY: \(dilationY), dilationX: \(dilationX)" : ""
    return "Window2D(inputHeight: \(inputHeight), inputWidth: \(inputWidth), channels: \(channels), "
      + "kernelHeight: \(kernelHeight), kernelWidth: \(kernelWidth), strideY: \(strideY), strideX: \(strideX), "
      + "padTop: \(padTop), padLeft: \(padLeft), outputHeight: \(outputHeight), outputWidth: \(outputWidth)"
      + dilation + ")"
  }
}

extension GemmLayerPlan {
  /// `GemmLayer(…)` (the runtime's description for `--benchmark`).
  var swiftLiteral: String {
    "GemmLayer(name: \"\(name)\", isConvolution: \(isConvolution), rowsPerSample: \(rowsPerSample), inputs: \(inputs), "
      + "outputs: \(outputs), chunk: \(chunk), inputGradient: \(inputGradient)"
      + (recurrentUnits.map { ", recurrentUnits: \($0))" } ?? ")")
  }
}

extension LossCallPlan {
  /// The call of the loss kernel on the batch: `sigmoidBinaryCrossentropy(logits: …, rows: n, cols: 1, grad: gradientA)`.
  var swiftLiteral: String {
    let loss = elementwise.map { ".\($0), " } ?? ""
    let buffers = self.buffers.map { "\($0.label): \($0.buffer)" }.joined(separator: ", ")
    return "\(kernel)(\(loss)\(buffers), rows: n, cols: \(columns), grad: gradientA" + (weighted ? ", weights: sampleWeights)" : ")")
  }
}

// MARK: - Expressions of generated code

/// Swift expressions over a generated model's views and buffers.
enum SwiftExpression {
  /// `name` as an enum case of generated code: `name` itself unless Swift reserves it (a layer named `in` or
  /// `default`) or an `Int` enum has a member of that name, then `name` + "Layer".
  static func caseName(_ name: String) -> String {
    reservedNames.contains(name) ? name + "Layer" : name
  }

  /// Swift's keywords and the members every `enum …: Int` has.
  static let reservedNames: Set<String> = [
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout", "internal",
    "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static", "struct",
    "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough",
    "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as", "await", "false",
    "is", "nil", "self", "Self", "super", "throws", "true", "try", "Type", "Protocol", "rawValue", "hashValue", "hash",
    "some", "any", "async", "actor", "consume", "borrowing", "consuming", "copy", "discard", "each", "macro",
    "package",
  ]

  /// A float hyper-parameter as the kernels take it (`Float`'s shortest spelling: 0.1, not 0.1000000001).
  static func float(_ value: Double) -> String { "\(Float(value))" }

  /// A weight's values (`dense1Bias.values`), or nil when the layer has no such weight.
  static func values(_ view: String?) -> String { view.map { "\($0).values" } ?? "nil" }

  /// A weight's gradient (`dense1Bias.gradient`), or nil when the layer has no such weight.
  static func gradient(_ view: String?) -> String { view.map { "\($0).gradient" } ?? "nil" }

  /// The recurrent kernels' optional arguments: Keras's defaults (tanh, sigmoid, no mask) are the kernels' defaults
  /// too, so only other activations and a step mask are spelled out (`, activation: .relu, mask: embeddingMask`).
  static func recurrentOptions(activation: ActivationFunction, recurrentActivation: ActivationFunction, mask: String?) -> String {
    var arguments = ""
    if activation != .tanh { arguments += ", activation: \(activation.swiftLiteral)" }
    if recurrentActivation != .sigmoid { arguments += ", recurrentActivation: \(recurrentActivation.swiftLiteral)" }
    if let mask { arguments += ", mask: \(mask)" }
    return arguments
  }

  /// `RecurrentDropoutBuffers(…)` of a recurrent layer with recurrent_dropout.
  static func recurrentDropoutBuffers(masks: String, saved: String, scratch: String) -> String {
    "RecurrentDropoutBuffers(masks: \(masks), saved: \(saved), scratch: \(scratch))"
  }

  /// `InputDropoutBuffers(…)` of an LSTM/GRU with dropout on each gate's input.
  static func inputDropoutBuffers(masks: String, scratch: String) -> String {
    "InputDropoutBuffers(masks: \(masks), scratch: \(scratch))"
  }
}

// MARK: - Statements of the inspection passes

/// The statements of `inspectForward`/`inspectBackward` (`Inspection.swift` sequences them per layer).
enum SwiftStatement {
  /// ∂/∂(pre-activation) in place: `PrecastKernels.activationBackward(…)`.
  static func activationBackward(_ dy: String, output: String, preactivation: String, rows: String, cols: Int, _ activation: ActivationFunction) -> String {
    "PrecastKernels.activationBackward(\(dy), output: \(output), preactivation: \(preactivation), rows: \(rows), cols: \(cols), \(activation.swiftLiteral))"
  }

  /// A call of a layer's generated backward with the arguments it takes.
  static func backward(_ fn: String, _ dy: String, input: String?, dx: String?) -> String {
    "\(fn)Backward(\(dy)" + (input.map { ", \($0)" } ?? "") + ", count: n" + (dx.map { ", dx: \($0))" } ?? ")")
  }

  /// A call of a layer's generated inference forward.
  static func forward(_ fn: String, _ x: String) -> String { "\(fn)Forward(\(x), count: n)" }

  /// The im2col convolution backward with an input gradient, one image per GEMM (three lines).
  static func conv2DBackward(_ dy: String, input: String, fn: String, filters: Int, kernel: String, bias: String?, dx: String) -> [String] {
    [
      "PrecastKernels.conv2DBackward(",
      "  \(dy), input: \(input), count: n, Self.\(fn)Window, filters: \(filters), kernel: \(SwiftExpression.values(kernel)),",
      "  dKernel: \(SwiftExpression.gradient(kernel)), dBias: \(SwiftExpression.gradient(bias)), dx: \(dx), columns: columns, chunk: 1)",
    ]
  }

  /// The unfused forward of a Conv2D + MaxPooling2D pair, keeping the convolution's maps in `convOutput` (four lines).
  static func unfusedConv2DMaxPool(fn: String, filters: Int, kernel: String, bias: String?, _ activation: ActivationFunction, output: String) -> [String] {
    [
      "PrecastKernels.conv2DForward(",
      "  x, count: n, Self.\(fn)Window, filters: \(filters), kernel: \(SwiftExpression.values(kernel)), bias: \(SwiftExpression.values(bias)),",
      "  \(activation.swiftLiteral), columns: columns, chunk: 1, preactivation: convOutput, output: convOutput)",
      "PrecastKernels.maxPool2DForward(convOutput, count: n, Self.\(fn)PoolWindow, output: \(output))",
    ]
  }

  /// Max pooling's backward: the gradient to each window's winning input.
  static func maxPoolBackward(_ dy: String, input: String, output: String, window: String, dx: String) -> String {
    "PrecastKernels.maxPool2DBackward(\(dy), input: \(input), output: \(output), count: n, Self.\(window), dx: \(dx))"
  }

  /// Average pooling's backward: the gradient spread over each window.
  static func averagePoolBackward(_ dy: String, window: String, dx: String) -> String {
    "PrecastKernels.averagePool2DBackward(\(dy), count: n, Self.\(window), dx: \(dx))"
  }
}
