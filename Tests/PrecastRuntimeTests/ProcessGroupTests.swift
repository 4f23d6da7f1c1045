// ProcessGroupTests.swift: the trainer's data-parallel path, with ranks as threads of this process (no MPI):
// how a batch is split, metric sums over ranks, and a 2-rank fit against a 1-process fit with the same global batch.
// Scripts/mpi-checks.sh runs the same under `mpirun` with the generated trainers.
import BostonModel
import CheckModels
import Foundation
import PimaModel
@testable import PrecastRuntime
import PrecastTestSupport
import XCTest

final class ProcessGroupTests: XCTestCase {
  func testPartsCoverEveryRowOnceAndDifferByAtMostOne() {
    for size in 1...4 {
      for count in 0...11 {
        let parts = (0..<size).map { ThreadGroup.Rank(rank: $0, shared: ThreadGroup(size: size)).part(of: count) }
        XCTAssertEqual(parts.first?.lowerBound, 0)
        XCTAssertEqual(parts.last?.upperBound, count)
        for (a, b) in zip(parts, parts.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
        let sizes = parts.map(\.count)
        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(count) rows over \(size) ranks: \(sizes)")
      }
    }
  }

  /// Every metric summed over two ranks that saw one half each equals one accumulator that saw both halves.
  func testMetricSumsOverRanksEqualOneAccumulator() throws {
    let metrics: [Metric] = [.accuracy, .precision, .recall, .auc, .rootMeanSquaredError, .meanAbsoluteError]
    let info = ModelInfo(
      name: "metric", inputShape: [1], outputSize: 1, layers: [], weights: [], parameterCount: 0, loss: .binaryCrossentropy,
      metrics: metrics, accuracyKind: .binary, optimizer: .sgd(), defaults: TrainingDefaults(epochs: 1, batchSize: 1, validationSplit: 0),
      kerasModelConfig: "")
    var rng = Random(seed: 3)
    let outputs = (0..<40).map { _ in rng.nextUnitFloat() }, targets = (0..<40).map { _ in Float(rng.nextUnitFloat() > 0.4 ? 1 : 0) }
    var whole = MetricAccumulator(info: info)
    whole.add(loss: 0.5, output: outputs, targets: targets, count: 25)
    whole.add(loss: 0.25, output: Array(outputs[25...]), targets: Array(targets[25...]), count: 15)
    let group = ThreadGroup(size: 2)
    let logs = group.run { rank in
      var part = MetricAccumulator(info: info)
      let (first, count, loss) = rank.rank == 0 ? (0, 25, 0.5) : (25, 15, 0.25)
      part.add(loss: loss, output: Array(outputs[first...]), targets: Array(targets[first...]), count: count)
      part.sum(over: rank)
      return part.logs(prefix: "")
    }
    for ranked in logs {
      for (name, value) in whole.logs(prefix: "").entries {
        let got = try XCTUnwrap(ranked[name], name)
        XCTAssertLessThanOrEqual(abs(got - value), 1e-12, name)  // NaN fails
      }
    }
  }

  /// Two ranks, each with the whole model and half of every batch, train as one process with the whole batch:
  /// pima (shuffled, a last batch of unequal halves, validation split over the ranks) and boston (L2-free MSE,
  /// batch 5 = 3 + 2), the same weights within 1e-5 and the same logs.
  func testTwoRanksFollowOneProcess() throws {
    try checkRanksFollowOneProcess(Pima.self, features: repositoryRoot + "/Examples/data/pima-indians-diabetes.csv", batchSize: 10, epochs: 2)
    try checkRanksFollowOneProcess(Boston.self, features: repositoryRoot + "/Examples/data/boston-housing.csv", batchSize: 5, epochs: 2)
  }

  /// BatchNormalization normalises with each rank's own rows; its moving statistics are averaged over the ranks after
  /// every step, so all ranks hold the same, and with equal halves the moving mean after one step is the one-process mean.
  func testBatchNormalizationStatisticsAreAveragedOverRanks() throws {
    var rng = Random(seed: 5)
    let x = (0..<(8 * 20)).map { _ in rng.nextUnitFloat() * 4 - 1 }
    let y = (0..<8).flatMap { i in (0..<3).map { Float($0 == i % 3 ? 1 : 0) } }
    let data = Dataset(x: DataArray(shape: [8, 20], values: x), y: DataArray(shape: [8, 3], values: y))
    let slots = CheckBatchnorm.info.weights.filter { !$0.trainable }
    XCTAssertEqual(slots.map(\.name), ["moving_mean", "moving_variance"])
    func statistics(_ rank: ThreadGroup.Rank?) throws -> [[Float]] {
      let model = CheckBatchnorm(maxBatch: 8)
      model.initializeParameters(seed: 1)
      let trainer = Trainer(model: model, preprocessing: Preprocessing())
      trainer.group = rank
      let output = NSTemporaryDirectory() + "group-bn-\(rank.map { "\($0.rank)" } ?? "one")-\(getpid()).h5"
      defer { try? FileManager.default.removeItem(atPath: output) }
      var options = FitOptions(epochs: 1, batchSize: 8, seed: 1, verbose: 0, outputPath: output, format: .legacyModel, historyPath: nil)
      options.shuffle = false
      _ = try trainer.fit(data, validation: nil, options: options)
      return slots.map { Array(UnsafeBufferPointer(start: model.parameters + $0.offset, count: $0.count)) }
    }
    let alone = try statistics(nil)
    let ranks = try ThreadGroup(size: 2).run { rank in Result { try statistics(rank) } }.map { try $0.get() }
    XCTAssertEqual(ranks[0], ranks[1], "every rank holds the same moving statistics")
    XCTAssertLessThanOrEqual(maxAbsDifference(ranks[0][0], alone[0]), 1e-5, "moving mean")
    XCTAssertGreaterThan(maxAbsDifference(ranks[0][1], alone[1]), 1e-4, "moving variance: each rank's own batch statistics")
  }

  private func checkRanksFollowOneProcess<M: CompiledModel>(_: M.Type, features: String, batchSize: Int, epochs: Int) throws {
    var data = try Dataset.load(features: features, labels: nil, info: M.info)
    let standardizer = Standardizer.fit(data.x)
    data.preprocess(Preprocessing(standardizer: standardizer))
    let (train, validation) = data.splitValidation(0.2)
    func fit(_ rank: ThreadGroup.Rank?) throws -> (weights: [Float], logs: [Logs]) {
      let model = M(maxBatch: batchSize)
      model.initializeParameters(seed: 7 + UInt64(rank?.rank ?? 0) * 100)  // rank 1 differs until the broadcast
      let trainer = Trainer(model: model, preprocessing: Preprocessing(standardizer: standardizer))
      trainer.group = rank
      trainer.broadcastState()
      let output = NSTemporaryDirectory() + "group-\(M.info.name)-\(rank.map { "\($0.rank)" } ?? "one")-\(getpid()).h5"
      defer { try? FileManager.default.removeItem(atPath: output) }
      var options = FitOptions(epochs: epochs, batchSize: batchSize, seed: 11, verbose: 0, outputPath: output, format: .legacyModel, historyPath: nil)
      options.plotPath = nil
      _ = try trainer.fit(train, validation: validation, options: options)
      if let rank { XCTAssertEqual(FileManager.default.fileExists(atPath: output), rank.isRoot, "rank 0 alone writes") }
      return (Array(UnsafeBufferPointer(start: model.parameters, count: M.info.parameterCount)), trainer.history)
    }
    let threads = blasThreads
    setBlasThreads(1)  // two trainers at once: one thread each
    defer { setBlasThreads(threads) }
    let alone = try fit(nil)
    let ranks = try ThreadGroup(size: 2).run { rank in Result { try fit(rank) } }.map { try $0.get() }
    for (index, ranked) in ranks.enumerated() {
      let what = "\(M.info.name), rank \(index)"
      XCTAssertLessThanOrEqual(maxAbsDifference(ranked.weights, alone.weights), 1e-5, what)
      XCTAssertEqual(ranked.logs.count, epochs, what)
      for (a, b) in zip(ranked.logs, alone.logs) {
        XCTAssertEqual(a.entries.map(\.name), b.entries.map(\.name), what)
        for (x, y) in zip(a.entries, b.entries) { XCTAssertLessThanOrEqual(abs(x.value - y.value), 1e-5, "\(what): \(x.name)") }
      }
    }
    XCTAssertEqual(ranks[0].weights, ranks[1].weights, "every rank holds the same weights")
  }
}

// MARK: - Ranks as threads

/// A `ProcessGroup` whose ranks are threads of this process, summing through shared memory: the trainer's
/// collectives without MPI. `run` starts one thread per rank and returns each rank's result.
final class ThreadGroup: @unchecked Sendable {
  let size: Int
  private var barrier = pthread_barrier_t()
  private let lock = NSLock()
  private var buffer: [Double] = []
  private var bytes: [UInt8] = []

