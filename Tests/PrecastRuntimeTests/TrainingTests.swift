// TrainingTests.swift: the fit loop reaches the tutorial's accuracy on Pima and stops cleanly on NaN.
import BostonModel
import CheckModels
import CifarCnnModel
import FashionCnnModel
import Foundation
import PimaModel
import PrecastRuntime
import PrecastTestSupport
import XCTest

final class TrainingTests: XCTestCase {
  let pimaCSV = repositoryRoot + "/Examples/data/pima-indians-diabetes.csv"

  /// The tutorial's settings (Adam, 150 epochs, batch 10) with standardized inputs reach ≥ 0.75 accuracy
  /// on the held-out last 20% of the rows.
  func testPimaReachesTutorialAccuracyOnHeldOutRows() throws {
    var data = try Dataset.load(features: pimaCSV, labels: nil, info: Pima.info)
    var (train, heldOut) = data.splitValidation(0.2)
    let standardizer = Standardizer.fit(train.x)
    standardizer.apply(to: &train.x)
    standardizer.apply(to: &heldOut!.x)
    data = train
    let model = Pima(maxBatch: 10)
    model.initializeParameters(seed: 1)
    let trainer = Trainer(model: model, preprocessing: Preprocessing(standardizer: standardizer))
    let output = NSTemporaryDirectory() + "pima-test.h5"
    let outcome = try trainer.fit(
      data, validation: nil,
      options: FitOptions(epochs: 150, batchSize: 10, seed: 1, verbose: 0, outputPath: output, format: .legacyModel, historyPath: nil))
    XCTAssertEqual(outcome, .completed(epochs: 150))
    let logs = trainer.evaluate(heldOut!, batchSize: 10)
    let accuracy = try XCTUnwrap(logs["accuracy"])
    print("pima held-out: \(logs.formatted)")
    XCTAssertGreaterThanOrEqual(accuracy, 0.75)
    // The checkpoint reloads to the same predictions, preprocessing included.
    let reloaded = Pima(maxBatch: 10)
    XCTAssertEqual(try reloaded.loadWeights(path: output).standardizer, standardizer)
    let before = model.predictAll(heldOut!.x).values, after = reloaded.predictAll(heldOut!.x).values
    XCTAssertEqual(before.count, heldOut!.x.count)
    XCTAssertEqual(maxAbsDifference(before, after), 0)
    try? FileManager.default.removeItem(atPath: output)
  }

