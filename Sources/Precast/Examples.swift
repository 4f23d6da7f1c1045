// Examples.swift: the built-in examples — the Keras tutorials' models, written with the builder.

/// The models `precast list` shows and `precast generate NAME` renders.
public enum Examples {
  public static let all: [Model] = [pima, fashionMLP, boston]

  public static func named(_ name: String) -> Model? { all.first { $0.name == name } }

  /// "Your first neural network" (Pima Indians diabetes): 8 → 12 → 8 → 1.
  public static let pima = Sequential(name: "pima", input: [8]) {
    Dense(12, activation: .relu, kernelInitializer: .uniform)
    Dense(8, activation: .relu)
    Dense(1, activation: .sigmoid)
  }
  .compile(loss: .binaryCrossentropy, optimizer: .adam(), metrics: [.accuracy])
  .fit(epochs: 150, batchSize: 10)
  .described("Pima Indians diabetes, binary classification (Examples/data/pima-indians-diabetes.csv)")

  /// The Keras MNIST MLP, trained on Fashion-MNIST: 784 → 512 → 512 → 10 with dropout.
  public static let fashionMLP = Sequential(name: "fashion-mlp", input: [28, 28]) {
    Flatten()
    Dense(512, activation: .relu)
    Dropout(0.2)
    Dense(512, activation: .relu)
    Dropout(0.2)
    Dense(10, activation: .softmax)
  }
  .compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy])
  .fit(epochs: 5, batchSize: 128)
  .described("Fashion-MNIST MLP, 10 classes (Debian package dataset-fashion-mnist)")

  /// Boston housing regression: 13 → 13 → 6 → 1, standardized inputs.
  public static let boston = Sequential(name: "boston", input: [13]) {
    Dense(13, activation: .relu)
    Dense(6, activation: .relu)
    Dense(1)
  }
  .compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError])
  .fit(epochs: 100, batchSize: 5)
  .described("Boston housing prices, regression (Examples/data/boston-housing.csv; train with --standardize)")
}
