// Ionosphere.swift: a user model file — `precast generate Examples/Ionosphere.swift` turns it into a package.
import Precast

let model = Sequential(name: "ionosphere", input: [34]) {
  Dense(34, activation: .relu)
  Dropout(0.1)
  Dense(17, activation: .relu)
  Dense(1, activation: .sigmoid)
}
.compile(loss: .binaryCrossentropy, optimizer: .sgd(learningRate: 0.01, momentum: 0.9), metrics: [.accuracy])
.fit(epochs: 50, batchSize: 16, validationSplit: 0.2)