  /// A diverging run stops with the epoch and batch, writes no checkpoint, and leaves the checkpoint a previous run
  /// wrote to the same file as it was (byte for byte, and it loads).
  func testNaNLossStopsWithEpochAndBatch() throws {
    let good = try Dataset.load(features: repositoryRoot + "/Examples/data/boston-housing.csv", labels: nil, info: Boston.info)
    var data = good
    for i in data.x.values.indices { data.x.values[i] *= 1e18 }  // overflows float32 in the first layers
    let model = Boston(maxBatch: 5)
    model.initializeParameters(seed: 1)
    let trainer = Trainer(model: model, preprocessing: Preprocessing())
    let output = NSTemporaryDirectory() + "boston-nan.h5"
    try? FileManager.default.removeItem(atPath: output)
    _ = try trainer.fit(good, validation: nil, options: FitOptions(epochs: 1, batchSize: 5, seed: 1, verbose: 0, outputPath: output, format: .legacyModel, historyPath: nil))
    let previous = try Data(contentsOf: URL(fileURLWithPath: output))
    XCTAssertThrowsError(
      try trainer.fit(data, validation: nil, options: FitOptions(epochs: 3, batchSize: 5, seed: 1, verbose: 0, outputPath: output, format: .legacyModel, historyPath: nil))
    ) { error in
      let message = "\(error)"
      XCTAssertTrue(message.contains("at epoch 1, batch"), message)
      XCTAssertTrue(message.contains("no checkpoint was written"), message)
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: output)), previous)
    XCTAssertNoThrow(try Boston(maxBatch: 5).loadWeights(path: output))
    try? FileManager.default.removeItem(atPath: output)
  }

  /// Keras's validation_split takes the last rows, before shuffling.
  func testValidationSplitTakesTheLastRows() throws {
    let data = try Dataset.load(features: pimaCSV, labels: nil, info: Pima.info)
    let (train, validation) = data.splitValidation(0.2)
    XCTAssertEqual(train.count, 614)  // floor(768 · 0.8)
    XCTAssertEqual(validation?.count, 154)
    XCTAssertEqual(validation?.x.values.first, data.x.values[614 * 8])
  }

  /// Series windows: a [window, features] model reads every column, the target column `horizon` rows after each
  /// window, rows sampled first; a [window] model reads the target column alone; a column count that fits neither is
  /// explained. Standardization uses the first rows' statistics, per column.
  func testSeriesWindowsMultivariateHorizonAndSampling() throws {
    let path = NSTemporaryDirectory() + "series.csv"
    // 12 rows (time steps) of 3 columns: t, 10·t, 100 + t
    try (0..<12).map { "\($0),\($0 * 10),\(100 + $0)" }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    var info = CheckMasking.info
    info.inputShape = [3, 3]
    info.outputSize = 1
    let options = Dataset.SeriesWindows(targetColumn: 2, horizon: 2, samplingRate: 2)  // rows 0, 2, …, 10
    let (data, series, plain) = try Dataset.loadSeriesWindows(path: path, info: info, options: options)
    XCTAssertEqual(series, [0, 20, 40, 60, 80, 100])
    XCTAssertEqual(data.count, 2)  // 6 rows − window 3 − horizon 2 + 1
    XCTAssertEqual(Array(data.x.values[0..<9]), [0, 0, 100, 2, 20, 102, 4, 40, 104])
    XCTAssertEqual(data.y.values, [80, 100])  // 2 sampled steps after rows 4 and 6
    XCTAssertNil(plain.standardizer)  // not standardized
    info.inputShape = [4]
    let univariate = try Dataset.loadSeriesWindows(path: path, info: info, options: Dataset.SeriesWindows(standardizeOver: 0.5))
    XCTAssertEqual(univariate.preprocessing.outputMean, 102.5)  // the last column's first 6 rows
    XCTAssertEqual(univariate.dataset.count, 8)
    XCTAssertEqual(univariate.dataset.y.values.first!, (104 - 102.5) / univariate.preprocessing.outputStd!, accuracy: 1e-5)
    // Saved with the weights: a raw window standardized by `inputs` is the training sample; outputs restored.
    var window = DataArray(shape: [1, 4], values: [100, 101, 102, 103])
    let preprocessing = univariate.preprocessing
    preprocessing.apply(to: &window)
    for (a, b) in zip(window.values, univariate.dataset.x.values[0..<4]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    var y = DataArray(shape: [1, 1], values: [univariate.dataset.y.values[0]])
    preprocessing.restore(&y)
    XCTAssertEqual(y.values[0], 104, accuracy: 1e-4)
    info.inputShape = [4, 2]
    XCTAssertThrowsError(try Dataset.loadSeriesWindows(path: path, info: info)) {
      XCTAssertTrue("\($0)".contains("rows have 3 columns; a model with input [4, 2] reads 2 per step"), "\($0)")
    }
  }

  /// Sequence files: an index at or past the Embedding's input_dim names its line and value, but only in the part
  /// pad_sequences keeps (Keras drops the rest before the Embedding); multi-hot checks every index.
  func testSequenceIndicesAreCheckedWhereTheModelSeesThem() throws {
    let path = NSTemporaryDirectory() + "bounded-sequences.txt"
    var info = CheckMaskZero.info  // Embedding(7, 3) over 6 steps
    try "1 2 6\n9 1 2 3 4 5 6\n".write(toFile: path, atomically: true, encoding: .utf8)
    let pre = Dataset.SequenceEncoding.padded(padding: .pre, truncating: .pre)  // keeps line 2's last 6 values
    XCTAssertEqual(try pre.read(path: path, info: info).count, 2)
    let post = Dataset.SequenceEncoding.padded(padding: .pre, truncating: .post)  // keeps its first 6, with the 9
    XCTAssertThrowsError(try post.read(path: path, info: info)) {
      XCTAssertTrue("\($0)".contains("line 2, value 1: index 9 is outside 0..<7, the Embedding's input_dim"), "\($0)")
    }
    info.inputShape = [8]
    XCTAssertThrowsError(try Dataset.SequenceEncoding.multiHot.read(path: path, info: info)) {
      XCTAssertTrue("\($0)".contains("line 2, value 1: index 9 is outside 0..<8, the multi-hot dimension"), "\($0)")
    }
  }

  /// The forecasting baselines: MAE of "next = last" over the validation targets, and of "next = 12 steps before"
  /// only when a window spans a year.
  func testNaiveBaselines() {
    let series = (0..<30).map { Float($0 % 12) }  // a sawtooth with period 12: the seasonal baseline is exact
    let baselines = naiveBaselines(series: series, validationCount: 6, window: 12)
    // targets 24…29 are 0…5: "next = last" misses by 11 once (23 → 0), then by 1 five times
    XCTAssertEqual(baselines.last, 16 / 6, accuracy: 1e-6)
    XCTAssertEqual(baselines.seasonal, 0)
    XCTAssertNil(naiveBaselines(series: series, validationCount: 6, window: 11).seasonal)
    // 2 steps ahead: the window's last value misses by 10 twice (22 → 24, 23 → 25), then by 2 four times
    XCTAssertEqual(naiveBaselines(series: series, validationCount: 6, window: 12, horizon: 2).last, 28 / 6, accuracy: 1e-6)
  }

  /// `--embedding-vectors`: GloVe rows land in the Embedding table at their vocabulary index (line k is index k, 0 is
  /// padding); words missing from the file, padding and indices past the vocabulary are zeros.
  func testWordVectorsFillTheEmbeddingTable() throws {
    let directory = NSTemporaryDirectory()
    try "cat 1 2 3\ndog 4 5 6\nfish 7 8 9\n".write(toFile: directory + "glove.txt", atomically: true, encoding: .utf8)
    try "dog\nbird\ncat\n".write(toFile: directory + "words.txt", atomically: true, encoding: .utf8)
    let model = CheckMaskZero(maxBatch: 1)  // Embedding(7, 3)
    model.initializeParameters(seed: 1)
    let loaded = try model.loadWordVectors(path: directory + "glove.txt", vocabulary: directory + "words.txt")
    XCTAssertEqual(loaded.layer, "embedding")
    XCTAssertEqual(loaded.found, 2)
    XCTAssertEqual(loaded.words, 3)
    let table = Array(UnsafeBufferPointer(start: model.parameters, count: 21))
    XCTAssertEqual(table, [0, 0, 0, 4, 5, 6, 0, 0, 0, 1, 2, 3] + [Float](repeating: 0, count: 9))
    try "dog\n\ncat\n".write(toFile: directory + "words.txt", atomically: true, encoding: .utf8)  // a blank line 2
    _ = try model.loadWordVectors(path: directory + "glove.txt", vocabulary: directory + "words.txt")
    XCTAssertEqual(Array(UnsafeBufferPointer(start: model.parameters + 6, count: 6)), [0, 0, 0, 1, 2, 3])  // cat stays index 3
    XCTAssertThrowsError(try Pima(maxBatch: 1).loadWordVectors(path: directory + "glove.txt", vocabulary: directory + "words.txt")) {
      XCTAssertTrue("\($0)".contains("the model has no Embedding layer"), "\($0)")
    }
  }

  /// Wrong column counts are reported with the file and what the model expects.
  func testWrongFeatureCountIsExplained() {
    XCTAssertThrowsError(try Dataset.load(features: repositoryRoot + "/Examples/data/boston-housing.csv", labels: nil, info: Pima.info)) { error in
      XCTAssertTrue("\(error)".contains("rows have 14 columns; the model expects 8 features followed by 1 target column(s)"), "\(error)")
    }
  }

  /// cifar-cnn (32×32×3) learns a synthetic 10-class task read from CIFAR-10's binary record format:
  /// each image is noise plus a bright 8×8 square whose position is the class.
  func testCifarCNNLearnsSyntheticImagesFromCIFARBinaryFile() throws {
    var rng = Random(seed: 5)
    var bytes: [UInt8] = []
    let count = 320
    for i in 0..<count {
      let label = i % 10
      let (top, left) = ((label / 5) * 14 + 4, (label % 5) * 6 + 1)
      bytes.append(UInt8(label))
      for channel in 0..<3 {
        for p in 0..<1024 {
          let (r, c) = (p / 32, p % 32)
          let inside = (top..<(top + 8)).contains(r) && (left..<(left + 6)).contains(c)
          bytes.append(UInt8(min(255, Int(rng.next() % 100) + (inside ? 120 + channel * 20 : 0))))
        }
      }
    }
    let path = NSTemporaryDirectory() + "synthetic-cifar.bin"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    var data = try Dataset.load(features: path, labels: nil, info: CifarCnn.info)
    XCTAssertEqual(data.x.shape, [count, 3072])
    XCTAssertEqual(data.y.values.prefix(3), [0, 1, 2])
    Preprocessing(inputScale: 1 / 255).apply(to: &data.x)
    let (train, validation) = data.splitValidation(0.25)
    let model = CifarCnn(maxBatch: 32)
    model.initializeParameters(seed: 2)
    let trainer = Trainer(model: model, preprocessing: Preprocessing(inputScale: 1 / 255))
    let output = NSTemporaryDirectory() + "synthetic-cifar.weights.h5"
    _ = try trainer.fit(
      train, validation: validation,
      options: FitOptions(epochs: 6, batchSize: 32, seed: 1, verbose: 0, outputPath: output, format: .kerasWeights, historyPath: nil))
    let logs = trainer.evaluate(validation!, batchSize: 32)
    print("cifar-cnn on synthetic CIFAR-format data, held-out: \(logs.formatted)")
    XCTAssertGreaterThanOrEqual(try XCTUnwrap(logs["accuracy"]), 0.6, "chance is 0.1")
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: output)
  }

  /// An 8-bit IDX image file stays bytes (a quarter of the floats' memory); preprocessing waits until rows
  /// are copied into a batch, and the validation split keeps bytes. The batch equals the float path's.
  func testByteImagesArePreprocessedPerBatch() throws {
    let count = 6, size = 28 * 28
    var rng = Random(seed: 9)
    let pixels = (0..<(count * size)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    func idx(_ dims: [Int], _ body: [UInt8]) -> Data {
      var header: [UInt8] = [0, 0, 0x08, UInt8(dims.count)]
      for d in dims { header += [0, 0, UInt8(d >> 8), UInt8(d & 0xFF)] }
      return Data(header + body)
    }
    let images = NSTemporaryDirectory() + "bytes-images-idx3-ubyte", labels = NSTemporaryDirectory() + "bytes-labels-idx1-ubyte"
    try idx([count, 28, 28], pixels).write(to: URL(fileURLWithPath: images))
    try idx([count], (0..<count).map { UInt8($0) }).write(to: URL(fileURLWithPath: labels))
    defer {
      try? FileManager.default.removeItem(atPath: images)
      try? FileManager.default.removeItem(atPath: labels)
    }
    var data = try Dataset.load(features: images, labels: labels, info: FashionCnn.info)
    XCTAssertTrue(data.storesBytes)
    let scale = Preprocessing(inputScale: 1 / 255)
    data.preprocess(scale)
    var floats = Dataset(x: DataArray(shape: [count, size], values: pixels.map(Float.init)), y: data.y)
    floats.preprocess(scale)
    XCTAssertEqual(data.x, floats.x, "materialised bytes carry the pending preprocessing")

    let (train, validation) = data.splitValidation(0.5)
    XCTAssertTrue(train.storesBytes && validation!.storesBytes)
    var batch = [Float](repeating: 0, count: 2 * size), targets = [Float](repeating: 0, count: 20)
    validation!.copyRows([2, 0], x: &batch, y: &targets)
    XCTAssertEqual(Array(batch[0..<size]), Array(floats.x.values[(5 * size)..<(6 * size)]))
    XCTAssertEqual(Array(batch[size...]), Array(floats.x.values[(3 * size)..<(4 * size)]))
    XCTAssertEqual(targets[5], 1, "row 5's one-hot label")
    XCTAssertEqual(targets[10 + 3], 1, "row 3's one-hot label")
  }

  // MARK: - shuffle=False

  /// Keras's `fit(shuffle=False)` (`Tests/keras/no_shuffle_fixture.py`): from the initial model Keras saved as a
  /// `.keras` file, Precast's fit with shuffling off (batches in file order, the last one of 2 rows) gives Keras's
  /// per-epoch losses and final weights within 1e-4 relative; with shuffling on it does not (the test can fail).
  func testNoShuffleFitFollowsKeras() throws {
    let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture("no-shuffle/fit.json")))) as? [String: Any])
    let x = (reference["x"] as? [Double] ?? []).map(Float.init), y = (reference["y"] as? [Double] ?? []).map(Float.init)
    let batch = try XCTUnwrap(reference["batch"] as? Int), epochs = try XCTUnwrap(reference["epochs"] as? Int)
    let learningRate = Float(try XCTUnwrap(reference["learning_rate"] as? Double))
    let kerasLosses = try XCTUnwrap(reference["losses"] as? [Double]), finals = try XCTUnwrap(reference["final"] as? [[Double]])
    let data = Dataset(x: DataArray(shape: [y.count, 8], values: x), y: DataArray(shape: [y.count, 1], values: y))

    func fit(shuffle: Bool) throws -> (losses: [Double], weights: [Float]) {
      let model = Pima(maxBatch: batch)
      try model.loadWeights(path: fixture("no-shuffle/initial.keras"))
      let trainer = Trainer(model: model, preprocessing: Preprocessing(), optimizer: .adam(learningRate: learningRate))
      var options = FitOptions(
        epochs: epochs, batchSize: batch, seed: 3, verbose: 0, outputPath: NSTemporaryDirectory() + "no-shuffle-\(getpid()).keras",
        format: .kerasWeights, historyPath: nil)
      options.shuffle = shuffle
      XCTAssertEqual(try trainer.fit(data, validation: nil, options: options), .completed(epochs: epochs))
      try? FileManager.default.removeItem(atPath: options.outputPath)
      return (trainer.history.map { $0["loss"] ?? .nan }, Array(UnsafeBufferPointer(start: model.parameters, count: Pima.info.parameterCount)))
    }

    /// The worst relative difference from Keras (of the value, or of 0.01 nearer zero); NaN counts as infinite.
    func worst(_ got: [Double], _ expected: [Double]) -> Double {
      guard got.count == expected.count else { return .infinity }
      return zip(got, expected).map { a, b in let d = abs(a - b) / max(abs(b), 0.01); return d.isNaN ? .infinity : d }.max() ?? 0
    }
    let kerasWeights = finals.flatMap { $0 }
    let ordered = try fit(shuffle: false)
    let lossDifference = worst(ordered.losses, kerasLosses), weightDifference = worst(ordered.weights.map(Double.init), kerasWeights)
    XCTAssertLessThanOrEqual(lossDifference, 1e-4, "per-epoch loss vs Keras fit(shuffle=False): \(ordered.losses) vs \(kerasLosses)")
    XCTAssertLessThanOrEqual(weightDifference, 1e-4, "final weights vs Keras fit(shuffle=False)")
    let shuffled = try fit(shuffle: true)
    XCTAssertGreaterThan(worst(shuffled.weights.map(Double.init), kerasWeights), 1e-3, "a shuffled fit must not follow the unshuffled one")
    print("no-shuffle fit: losses max rel diff \(lossDifference), weights max rel diff \(weightDifference)")
  }
}
