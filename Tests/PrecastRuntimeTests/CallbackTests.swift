// CallbackTests.swift: Keras's callbacks in the fit loop: monitor directions, checkpoint names, schedules, stopping, plateaus.
import CheckModels
import Foundation
import PimaModel
import PrecastRuntime
import PrecastTestSupport
import XCTest

final class CallbackTests: XCTestCase {
  let pimaCSV = repositoryRoot + "/Examples/data/pima-indians-diabetes.csv"

  /// Keras's "auto" mode: min for losses and errors, max for accuracy; min_delta is strict and absolute.
  func testMonitorDirectionsAndMinDelta() throws {
    let loss = try Monitor("val_loss", info: Pima.info, hasValidation: true)
    let accuracy = try Monitor("accuracy", minDelta: 0.01, info: Pima.info, hasValidation: false)
    XCTAssertEqual(loss.mode, .min)
    XCTAssertEqual(accuracy.mode, .max)
    XCTAssertTrue(loss.improves(0.5, over: nil))
    XCTAssertTrue(loss.improves(0.4, over: 0.5))
    XCTAssertFalse(loss.improves(0.5, over: 0.5))
    XCTAssertFalse(accuracy.improves(0.805, over: 0.8), "within min_delta")
    XCTAssertTrue(accuracy.improves(0.82, over: 0.8))
    XCTAssertThrowsError(try Monitor("val_accuracy", info: Pima.info, hasValidation: false))
    XCTAssertThrowsError(try Monitor("val_auc", info: Pima.info, hasValidation: true))
  }

  /// ModelCheckpoint names: Python format fields of the epoch (1-based) and the logs.
  func testCheckpointNames() throws {
    let monitor = try Monitor("val_loss", info: Pima.info, hasValidation: true)
    let logs = Logs([("loss", 0.5), ("val_loss", 0.23456), ("val_accuracy", 0.8)])
    let pattern = CheckpointOptions(pattern: "weights.{epoch:02d}-{val_loss:.2f}.h5", monitor: monitor, saveBestOnly: true)
    XCTAssertEqual(try pattern.path(epoch: 3, logs: logs), "weights.03-0.23.h5")
    let plain = CheckpointOptions(pattern: "e{epoch}-{loss:.3e}{{x}}.weights.h5", monitor: monitor, saveBestOnly: false)
    XCTAssertEqual(try plain.path(epoch: 12, logs: logs), "e12-5.000e-01{x}.weights.h5")
    let bad = CheckpointOptions(pattern: "w-{val_acc}.h5", monitor: monitor, saveBestOnly: false)
    XCTAssertThrowsError(try bad.path(epoch: 1, logs: logs))
  }

  /// The tutorials' schedules: step decay halves every 10 epochs counting from epoch 1; cosine ends at α·lr0.
  func testEpochSchedules() throws {
    let step = try EpochSchedule(parsing: "step:0.5:10", epochs: 50)
    XCTAssertEqual(step.learningRate(epoch: 0, initial: 0.1), 0.1, accuracy: 1e-12)
    XCTAssertEqual(step.learningRate(epoch: 9, initial: 0.1), 0.05, accuracy: 1e-12)
    XCTAssertEqual(step.learningRate(epoch: 19, initial: 0.1), 0.025, accuracy: 1e-12)
    XCTAssertEqual(EpochSchedule.timeDecay(decay: 0.1).learningRate(epoch: 10, initial: 1), 0.5, accuracy: 1e-12)
    let cosine = try EpochSchedule(parsing: "cosine:0.1", epochs: 20)
    XCTAssertEqual(cosine.learningRate(epoch: 0, initial: 1), 1, accuracy: 1e-12)
    XCTAssertEqual(cosine.learningRate(epoch: 20, initial: 1), 0.1, accuracy: 1e-12)
    XCTAssertThrowsError(try EpochSchedule(parsing: "step:0.5", epochs: 5))
  }

  /// With a learning rate too small to move any weight, val_loss never improves after epoch 1: EarlyStopping
  /// (patience 2) stops at epoch 3, and ReduceLROnPlateau (patience 1, factor 0.5) halves the rate at epochs 2 and 3.
  func testEarlyStoppingAndPlateauOnAFlatLoss() throws {
    let data = try Dataset.load(features: pimaCSV, labels: nil, info: Pima.info)
    let (train, validation) = data.splitValidation(0.25)
    let model = Pima(maxBatch: 32)
    model.initializeParameters(seed: 3)
    let trainer = Trainer(model: model, preprocessing: Preprocessing(), optimizer: .sgd(learningRate: 1e-30))
    let watch = try Monitor("val_loss", info: Pima.info, hasValidation: true)
    var options = FitOptions(
      epochs: 20, batchSize: 32, seed: 1, verbose: 0, outputPath: NSTemporaryDirectory() + "callbacks.h5", format: .legacyModel,
      historyPath: nil)
    options.earlyStopping = EarlyStoppingOptions(monitor: watch, patience: 2, restoreBestWeights: true)
    options.reduceLROnPlateau = ReduceLROnPlateauOptions(monitor: watch, factor: 0.5, patience: 1)
    let outcome = try trainer.fit(train, validation: validation, options: options)
    XCTAssertEqual(outcome, .completed(epochs: 3))
    XCTAssertEqual(trainer.history.count, 3)
    XCTAssertEqual(trainer.history.map { $0["learning_rate"]! }, [1e-30, 1e-30, 5e-31].map { Double(Float($0)) })
    XCTAssertEqual(Double(trainer.optimizer.learningRate), Double(Float(2.5e-31)), accuracy: 1e-40)
  }
}

