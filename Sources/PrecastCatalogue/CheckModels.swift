// CheckModels.swift: small models that together use every layer, activation and loss the generator emits;
// their generated code is compiled into the test suite for finite-difference gradient checks.

import Precast

public enum CheckModels {
  /// Every activation as a hidden Dense activation, regression output.
  public static let activations = Sequential(name: "check-activations", input: [5]) {
    Dense(6, activation: .linear)
    Dense(6, activation: .relu)
    Dense(6, activation: .sigmoid)
    Dense(6, activation: .tanh)
    Dense(6, activation: .softmax)
    Dense(6, activation: .leakyRelu)
    Dense(6, activation: .elu)
    Dense(6, activation: .selu)
    Dense(6, activation: .swish)
    Dense(6, activation: .hardSigmoid)
    Dense(2)
  }.compile(loss: .meanSquaredError, optimizer: .sgd())

  public static let all: [Model] = [
    activations,
    Sequential(name: "check-bce-logits", input: [5]) {
      Dense(4, activation: .relu)
      Dense(3, activation: .tanh)
      Dense(2, activation: .sigmoid)
    }.compile(loss: .binaryCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // A trailing Dropout(0) hides the sigmoid from the loss: crossentropy on clipped probabilities.
    Sequential(name: "check-bce-probabilities", input: [5]) {
      Dense(4, activation: .leakyRelu)
      Dense(1, activation: .sigmoid)
      Dropout(0)
    }.compile(loss: .binaryCrossentropy, optimizer: .rmsprop(), metrics: [.accuracy]),
    Sequential(name: "check-cce-logits", input: [2, 3]) {
      Flatten()
      Dense(5, activation: .elu)
      Dropout(0.3)
      Dense(4, activation: .softmax)
    }.compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    Sequential(name: "check-cce-probabilities", input: [5]) {
      Dense(4, activation: .selu)
      Dense(3, activation: .softmax)
      Dropout(0)
    }.compile(loss: .categoricalCrossentropy, optimizer: .sgd(momentum: 0.9, nesterov: true), metrics: [.accuracy]),
    Sequential(name: "check-sparse-logits", input: [5]) {
      Dense(4, activation: .swish)
      Dense(3)
      Activation(.softmax)
    }.compile(loss: .sparseCategoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    Sequential(name: "check-sparse-probabilities", input: [5]) {
      Dense(4, activation: .sigmoid, useBias: false)
      Dense(3, activation: .softmax)
      Dropout(0)
    }.compile(loss: .sparseCategoricalCrossentropy, optimizer: .sgd(), metrics: [.accuracy]),
    Sequential(name: "check-mse", input: [5]) {
      Dense(4, activation: .tanh)
      Activation(.relu)
      Dropout(0.25)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    Sequential(name: "check-mae", input: [5]) {
      Dense(4, activation: .relu, kernelInitializer: .heNormal)
      Dense(2, kernelInitializer: .heUniform)
    }.compile(loss: .meanAbsoluteError, optimizer: .rmsprop(), metrics: [.meanAbsoluteError]),
    // Kernel, bias and activity regularizers and the three constraints (Keras trajectory fixture `regularized`).
    Sequential(name: "check-regularized", input: [8]) {
      Dense(12, activation: .relu, kernelRegularizer: .l2(0.01), activityRegularizer: .l1(0.001), kernelConstraint: .maxNorm(maxValue: 2))
      Dense(8, activation: .relu, biasRegularizer: .l1l2(l1: 0.01, l2: 0.01), kernelConstraint: .nonNeg)
      Dense(1, activation: .sigmoid, kernelConstraint: .unitNorm())
    }.compile(loss: .binaryCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // from_logits=True: linear outputs whose crossentropy applies the sigmoid / softmax itself.
    Sequential(name: "check-bce-from-logits", input: [5]) {
      Dense(4, activation: .tanh)
      Dense(2)
    }.compile(loss: .binaryCrossentropy, fromLogits: true, optimizer: .adam(), metrics: [.accuracy]),
    Sequential(name: "check-sparse-from-logits", input: [5]) {
      Dense(4, activation: .relu)
      Dense(3)
    }.compile(loss: .sparseCategoricalCrossentropy, fromLogits: true, optimizer: .adam(), metrics: [.accuracy]),
    // The Keras `conv1d` fixture's architecture: Embedding, Conv1D, MaxPooling1D, GlobalMaxPooling1D.
    Sequential(name: "check-conv1d", input: [50]) {
      Embedding(1000, 16)
      Conv1D(32, 5, activation: .relu)
      MaxPooling1D(2)
      GlobalMaxPooling1D()
      Dense(1, activation: .sigmoid)
    }.compile(loss: .binaryCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // Conv1D same and causal padding with strides, average pooling 1-D, global average pooling 1-D.
    Sequential(name: "check-conv1d-padding", input: [9]) {
      Embedding(7, 3)
      Conv1D(4, 3, padding: .causal, activation: .tanh)
      Conv1D(5, 2, strides: 2, padding: .same)
      AveragePooling1D(2, strides: 1)
      GlobalAveragePooling1D()
      Dense(2, activation: .softmax)
    }.compile(loss: .sparseCategoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // Dilated Conv1D, WaveNet-style: causal, same and valid padding (Keras trajectory fixture `conv1d-dilation`).
    Sequential(name: "check-conv1d-dilation", input: [10, 2]) {
      Conv1D(3, 3, padding: .causal, dilationRate: 2, activation: .tanh)
      Conv1D(4, 2, padding: .same, dilationRate: 3, activation: .sigmoid)
      Conv1D(2, 3, dilationRate: 2)
      Flatten()
      Dense(2, activation: .softmax)
    }.compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // Dilated Conv2D: the first on the direct kernels fused with its ReLU and pooling, the second through im2col
    // with dilation along one axis (Keras trajectory fixture `conv2d-dilation`).
    Sequential(name: "check-conv2d-dilation", input: [6, 6, 2]) {
      Conv2D(8, 2, padding: .same, dilationRate: 2, activation: .relu)
      MaxPooling2D(2)
      Conv2D(3, [2, 2], dilationRate: [1, 2], activation: .tanh)
      Flatten()
      Dense(2, activation: .softmax)
    }.compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // The Keras `lstm` fixture's architecture.
    Sequential(name: "check-lstm", input: [40]) {
      Embedding(1000, 16)
      LSTM(32)
      Dense(1, activation: .sigmoid)
    }.compile(loss: .binaryCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // Stacked LSTMs (the first returns sequences) on float inputs: backward through time and into the inputs.
    Sequential(name: "check-lstm-stack", input: [5, 3]) {
      LSTM(4, returnSequences: true)
      LSTM(3)
      Dense(2, activation: .softmax)
    }.compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // The Keras `gru` fixture's architecture (float sequences [20, 14]).
    Sequential(name: "check-gru", input: [20, 14]) {
      GRU(32)
      Dense(1)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // Stacked GRUs (the first returns sequences): backward through time and into the inputs.
    Sequential(name: "check-gru-stack", input: [5, 3]) {
      GRU(4, returnSequences: true)
      GRU(3)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // Stacked SimpleRNNs (the first returns sequences).
    Sequential(name: "check-simple-rnn", input: [5, 3]) {
      SimpleRNN(4, returnSequences: true)
      SimpleRNN(3)
      Dense(2, activation: .sigmoid)
    }.compile(loss: .binaryCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // go_backwards on a sequence-returning LSTM feeding a GRU (Keras trajectory fixture `backwards`).
    Sequential(name: "check-rnn-backwards", input: [5, 3]) {
      LSTM(4, returnSequences: true, goBackwards: true)
      GRU(3, goBackwards: true)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // GRU with reset_after=False (bias [3u]), stacked, the second with other activations (Keras trajectory fixture
    // `gru-reset-before`).
    Sequential(name: "check-gru-reset-before", input: [5, 3]) {
      GRU(4, returnSequences: true, resetAfter: false)
      GRU(3, activation: .relu, recurrentActivation: .hardSigmoid, resetAfter: false)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // Bidirectional: concat over sequences (the backward outputs flipped back), sum of last states, an Embedding
    // below so the input gradient (the two directions' sum) is checked too (Keras trajectory fixture `bidirectional`).
    Sequential(name: "check-bidirectional", input: [5]) {
      Embedding(7, 3)
      Bidirectional(LSTM(4, returnSequences: true))
      Bidirectional(GRU(3), mergeMode: .sum)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // The other merge modes, on SimpleRNN and GRU reset_after=False.
    Sequential(name: "check-bidirectional-merge", input: [5, 3]) {
      Bidirectional(SimpleRNN(3, returnSequences: true), mergeMode: .mul)
      Bidirectional(GRU(2, resetAfter: false), mergeMode: .ave)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // RNN input dropout (one mask per sample and feature for all steps): plain, inside Bidirectional, with go_backwards;
    // the Embedding below checks that the input gradient is masked too.
    Sequential(name: "check-rnn-dropout", input: [5]) {
      Embedding(7, 3)
      LSTM(4, dropout: 0.3, returnSequences: true)
      Bidirectional(GRU(3, dropout: 0.25, returnSequences: true))
      SimpleRNN(2, dropout: 0.2, goBackwards: true)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // RNN recurrent dropout (per gate masks on h_{t−1}), with and without input dropout, in each kind.
    Sequential(name: "check-recurrent-dropout", input: [5]) {
      Embedding(7, 3)
      LSTM(4, dropout: 0.2, recurrentDropout: 0.3, returnSequences: true)
      Bidirectional(GRU(3, recurrentDropout: 0.25, returnSequences: true), mergeMode: .sum)
      SimpleRNN(2, dropout: 0.1, recurrentDropout: 0.2, goBackwards: true)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // GRU reset_after=False with recurrent dropout: per-gate input masks, then recurrent masks only, reversed.
    Sequential(name: "check-gru-reset-before-dropout", input: [5, 3]) {
      GRU(4, dropout: 0.2, recurrentDropout: 0.3, returnSequences: true, resetAfter: false)
      GRU(3, recurrentDropout: 0.25, goBackwards: true, resetAfter: false)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // Embedding(mask_zero): masked steps carry the states over in stacked, reversed RNNs of each kind, the last one's
    // output its last unmasked state (Keras trajectory fixture `mask-zero`).
    Sequential(name: "check-mask-zero", input: [6]) {
      Embedding(7, 3, maskZero: true)
      LSTM(4, returnSequences: true)
      GRU(3, returnSequences: true, goBackwards: true)
      SimpleRNN(3)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // Embedding(mask_zero) into Bidirectional: the reversed direction's reversed mask, GRU reset_after=False, and zero
    // outputs at masked steps with return_sequences, which Flatten (dropping the mask) passes on (Keras trajectory
    // fixture `mask-zero-bidirectional`).
    Sequential(name: "check-mask-zero-bidirectional", input: [6]) {
      Embedding(7, 3, maskZero: true)
      Bidirectional(LSTM(3, returnSequences: true))
      Bidirectional(GRU(2, returnSequences: true, resetAfter: false), mergeMode: .sum)
      Flatten()
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // Embedding(mask_zero) into GlobalAveragePooling1D: the mean of the unmasked steps (Keras trajectory fixture
    // `mask-zero-pooling`).
    Sequential(name: "check-mask-zero-pooling", input: [6]) {
      Embedding(7, 4, maskZero: true)
      GlobalAveragePooling1D()
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // Masking(mask_value=-1) on float sequences: steps of all -1 zeroed and skipped by stacked RNNs (one reversed) and
    // by GlobalAveragePooling1D's masked mean (Keras trajectory fixture `masking`).
    Sequential(name: "check-masking", input: [6, 3]) {
      Masking(maskValue: -1)
      LSTM(4, returnSequences: true)
      GRU(3, returnSequences: true, goBackwards: true)
      GlobalAveragePooling1D()
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // Other activations: relu SimpleRNN, linear/hard-sigmoid LSTM (Keras 2's old default gate), relu/linear GRU
    // (Keras trajectory fixture `rnn-activations`).
    Sequential(name: "check-rnn-activations", input: [5, 3]) {
      SimpleRNN(3, activation: .relu, returnSequences: true)
      LSTM(4, activation: .linear, recurrentActivation: .hardSigmoid, returnSequences: true)
      GRU(3, activation: .relu, recurrentActivation: .linear)
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .adam(), metrics: [.meanAbsoluteError]),
    // The other Keras losses through the generated loss call: Huber on a linear output, KL divergence on softmax.
    Sequential(name: "check-huber", input: [5]) {
      Dense(4, activation: .tanh)
      Dense(3)
    }.compile(loss: .huber, optimizer: .nadam(), metrics: [.meanAbsoluteError]),
    Sequential(name: "check-kld", input: [5]) {
      Dense(4, activation: .relu)
      Dense(3, activation: .softmax)
    }.compile(loss: .kullbackLeiblerDivergence, optimizer: .adagrad()),
    // Conv2D: same padding, a stride-2 rectangular valid kernel, a pointwise (1×1) kernel; max pooling with same padding.
    Sequential(name: "check-conv", input: [7, 6, 2]) {
      Conv2D(3, 3, padding: .same, activation: .tanh)
      Conv2D(4, [3, 2], strides: 2, activation: .elu)
      Conv2D(2, 1, activation: .swish)
      MaxPooling2D(2, strides: 1, padding: .same)
      Flatten()
      Dense(3, activation: .softmax)
    }.compile(loss: .sparseCategoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // Winograd F(4×4, 3×3): same padding on odd sizes (partial tiles at the bottom and right), then valid padding
    // with the input gradient flowing back into the first convolution; F(2×2, 3×3) on the 2×2 map after pooling.
    Sequential(name: "check-conv-winograd", input: [7, 6, 8]) {
      Conv2D(8, 3, padding: .same, activation: .relu)
      Conv2D(16, 3, activation: .tanh)
      MaxPooling2D(2)
      Conv2D(8, 3, padding: .same, activation: .tanh)
      Flatten()
      Dense(3, activation: .softmax)
    }.compile(loss: .sparseCategoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // The direct Conv2D kernels (K ≤ 32, filters in 8s), ReLU fused into the max pooling's backward,
    // a pooling that leaves a row and column out (7 → 3) and one that tiles exactly (2 → 1).
    Sequential(name: "check-conv-relu-pool", input: [7, 7, 2]) {
      Conv2D(8, 3, padding: .same, activation: .relu)
      MaxPooling2D(2)
      Conv2D(16, 2, activation: .relu)
      MaxPooling2D(2)
      Flatten()
      Dense(3, activation: .softmax)
    }.compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // Grad-CAM's Keras fixture (Tests/keras/gradcam_fixture.py) and the input-gradient check: a fused first
    // Conv2D + pooling, the last convolution's ReLU under a max pooling, dropout (the identity) and softmax.
    Sequential(name: "check-grad-cam", input: [14, 14, 3]) {
      Conv2D(8, 3, activation: .relu)
      MaxPooling2D(2)
      Conv2D(8, 3, activation: .relu)
      MaxPooling2D(2)
      Flatten()
      Dropout(0.5)
      Dense(3, activation: .softmax)
    }.compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // Reshape, stride-2 same convolution, both average poolings, global max pooling.
    Sequential(name: "check-pooling", input: [36]) {
      Reshape([6, 6, -1])
      Conv2D(4, 3, strides: 2, padding: .same, activation: .sigmoid)
      AveragePooling2D(2, strides: 1)
      Conv2D(3, 2, padding: .same, useBias: false)
      AveragePooling2D(2, strides: 1, padding: .same)
      GlobalMaxPooling2D()
      Dense(2)
    }.compile(loss: .meanSquaredError, optimizer: .sgd(), metrics: [.meanAbsoluteError]),
    // The Keras `bn` fixture's architecture (also checked against Keras's outputs).
    Sequential(name: "check-batchnorm", input: [20]) {
      Dense(64)
      BatchNormalization()
      Activation(.relu)
      Dense(3, activation: .softmax)
    }.compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // Keras's activation layers of their own classes (LeakyReLU, ELU, ReLU, Softmax): Keras's names and configs.
    Sequential(name: "check-activation-layers", input: [6]) {
      Dense(8)
      LeakyReLU(negativeSlope: 0.1)
      Dense(8)
      ELU(alpha: 0.5)
      Dense(6)
      ReLU()
      Dense(3)
      Softmax()
    }.compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // A frozen BatchNormalization (trainable: false) trains in inference mode, as Keras's does: the gradient flows
    // through its moving-statistics transform into the Dense before it; its own weights get none.
    Sequential(name: "check-batchnorm-frozen", input: [6]) {
      Dense(5)
      BatchNormalization(trainable: false)
      Activation(.tanh)
      Dense(3, activation: .softmax)
    }.compile(loss: .categoricalCrossentropy, optimizer: .adam(), metrics: [.accuracy]),
    // BatchNormalization over channels after a convolution, without gamma; global average pooling.
    Sequential(name: "check-conv-batchnorm", input: [5, 4, 2]) {
      Conv2D(3, 3, padding: .same)
      BatchNormalization(scale: false)
      Activation(.tanh)
      Dropout(0.2)
      GlobalAveragePooling2D()
      Dense(2, activation: .sigmoid)
    }.compile(loss: .binaryCrossentropy, optimizer: .rmsprop(), metrics: [.accuracy]),
  ]
}

/// Everything `precast regenerate` writes: each example's package under `Generated/`, and each
/// check model's source under `Tests/Models/`. Paths are relative to the Precast root.
public func allGeneratedFiles(generator: Generator) throws -> [GeneratedFile] {
  var files: [GeneratedFile] = []
  for model in Examples.all {
    for file in try generator.render(model, source: model.name, precastPath: "../..") {
      files.append(GeneratedFile(path: "Generated/\(model.name)/\(file.path)", contents: file.contents))
    }
  }
  for model in CheckModels.all {
    let rendered = try generator.render(model, source: "--check-models", precastPath: "../..")
    guard let source = rendered.first(where: { $0.path.hasPrefix("Sources/") && $0.path.hasSuffix("Model/\(typeName(model.name)).swift") })
    else { throw SpecError("check model '\(model.name)': the generator wrote no model source") }  // a failure, not a skip
    files.append(GeneratedFile(path: "Tests/Models/\(typeName(model.name)).swift", contents: source.contents))
  }
  return files
}
