// Examples.swift: the built-in examples — the Keras tutorials' models, written with the builder.

import Precast

/// The models `precast list` shows and `precast generate NAME` renders.
public enum Examples {
  public static let all: [Model] = [
    pima, fashionMLP, boston, fashionCNN, fashionDeepCNN, fashionDeepCNNBatchNorm, cifarCNN, temperatureGRU, temperatureGRUDropout, imdbMLP, textLSTM,
    textGRU, textBidirectional, textConv1D, catsVsDogs,
  ]

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

  /// The Keras MNIST CNN, trained on Fashion-MNIST: conv 3×3×32 → max-pool → 128 → 10.
  public static let fashionCNN = Sequential(name: "fashion-cnn", input: [28, 28, 1]) {
    Conv2D(32, 3, activation: .relu)
    MaxPooling2D(2)
    Flatten()
    Dense(128, activation: .relu)
    Dense(10, activation: .softmax)
  }
  .compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy])
  .fit(epochs: 3, batchSize: 128)
  .described("Fashion-MNIST CNN (the Keras MNIST convnet tutorial), 10 classes")

  /// The small-data vision tutorial's convnet (cats vs dogs, 2,000 pictures of 150×150): four Conv2D/MaxPooling2D
  /// blocks, dropout, Dense(512), one sigmoid unit; RMSprop(1e-4). Train it on an image folder with augmentation.
  public static let catsVsDogs = Sequential(name: "cats-vs-dogs", input: [150, 150, 3]) {
    Conv2D(32, 3, activation: .relu)
    MaxPooling2D(2)
    Conv2D(64, 3, activation: .relu)
    MaxPooling2D(2)
    Conv2D(128, 3, activation: .relu)
    MaxPooling2D(2)
    Conv2D(128, 3, activation: .relu)
    MaxPooling2D(2)
    Flatten()
    Dropout(0.5)
    Dense(512, activation: .relu)
    Dense(1, activation: .sigmoid)
  }
  .compile(loss: .binaryCrossentropy, optimizer: .rmsprop(learningRate: 1e-4), metrics: [.accuracy])
  .fit(epochs: 100, batchSize: 32, validationSplit: 0)
  .described("Cats vs dogs (the small-data vision tutorial's convnet, 150×150×3, sigmoid) on an image folder; `precast dataset pictures` writes one")

  /// The tutorials' "conv-conv-pool, then dropout" blocks, twice, then Dense(512).
  public static let fashionDeepCNN = Sequential(name: "fashion-deep-cnn", input: [28, 28, 1]) {
    for filters in [32, 64] {
      Conv2D(filters, 3, padding: .same, activation: .relu)
      Conv2D(filters, 3, padding: .same, activation: .relu)
      MaxPooling2D(2)
      Dropout(0.25)
    }
    Flatten()
    Dense(512, activation: .relu)
    Dropout(0.5)
    Dense(10, activation: .softmax)
  }
  .compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy])
  .fit(epochs: 10, batchSize: 128)
  .described("Fashion-MNIST deep CNN: [conv-conv-pool-dropout] ×2 → 512 → 10")

  /// The deep CNN with BatchNormalization after every convolution (activation moved after it).
  public static let fashionDeepCNNBatchNorm = Sequential(name: "fashion-deep-cnn-bn", input: [28, 28, 1]) {
    for filters in [32, 64] {
      Conv2D(filters, 3, padding: .same)
      BatchNormalization()
      Activation(.relu)
      Conv2D(filters, 3, padding: .same)
      BatchNormalization()
      Activation(.relu)
      MaxPooling2D(2)
      Dropout(0.25)
    }
    Flatten()
    Dense(512, activation: .relu)
    Dropout(0.5)
    Dense(10, activation: .softmax)
  }
  .compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy])
  .fit(epochs: 10, batchSize: 128)
  .described("Fashion-MNIST deep CNN with BatchNormalization after each convolution")

  /// The forecasting tutorial's GRU on a real monthly series: 24 months of Nottingham temperatures → next month.
  public static let temperatureGRU = Sequential(name: "temperature-gru", input: [24, 1]) {
    GRU(32)
    Dense(1)
  }
  .compile(loss: .meanAbsoluteError, optimizer: .rmsprop(), metrics: [.meanAbsoluteError])
  .fit(epochs: 40, batchSize: 16, validationSplit: 0.2)
  .described("Monthly temperature forecasting with a GRU (Examples/data/nottingham-temperature.csv; train with --series-windows --standardize)")

  /// The forecasting tutorial's regularised GRU: dropout on the inputs and on the recurrent state (0.2 each).
  public static let temperatureGRUDropout = Sequential(name: "temperature-gru-dropout", input: [24, 1]) {
    GRU(32, dropout: 0.2, recurrentDropout: 0.2)
    Dense(1)
  }
  .compile(loss: .meanAbsoluteError, optimizer: .rmsprop(), metrics: [.meanAbsoluteError])
  .fit(epochs: 200, batchSize: 16, validationSplit: 0.2)  // regularised: trains longer, as the tutorial's does
  .described("temperature-gru with dropout=0.2, recurrent_dropout=0.2 (train with --series-windows --standardize)")

  /// The IMDB tutorial's first model: multi-hot reviews (10,000 words) → 16 → 16 → 1.
  public static let imdbMLP = Sequential(name: "imdb-mlp", input: [10_000]) {
    Dense(16, activation: .relu)
    Dense(16, activation: .relu)
    Dense(1, activation: .sigmoid)
  }
  .compile(loss: .binaryCrossentropy, optimizer: .rmsprop(), metrics: [.accuracy])
  .fit(epochs: 4, batchSize: 512)
  .described("Review sentiment from a bag of words (`precast dataset reviews`; train with --sequences multi-hot)")

  /// The text chapter's LSTM: word indices padded to 100 → Embedding(10000, 32) → LSTM(32) → 1.
  public static let textLSTM = Sequential(name: "text-lstm", input: [100]) {
    Embedding(10_000, 32)
    LSTM(32)
    Dense(1, activation: .sigmoid)
  }
  .compile(loss: .binaryCrossentropy, optimizer: .rmsprop(), metrics: [.accuracy])
  .fit(epochs: 10, batchSize: 128, validationSplit: 0.2)
  .described("Review sentiment with an LSTM (`precast dataset reviews`; train with --sequences pad)")

  /// text-lstm with a GRU(32) in place of the LSTM (the benchmark's second recurrent model).
  public static let textGRU = Sequential(name: "text-gru", input: [100]) {
    Embedding(10_000, 32)
    GRU(32)
    Dense(1, activation: .sigmoid)
  }
  .compile(loss: .binaryCrossentropy, optimizer: .rmsprop(), metrics: [.accuracy])
  .fit(epochs: 10, batchSize: 128, validationSplit: 0.2)
  .described("Review sentiment with a GRU (`precast dataset reviews`; train with --sequences pad)")

  /// The text chapter's bidirectional LSTM: Embedding(10000, 32) → Bidirectional(LSTM(32)) → 1.
  public static let textBidirectional = Sequential(name: "text-bidirectional", input: [100]) {
    Embedding(10_000, 32)
    Bidirectional(LSTM(32))
    Dense(1, activation: .sigmoid)
  }
  .compile(loss: .binaryCrossentropy, optimizer: .rmsprop(), metrics: [.accuracy])
  .fit(epochs: 10, batchSize: 128, validationSplit: 0.2)
  .described("Review sentiment with a bidirectional LSTM (`precast dataset reviews`; train with --sequences pad)")

  /// The text chapter's 1-D convnet: Embedding → Conv1D(32, 7) → MaxPooling1D(5) → Conv1D(32, 7) → global max → 1.
  public static let textConv1D = Sequential(name: "text-conv1d", input: [100]) {
    Embedding(10_000, 128)
    Conv1D(32, 7, activation: .relu)
    MaxPooling1D(5)
    Conv1D(32, 7, activation: .relu)
    GlobalMaxPooling1D()
    Dense(1, activation: .sigmoid)
  }
  .compile(loss: .binaryCrossentropy, optimizer: .rmsprop(), metrics: [.accuracy])
  .fit(epochs: 10, batchSize: 128, validationSplit: 0.2)
  .described("Review sentiment with a 1-D convnet (`precast dataset reviews`; train with --sequences pad)")

  /// The TensorFlow CNN tutorial's CIFAR-10 model: 32×32×3 → 3 convolutions → 64 → 10.
  public static let cifarCNN = Sequential(name: "cifar-cnn", input: [32, 32, 3]) {
    Conv2D(32, 3, activation: .relu)
    MaxPooling2D(2)
    Conv2D(64, 3, activation: .relu)
    MaxPooling2D(2)
    Conv2D(64, 3, activation: .relu)
    Flatten()
    Dense(64, activation: .relu)
    Dense(10, activation: .softmax)
  }
  .compile(loss: .sparseCategoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy])
  .fit(epochs: 10, batchSize: 64)
  .described("CIFAR-10 CNN (TensorFlow tutorial): train on CIFAR-10's data_batch_*.bin files")
}