  init(size: Int) {
    self.size = size
    pthread_barrier_init(&barrier, nil, UInt32(size))
  }

  deinit { pthread_barrier_destroy(&barrier) }

  func wait() { pthread_barrier_wait(&barrier) }

  /// Calls `body` on `size` threads at once, one per rank.
  func run<T>(_ body: @escaping (Rank) -> T) -> [T] {
    nonisolated(unsafe) let body = body  // each thread calls it with its own rank
    let results = Results<T>(count: size)
    let done = DispatchGroup()
    for rank in 0..<size {
      done.enter()
      let thread = Thread { results.set(rank, body(Rank(rank: rank, shared: self))); done.leave() }
      thread.stackSize = 8 << 20
      thread.start()
    }
    done.wait()
    return results.values.map { $0! }
  }

  final class Results<T>: @unchecked Sendable {
    private let lock = NSLock()
    var values: [T?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.withLock { values[i] = value } }
  }

  /// One rank's view.
  final class Rank: ProcessGroup {
    let rank: Int
    let shared: ThreadGroup
    var size: Int { shared.size }
    init(rank: Int, shared: ThreadGroup) {
      self.rank = rank
      self.shared = shared
    }

    func sum(_ values: UnsafeMutablePointer<Double>, count: Int) {
      shared.wait()
      if rank == 0 { shared.buffer = Array(repeating: 0, count: count) }
      shared.wait()
      shared.lock.withLock { for i in 0..<count { shared.buffer[i] += values[i] } }
      shared.wait()
      for i in 0..<count { values[i] = shared.buffer[i] }
      shared.wait()
    }

    func sum(_ values: UnsafeMutablePointer<Float>, count: Int) {
      var wide = (0..<count).map { Double(values[$0]) }
      wide.withUnsafeMutableBufferPointer { sum($0.baseAddress!, count: count) }
      for i in 0..<count { values[i] = Float(wide[i]) }
    }

    func broadcast(_ values: UnsafeMutableRawPointer, bytes count: Int) {
      shared.wait()
      if rank == 0 { shared.bytes = Array(UnsafeRawBufferPointer(start: values, count: count)) }
      shared.wait()
      if rank != 0 { shared.bytes.withUnsafeBytes { values.copyMemory(from: $0.baseAddress!, byteCount: count) } }
      shared.wait()
    }
  }
}