final class CrossValidationTests: XCTestCase {
  /// Every row is held out exactly once; stratified folds keep each class's share within one row.
  func testFoldsPartitionTheRowsAndKeepClassShares() {
    let classes = (0..<103).map { $0 % 10 < 3 ? 1 : 0 }  // 31 positives, 72 negatives
    let folds = kFolds(count: classes.count, k: 10, classes: classes, seed: 4)
    XCTAssertEqual(folds.flatMap { $0 }.sorted(), Array(0..<103))
    for fold in folds {
      let positives = fold.filter { classes[$0] == 1 }.count
      XCTAssertTrue((3...4).contains(positives), "fold \(fold) has \(positives) positives")
    }
    let plain = kFolds(count: 10, k: 4, classes: nil, seed: 1)
    XCTAssertEqual(plain.map(\.count).sorted(), [2, 2, 3, 3])
    XCTAssertNotEqual(plain, kFolds(count: 10, k: 4, classes: nil, seed: 2), "the seed shuffles")
    let (mean, std) = meanAndStd([1, 2, 3, 4])
    XCTAssertEqual(mean, 2.5)
    XCTAssertEqual(std, (1.25).squareRoot(), accuracy: 1e-12)
  }
}

final class ResumeTests: XCTestCase {
  let pimaCSV = repositoryRoot + "/Examples/data/pima-indians-diabetes.csv"

  /// 2 epochs, a stop, and --resume for 2 more give exactly the weights of 4 uninterrupted epochs: weights,
  /// Adam's slots and iteration count, and the per-epoch shuffling all continue. Both file layouts.
  func testResumeContinuesTheRunExactly() throws {
    let data = try Dataset.load(features: pimaCSV, labels: nil, info: Pima.info)
    for suffix in [".h5", ".weights.h5"] {
      func run(epochs: Int, output: String, resume: String?) throws -> Pima {
        let model = Pima(maxBatch: 16)
        model.initializeParameters(seed: 5)
        let trainer = Trainer(model: model, preprocessing: Preprocessing(), optimizer: .adam(learningRate: 0.01))
        var options = FitOptions(
          epochs: epochs, batchSize: 16, seed: 9, verbose: 0, outputPath: output, format: weightFormat(forPath: output), historyPath: nil)
        if let resume { options.initialEpoch = try trainer.resume(from: resume).epoch }
        _ = try trainer.fit(data, validation: nil, options: options)
        return model
      }
      let dir = NSTemporaryDirectory()
      let straight = try run(epochs: 4, output: dir + "straight" + suffix, resume: nil)
      _ = try run(epochs: 2, output: dir + "half" + suffix, resume: nil)
      let resumed = try run(epochs: 4, output: dir + "resumed" + suffix, resume: dir + "half" + suffix)
      let a = Array(UnsafeBufferPointer(start: straight.parameters, count: Pima.info.parameterCount))
      let b = Array(UnsafeBufferPointer(start: resumed.parameters, count: Pima.info.parameterCount))
      XCTAssertEqual(a, b, suffix)
      let saved = try XCTUnwrap(KerasWeightFile.readOptimizer(path: dir + "resumed" + suffix))
      XCTAssertEqual(saved.slots.count, 12, "Adam: m and v for 6 weights")
      XCTAssertEqual(saved.iterations, 4 * 48)
    }
  }
}

final class SampleWeightTests: XCTestCase {
  /// Keras's sample_weight: loss = Σ wᵢ·lᵢ / n (over the batch size) and the gradient likewise, checked
  /// against one-row steps; all-ones weights change nothing.
  func testWeightedLossIsTheWeightedMeanOfRowLosses() throws {
    let data = try Dataset.load(features: repositoryRoot + "/Examples/data/pima-indians-diabetes.csv", labels: nil, info: Pima.info)
    let n = 6, x = Array(data.x.values[0..<(n * 8)]), y = Array(data.y.values[0..<n])
    let model = Pima(maxBatch: n)
    model.initializeParameters(seed: 2)
    var rng = Random(seed: 1)
    let count = Pima.info.parameterCount
    func step(_ rows: Range<Int>, weights: [Float]?) -> (Double, [Float]) {
      let loss = x.withUnsafeBufferPointer { xs in
        y.withUnsafeBufferPointer { ys in
          weights.withUnsafeBufferPointerIfPresent { w in
            model.sampleWeights = w
            defer { model.sampleWeights = nil }
            return model.trainStep(xs.baseAddress! + rows.lowerBound * 8, targets: ys.baseAddress! + rows.lowerBound, count: rows.count, rng: &rng)
          }
        }
      }
      return (loss, Array(UnsafeBufferPointer(start: model.gradients, count: count)))
    }
    let (plain, plainGradient) = step(0..<n, weights: nil)
    let (ones, onesGradient) = step(0..<n, weights: [Float](repeating: 1, count: n))
    XCTAssertEqual(ones, plain, accuracy: 1e-6)
    XCTAssertLessThanOrEqual(maxAbsDifference(onesGradient, plainGradient), 1e-6)
    let w: [Float] = [2, 0, 1, 0.5, 3, 1]
    let (weighted, weightedGradient) = step(0..<n, weights: w)
    var expected = 0.0, expectedGradient = [Float](repeating: 0, count: count)
    for row in 0..<n {
      let (loss, gradient) = step(row..<(row + 1), weights: nil)
      expected += Double(w[row]) * loss / Double(n)
      for i in 0..<count { expectedGradient[i] += w[row] * gradient[i] / Float(n) }
    }
    XCTAssertEqual(weighted, expected, accuracy: 1e-6)
    XCTAssertLessThanOrEqual(maxAbsDifference(weightedGradient, expectedGradient), 1e-5)
  }
}

