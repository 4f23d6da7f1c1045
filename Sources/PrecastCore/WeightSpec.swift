// WeightSpec.swift: the one description of a weight, shared by the compiler's spec and a generated model's runtime.

/// One weight of a layer: Keras's name, shape, initializer and fans, whether the optimizer trains it, its
/// regularizer and constraint. The compiler's `LayerSpec` lists them; a generated model's `WeightSlot`s place them in
/// its parameters; its Keras layer table (HDF5's `WeightInfo`: name and shape) is derived from them.
public struct WeightSpec: Sendable, Equatable {
  public var name: String
  public var shape: [Int]
  public var initializer: Initializer
  public var fanIn: Int
  public var fanOut: Int
  /// False for statistics the layer updates itself (BatchNormalization's moving mean and variance) and for
  /// the weights of a layer declared `trainable: false`: their gradient is always zero, so the optimizer leaves
  /// them unchanged.
  public var trainable: Bool
  /// Keras's kernel or bias regularizer: its penalty joins the loss, its gradient the weight's gradient.
  public var regularizer: Regularizer?
  /// Applied after every optimizer step.
  public var constraint: Constraint?
  /// Floats.
  public var count: Int { shape.reduce(1, *) }

  public init(
    name: String, shape: [Int], initializer: Initializer, fanIn: Int, fanOut: Int, trainable: Bool = true,
    regularizer: Regularizer? = nil, constraint: Constraint? = nil
  ) {
    self.name = name
    self.shape = shape
    self.initializer = initializer
    self.fanIn = fanIn
    self.fanOut = fanOut
    self.trainable = trainable
    self.regularizer = regularizer
    self.constraint = constraint
  }
}
