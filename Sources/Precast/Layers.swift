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
    case activation(ActivationFunction)
    case dropout(rate: Double)
    case flatten
  }
  public var kind: Kind
  public var name: String?

  /// Keras's class name ("Dense", "Dropout", …).
  public var className: String {
    switch kind {
    case .dense: return "Dense"
    case .activation: return "Activation"
    case .dropout: return "Dropout"
    case .flatten: return "Flatten"
    }
  }
}

/// `keras.layers.Dense`: y = activation(x·kernel + bias); kernel [inputs, units].
public struct Dense: Layer {
  public let declaration: LayerDeclaration
  public init(
    _ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros, name: String? = nil
  ) {
    declaration = LayerDeclaration(
      kind: .dense(units: units, activation: activation, useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer),
      name: name)
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

extension ActivationFunction {
  /// Keras's default negative slope for `leaky_relu`.
  public static var leakyRelu: ActivationFunction { .leakyRelu(alpha: 0.2) }
  /// Keras's default alpha for `elu`.
  public static var elu: ActivationFunction { .elu(alpha: 1) }
}