extension Optional where Wrapped == [Float] {
  /// Calls `body` with the array's pointer, or nil.
  func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array = self else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
  }
}

final class FineTuningTests: XCTestCase {
  /// Fine-tuning: start from a Keras-written file (the `tab` fixture's Pima weights), freeze the first layer,
  /// train: the frozen kernel and bias keep Keras's values, the others move.
  func testFrozenLayersKeepTheirWeights() throws {
    let data = try Dataset.load(features: repositoryRoot + "/Examples/data/pima-indians-diabetes.csv", labels: nil, info: Pima.info)
    let model = Pima(maxBatch: 10)
    try model.loadWeights(path: fixture("tab.h5"))
    let before = Array(UnsafeBufferPointer(start: model.parameters, count: Pima.info.parameterCount))
    let trainer = Trainer(model: model, preprocessing: Preprocessing(), frozen: ["dense"])
    _ = try trainer.fit(
      data, validation: nil,
      options: FitOptions(epochs: 2, batchSize: 10, seed: 1, verbose: 0, outputPath: NSTemporaryDirectory() + "tuned.h5", format: .legacyModel, historyPath: nil))
    let after = Array(UnsafeBufferPointer(start: model.parameters, count: Pima.info.parameterCount))
    for slot in Pima.info.weights {
      let range = slot.offset..<(slot.offset + slot.count)
      if slot.layer == "dense" {
        XCTAssertEqual(Array(before[range]), Array(after[range]), "\(slot.layer)/\(slot.name) is frozen")
      } else {
        XCTAssertNotEqual(Array(before[range]), Array(after[range]), "\(slot.layer)/\(slot.name) trains")
      }
    }
  }
}

final class SequenceDataTests: XCTestCase {
  /// A file of token sequences (one per line) padded to the model's 9 steps, labels from another file; an
  /// Embedding + Conv1D model learns "does token 3 occur" (chance 0.5).
  func testPaddedSequencesTrainAnEmbeddingModel() throws {
    var rng = Random(seed: 8)
    var lines: [String] = [], labels: [String] = []
    for _ in 0..<400 {
      let length = 3 + Int(rng.next() % 10)
      var tokens = (0..<length).map { _ in [1, 2, 4, 5, 6][Int(rng.next() % 5)] }
      let positive = rng.next() % 2 == 0
      if positive { tokens[Int(rng.next() % UInt64(length))] = 3 }
      lines.append(tokens.map(String.init).joined(separator: " "))
      labels.append(positive ? "1" : "0")
    }
    let dir = NSTemporaryDirectory()
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "tokens.txt", atomically: true, encoding: .utf8)
    try (labels.joined(separator: "\n") + "\n").write(toFile: dir + "tokens-labels.csv", atomically: true, encoding: .utf8)
    let data = try Dataset.loadSequences(
      features: dir + "tokens.txt", labels: dir + "tokens-labels.csv", info: CheckConv1dPadding.info,
      encoding: .padded(padding: .pre, truncating: .pre))
    XCTAssertEqual(data.x.shape, [400, 9])
    XCTAssertEqual(data.x.values[0..<9].filter { $0 == 0 }.count, max(0, 9 - lines[0].split(separator: " ").count), "pre-padded with zeros")
    let (train, heldOut) = data.splitValidation(0.25)
    let model = CheckConv1dPadding(maxBatch: 16)
    model.initializeParameters(seed: 1)
    let trainer = Trainer(model: model, preprocessing: Preprocessing(), optimizer: .adam(learningRate: 0.01))
    _ = try trainer.fit(
      train, validation: nil,
      options: FitOptions(epochs: 30, batchSize: 16, seed: 1, verbose: 0, outputPath: dir + "tokens.h5", format: .legacyModel, historyPath: nil))
    let accuracy = try XCTUnwrap(trainer.evaluate(heldOut!, batchSize: 16)["accuracy"])
    XCTAssertGreaterThanOrEqual(accuracy, 0.85, "held-out accuracy \(accuracy) (chance 0.5)")
  }
}
