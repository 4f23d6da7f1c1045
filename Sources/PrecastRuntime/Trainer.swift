// Trainer.swift: Keras's fit/evaluate loop over a generated model: batches, metrics, logs, checkpoints.
import Glibc

/// Options of one `fit` run (the trainer's command line fills them).
public struct FitOptions: Sendable {
  public var epochs: Int
  public var batchSize: Int
  /// Keras's `shuffle`: a new order of the training rows every epoch (false: batches in file order, every epoch).
  public var shuffle = true
  public var seed: UInt64
  /// 0 silent, 1 progress bar (on a terminal) and one line per epoch, 2 one line per epoch.
  public var verbose: Int
  /// Weights file rewritten (atomically) after every epoch and at the end.
  public var outputPath: String
  public var format: KerasWeightFormat
  /// CSV of every epoch's logs (Keras CSVLogger layout), or nil.
  public var historyPath: String?
  /// SVG chart of the history (loss and metrics per epoch, training and validation), or nil.
  public var plotPath: String?
  /// Epochs already done (Keras's `initial_epoch`, from --resume): training runs epochs initialEpoch+1 … epochs,
  /// and the history file keeps its rows of the earlier epochs.
  public var initialEpoch = 0
  /// Random image transforms applied to every training batch (never to validation data).
  public var augmentation = Augmentation()
  /// Keras callbacks: checkpoints named per epoch, early stopping, learning-rate changes.
  public var checkpoint: CheckpointOptions?
  public var earlyStopping: EarlyStoppingOptions?
  public var reduceLROnPlateau: ReduceLROnPlateauOptions?
  public var schedule: EpochSchedule?

  public init(epochs: Int, batchSize: Int, seed: UInt64, verbose: Int, outputPath: String, format: KerasWeightFormat, historyPath: String?) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.seed = seed
    self.verbose = verbose
    self.outputPath = outputPath
    self.format = format
    self.historyPath = historyPath
  }
}

/// How a fit ended.
public enum FitOutcome: Equatable, Sendable {
  case completed(epochs: Int)
  case interrupted(epoch: Int, batch: Int)
}

/// Named values of one epoch or evaluation, in Keras's log order (loss first).
public struct Logs: Sendable {
  public var entries: [(name: String, value: Double)] = []
  public init(_ entries: [(name: String, value: Double)] = []) { self.entries = entries }
  public subscript(name: String) -> Double? { entries.first { $0.name == name }?.value }
  /// "loss: 0.6012 - accuracy: 0.6890"
  public var formatted: String { entries.map { "\($0.name): \(formatFixed($0.value, 4))" }.joined(separator: " - ") }
}

/// Runs Keras-style training of one generated model.
public final class Trainer<Model: CompiledModel> {
  public let model: Model
  public let optimizer: Optimizer
  /// The layers --freeze keeps as they are (written `trainable: false` in the saved model config).
  public var frozen: Set<String> { model.frozenLayers }
  public var preprocessing: Preprocessing
  /// Per-epoch logs so far (train and validation).
  public private(set) var history: [Logs] = []
  /// The ranks of a data-parallel run (nil: this process alone). Every rank calls `fit` and `evaluate` alike; each
  /// takes its part of every batch, the gradients, loss and metrics are summed over the ranks, and rank 0 alone
  /// prints and writes files.
  public var group: (any ProcessGroup)?

  // Batch buffers, allocated once: x [maxBatch, inputSize], y [maxBatch, targetSize].
  private let batchX: UnsafeMutablePointer<Float>
  private let batchY: UnsafeMutablePointer<Float>
  /// The batch's sample weights [maxBatch], when the training data has them.
  private let batchWeights: UnsafeMutablePointer<Float>
  /// One input sample [inputSize]: the source image while augmentation rewrites its batch row.
  private let augmentSource: UnsafeMutablePointer<Float>

  /// `optimizer` replaces the compiled one (nil: `Model.info.optimizer`); `frozen` names layers whose weights
  /// stay as they are (fine-tuning), on top of those declared `trainable: false`.
  public init(model: Model, preprocessing: Preprocessing, optimizer: OptimizerConfig? = nil, frozen: Set<String> = []) {
    self.model = model
    model.frozenLayers = frozen
    self.preprocessing = preprocessing
    let trained = Model.info.weights.filter { $0.trainable && !frozen.contains($0.layer) }
    self.optimizer = Optimizer(
      optimizer ?? Model.info.optimizer, count: Model.info.parameterCount, segments: trained.map { $0.offset..<($0.offset + $0.count) })
    batchX = .allocate(capacity: model.maxBatch * Model.info.inputSize)
    batchY = .allocate(capacity: model.maxBatch * Model.info.targetSize)
    batchWeights = .allocate(capacity: model.maxBatch)
    augmentSource = .allocate(capacity: Model.info.inputSize)
  }

  deinit {
    batchX.deallocate()
    batchY.deallocate()
    batchWeights.deallocate()
    augmentSource.deallocate()
  }

  // MARK: - fit

  /// Trains for `options.epochs` epochs, shuffling every epoch (unless `options.shuffle` is false), validating after each one, and
  /// checkpointing to `options.outputPath`. Throws on a non-finite loss (the last good checkpoint stays).
  public func fit(_ train: Dataset, validation: Dataset?, options: FitOptions) throws(PrecastError) -> FitOutcome {
    let info = Model.info
    let writes = group?.isRoot ?? true  // only rank 0 prints and writes files
    var options = options
    if !writes { options.verbose = 0 }
    precondition(localRows(of: options.batchSize).count <= model.maxBatch, "batch size above the model's allocation")
    guard train.count > 0 else { throw PrecastError("no training samples") }
    // Temporaries an earlier run of this output left when it was killed mid-write (the output itself is intact).
    let stale = !writes ? [] : removeStaleTemporaryFiles(of: options.outputPath) + (options.historyPath.map { removeStaleTemporaryFiles(of: $0) } ?? [])
    for file in stale where options.verbose > 0 {
      print("Removed \(file), left by an interrupted run")
    }
    var order = Array(0..<train.count)
    let batches = (train.count + options.batchSize - 1) / options.batchSize
    var lastGoodEpoch = 0
    model.sampleWeights = train.sampleWeights == nil ? nil : UnsafePointer(batchWeights)
    defer { model.sampleWeights = nil }
    let history = options.initialEpoch > 0 ? previousHistoryRows(options) : []
    let showBar = options.verbose == 1 && stdoutIsTerminal

    var callbacks = CallbackState(initialLearningRate: Double(optimizer.learningRate))
    var epochsRun = 0
    // The history CSV is written whole once (header and a resumed run's earlier rows), then one row is appended
    // per epoch; the chart is redrawn at most every `plotInterval` seconds, and once at the end. So an epoch's
    // file work does not grow with the epoch count.
    var historyLog: HistoryLog?
    var lastPlot = now()
    // Every epoch's checkpoint is written on a background thread from a copy of the state; every other write of
    // the output file waits for it first, and `fit` returns (or throws) only once the last one is on disk.
    let checkpoints = CheckpointWriter()
    defer {
      try? checkpoints.finish()
      if writes, let path = options.plotPath, !self.history.isEmpty {
        try? writeHistoryChart(self.history, title: "\(Model.info.name) training history", to: path)
      }
    }
    for epoch in (options.initialEpoch + 1)...max(options.epochs, options.initialEpoch + 1) {
      // One generator per epoch, from the seed and the epoch: a resumed run shuffles (and drops out) exactly
      // as the uninterrupted one would have.
      let epochSeed = options.seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15
      var rng = Random(seed: epochSeed)
      if let schedule = options.schedule {
        optimizer.learningRate = Float(schedule.learningRate(epoch: epoch - 1, initial: callbacks.initialLearningRate))
      }
      let start = now()
      for i in order.indices { order[i] = i }  // each epoch's order depends on its own generator only
      if options.shuffle { rng.shuffle(&order) }
      // Every rank shuffles alike; then dropout and augmentation draw from a stream of the rank's own (rank 0, and a
      // single process, keep the epoch's generator).
      if let group, group.rank > 0 { rng = Random(seed: epochSeed &+ UInt64(group.rank) &* 0xBF58_476D_1CE4_E5B9) }
      var accumulator = MetricAccumulator(info: info)
      var lastDraw = 0.0
      for batch in 0..<batches {
        let lo = batch * options.batchSize
        let rows = localRows(of: min(options.batchSize, train.count - lo))
        let n = rows.count
        gather(train, order[(lo + rows.lowerBound)..<(lo + rows.upperBound)])
        if train.images != nil, lo + options.batchSize < train.count {  // an image folder: decode the next batch meanwhile
          let next = lo + options.batchSize, nextRows = localRows(of: min(options.batchSize, train.count - next))
          train.prefetch(order[(next + nextRows.lowerBound)..<(next + nextRows.upperBound)])
        }
        if !options.augmentation.isIdentity { augment(count: n, options.augmentation, rng: &rng) }
        let step = trainBatch(count: n, of: min(options.batchSize, train.count - lo), rng: &rng)
        let loss = step.batch
        guard loss.isFinite else {
          if showBar { writeOut("\n") }
          try checkpoints.finish()
          let kept = lastGoodEpoch > 0 ? "the last good weights (epoch \(lastGoodEpoch)) are in \(options.outputPath)" : "no checkpoint was written"
          throw PrecastError("loss is \(loss.isNaN ? "NaN" : "\(loss)") at epoch \(epoch), batch \(batch + 1)/\(batches): training stopped; \(kept)")
        }
        update()
        accumulator.add(loss: step.local, output: model.output, targets: batchY, count: n)
        if step.interrupted {  // save first: under mpirun the output may no longer be read
          try checkpoints.finish()
          if writes { try save(options, epoch: epoch - 1) }
          if showBar { writeOut("\n") }
          if options.verbose > 0 {
            print("Interrupted at epoch \(epoch), batch \(batch + 1)/\(batches): weights saved to \(options.outputPath)")
          }
          return .interrupted(epoch: epoch, batch: batch + 1)
        }
        if showBar, now() - lastDraw > 0.1 || batch == batches - 1 {
          lastDraw = now()
          drawBar(done: batch + 1, of: batches, elapsed: lastDraw - start, logs: accumulator.logs(prefix: ""))
        }
      }
      if let group { accumulator.sum(over: group) }
      var logs = accumulator.logs(prefix: "")
      if let validation { logs.entries += evaluate(validation, batchSize: options.batchSize, prefix: "val_").entries }
      if options.schedule != nil || options.reduceLROnPlateau != nil {
        logs.entries.append(("learning_rate", Double(optimizer.learningRate)))
      }
      let seconds = now() - start
      self.history.append(logs)
      if showBar { writeOut("\r\u{1B}[2K") }
      if options.verbose > 0 {
        print("Epoch \(epoch)/\(options.epochs) - \(formatFixed(seconds, 2))s - \(logs.formatted)")
      }
      if writes { try checkpoints.submit(saveJob(options, epoch: epoch)) }
      lastGoodEpoch = epoch
      epochsRun = epoch
      if writes, let path = options.historyPath {
        let row = csvRow(epoch: epoch - 1, logs)
        if let log = historyLog {
          try log.append(row)
        } else {
          historyLog = try HistoryLog(path: path, contents: csvHeader(logs) + history.joined() + row)
        }
      }
      if writes, let path = options.plotPath, now() - lastPlot >= Trainer.plotInterval {
        try writeHistoryChart(self.history, title: "\(Model.info.name) training history", to: path)
        lastPlot = now()
      }
      if try endOfEpoch(epoch, logs, options, &callbacks) { break }
    }
    try checkpoints.finish()
    if let best = callbacks.bestWeights {
      best.withUnsafeBufferPointer { model.parameters.update(from: $0.baseAddress!, count: best.count) }
      if options.verbose > 0 { print("Restoring model weights from the end of the best epoch: \(callbacks.bestEpoch).") }
      if writes { try save(options) }
    }
    return .completed(epochs: epochsRun)
  }

  /// Seconds between redraws of the history chart during training (it is always drawn when `fit` returns).
  public static var plotInterval: Double { 5 }

  /// The running state of the callbacks across epochs.
  struct CallbackState {
    var initialLearningRate: Double
    var checkpointBest: Double?
    var stoppingBest: Double?, stoppingWait = 0, bestWeights: [Float]?, bestEpoch = 0
    var plateauBest: Double?, plateauWait = 0, cooldown = 0
  }

  /// Runs the callbacks after an epoch (Keras's on_epoch_end, in order: checkpoint, early stopping, plateau).
  /// Returns true when early stopping ends training.
  private func endOfEpoch(_ epoch: Int, _ logs: Logs, _ options: FitOptions, _ state: inout CallbackState) throws(PrecastError) -> Bool {
    if let checkpoint = options.checkpoint {
      let value = logs[checkpoint.monitor.name]
      // Keras saves when the monitored value is missing, too.
      if !checkpoint.saveBestOnly || value.map({ checkpoint.monitor.improves($0, over: state.checkpointBest) }) ?? true {
        if checkpoint.saveBestOnly, let value { state.checkpointBest = value }
        let path = try checkpoint.path(epoch: epoch, logs: logs)
        if group?.isRoot ?? true { try model.saveWeights(path: path, format: weightFormat(forPath: path), preprocessing: preprocessing, optimizer: optimizer, progress: (epoch, options.seed), frozen: frozen) }
        if options.verbose > 0 && checkpoint.saveBestOnly {
          print("Epoch \(epoch): \(checkpoint.monitor.name) improved to \(formatFixed(value ?? .nan, 5)), saving model to \(path)")
        }
      }
    }
    var stop = false
    if let stopping = options.earlyStopping, let current = logs[stopping.monitor.name], epoch - 1 >= stopping.startFromEpoch {
      if stopping.restoreBestWeights && state.bestWeights == nil { state.bestWeights = snapshot() }
      state.stoppingWait += 1
      if stopping.monitor.improves(current, over: state.stoppingBest) {
        state.stoppingBest = current
        state.bestEpoch = epoch
        if stopping.restoreBestWeights { state.bestWeights = snapshot() }
        state.stoppingWait = 0
      } else if state.stoppingWait >= stopping.patience && epoch > 1 {
        if options.verbose > 0 { print("Epoch \(epoch): early stopping") }
        stop = true
      }
    }
    if let plateau = options.reduceLROnPlateau, let current = logs[plateau.monitor.name] {
      if state.cooldown > 0 {
        state.cooldown -= 1
        state.plateauWait = 0
      }
      if plateau.monitor.improves(current, over: state.plateauBest) {
        state.plateauBest = current
        state.plateauWait = 0
      } else if state.cooldown == 0 {
        state.plateauWait += 1
        if state.plateauWait >= plateau.patience && Double(optimizer.learningRate) > Double(Float(plateau.minLearningRate)) {
          let lowered = max(Double(optimizer.learningRate) * plateau.factor, plateau.minLearningRate)
          optimizer.learningRate = Float(lowered)
          if options.verbose > 0 { print("Epoch \(epoch): ReduceLROnPlateau reducing learning rate to \(lowered).") }
          state.cooldown = plateau.cooldown
          state.plateauWait = 0
        }
      }
    }
    return stop
  }

  /// A copy of the parameters.
  private func snapshot() -> [Float] { Array(UnsafeBufferPointer(start: model.parameters, count: Model.info.parameterCount)) }


  /// Writes the current weights, preprocessing and optimizer state (with the completed epoch count, for
  /// --resume) to the output file (atomically).
  public func save(_ options: FitOptions, epoch: Int? = nil) throws(PrecastError) {
    try model.saveWeights(
      path: options.outputPath, format: options.format, preprocessing: preprocessing, optimizer: optimizer,
      progress: epoch.map { ($0, options.seed) }, frozen: frozen)
  }

  /// A job that writes the state as it is now (weights, optimizer slots and counters copied here) to the output
  /// file, for the background `CheckpointWriter`.
  private func saveJob(_ options: FitOptions, epoch: Int) -> CheckpointWriter.Job {
    let values = model.weightValues()
    var variables = optimizer.kerasVariables(weights: Model.info.weights, modelName: Model.info.name)
    variables.slots = variables.slots.map { OptimizerVariables.Slot(name: $0.name, shape: $0.shape, values: $0.borrowed.map(Array.init) ?? $0.values) }
    let extras = checkpointExtras(preprocessing, progress: (epoch, options.seed))
    let (path, format, owned) = (options.outputPath, options.format, variables)
    let (classNames, compiledWith, frozen) = (preprocessing.classNames, optimizer.config, frozen)
    return { () throws(PrecastError) in
      try Model.writeWeights(
        path: path, format: format, values: values, extras: extras, optimizer: owned, classNames: classNames, compiledWith: compiledWith,
        frozen: frozen)
    }
  }

  /// Restores weights, preprocessing, optimizer state and the completed epoch count from a file `save` wrote
  /// (or a Keras file saved with its optimizer). Returns the epochs done and the run's seed, when saved.
  public func resume(from path: String) throws(PrecastError) -> (epoch: Int, seed: UInt64?) {
    let source = try KerasArchive.weightsSource(path: path)  // a .keras archive is read once
    preprocessing = try model.loadWeights(source, path: path)
    let saved: OptimizerVariables?
    do { saved = try KerasWeightFile.readOptimizer(source) } catch { throw PrecastError("\(error)") }
    guard let saved else {
      throw PrecastError("\(path): no optimizer state in the file (saved without it); use --weights to start from its weights")
    }
    try optimizer.restore(saved, weights: Model.info.weights, path: path)
    let extras: [String: [Float]]
    do { extras = try KerasWeightFile.read(source, layers: Model.info.layers).extras } catch { throw PrecastError("\(error)") }
    let seed = extras["seed"].flatMap { $0.count == 2 ? UInt64($0[0]) << 24 | UInt64($0[1]) : nil }
    return (Int(extras["epoch"]?.first ?? 0), seed)
  }

  /// The history file's rows of the epochs before `initialEpoch` (a resumed run continues the file).
  private func previousHistoryRows(_ options: FitOptions) -> [String] {
    guard let path = options.historyPath, let text = try? readTextFile(path) else { return [] }
    return text.split(separator: "\n").dropFirst().compactMap { line in
      guard let epoch = Int(line.prefix { $0 != "," }), epoch < options.initialEpoch else { return nil }
      return String(line) + "\n"
    }
  }

  // MARK: - One step

  /// Keras's `train_on_batch`: one step on `count` rows of x [count, inputSize] and targets [count, targetSize]
  /// (already preprocessed). Returns the loss before the update, regularization penalties included.
  public func trainOnBatch(_ x: UnsafePointer<Float>, targets: UnsafePointer<Float>, count n: Int, rng: inout Random) -> Double {
    precondition(n <= model.maxBatch, "batch larger than the model's allocation")
    batchX.update(from: x, count: n * Model.info.inputSize)
    batchY.update(from: targets, count: n * Model.info.targetSize)
    let loss = trainBatch(count: n, rng: &rng)
    update()
    return loss
  }

  /// One step as Keras's `train_on_batch` on the gathered batch: forward, loss, backward, plus the weights'
  /// regularization penalties and their gradients. Returns the loss Keras reports (penalties included).
  func trainBatch(count n: Int, rng: inout Random) -> Double {
    model.trainStep(batchX, targets: batchY, count: n, rng: &rng) + weightPenalties(addingGradients: true)
  }

  /// One step of `fit` on this rank's `n` rows of a batch of `total`: alone, `trainBatch`; in a group, each rank's
  /// gradients are weighted by its share of the batch and summed over the ranks (so every rank holds the gradient
  /// of the whole batch's mean loss), then the weight penalties are added once. BatchNormalization normalises with
  /// each rank's own batch statistics (no synchronised BatchNormalization); its moving mean and variance, which each
  /// rank moved towards its own rows, are replaced by their mean over the ranks (as Keras's MirroredStrategy
  /// aggregates them), so every rank holds the same and the saved ones reflect all rows. Returns the batch's loss, this
  /// rank's loss (for its metric accumulator) and whether any rank was interrupted (all stop at the same step).
  func trainBatch(count n: Int, of total: Int, rng: inout Random) -> (batch: Double, local: Double, interrupted: Bool) {
    guard let group else {
      let loss = trainBatch(count: n, rng: &rng)
      return (loss, loss, interrupted)
    }
    let count = Model.info.parameterCount
    var loss = 0.0
    if n > 0 {
      loss = model.trainStep(batchX, targets: batchY, count: n, rng: &rng)
    } else {
      model.gradients.update(repeating: 0, count: count)  // a batch smaller than the group: no rows here
    }
    let share = Float(n) / Float(total)
    if share != 1 { scale(model.gradients, count: count, by: share) }
    // BatchNormalization's moving statistics ride along in their gradients' slots (always zero, never read by the
    // optimizer), so one reduction averages them too.
    let statistics = Model.info.weights.filter { !$0.trainable }
    for slot in statistics {
      for i in slot.offset..<(slot.offset + slot.count) { model.gradients[i] = model.parameters[i] / Float(group.size) }
    }
    group.sum(model.gradients, count: count)
    for slot in statistics {
      for i in slot.offset..<(slot.offset + slot.count) {
        model.parameters[i] = model.gradients[i]
        model.gradients[i] = 0
      }
    }
    var totals = [loss * Double(n) / Double(total), interrupted ? 1 : 0]
    totals.withUnsafeMutableBufferPointer { group.sum($0.baseAddress!, count: 2) }
    let penalties = weightPenalties(addingGradients: true)
    return (totals[0] + penalties, loss + penalties, totals[1] > 0)
  }

  /// The rows of a batch of `count` this process trains on: all of them, or its rank's part.
  func localRows(of count: Int) -> Range<Int> { group?.part(of: count) ?? 0..<count }

  /// Rank 0's weights and optimizer state (slots, iteration count, learning rate) to every rank, so that all start
  /// identical whether they initialised, loaded `--weights` or resumed.
  public func broadcastState() {
    guard let group else { return }
    group.broadcast(model.parameters, count: Model.info.parameterCount)
    group.broadcast(optimizer.slots, count: max(optimizer.config.slotsPerParameter * optimizer.count, 1))
    let state = group.broadcast(OptimizerProgress(iterations: optimizer.iterations, learningRate: optimizer.learningRate, uProduct: optimizer.uProduct))
    optimizer.restore(iterations: state.iterations, learningRate: state.learningRate, uProduct: state.uProduct)
  }

  /// The optimizer's update, then the weight constraints (Keras applies them after each update).
  func update() {
    optimizer.step(model.parameters, gradients: model.gradients)
    for slot in Model.info.weights {
      slot.constraint?.apply(model.parameters + slot.offset, shape: slot.shape)
    }
  }

  /// Σ of the kernel and bias regularizers' penalties, adding their gradients when training.
  func weightPenalties(addingGradients: Bool) -> Double {
    var total = 0.0
    for slot in Model.info.weights {
      guard let regularizer = slot.regularizer else { continue }
      total += regularizer.penalty(
        model.parameters + slot.offset, count: slot.count, gradient: addingGradients ? model.gradients + slot.offset : nil)
    }
    return total
  }

  /// Seconds for one shuffled epoch of training steps (at most `limit` batches), without logs or saving.
  public func timeEpoch(_ train: Dataset, batchSize: Int, seed: UInt64, limit: Int?) -> Double {
    var rng = Random(seed: seed)
    var order = Array(0..<train.count)
    rng.shuffle(&order)
    let batches = min((train.count + batchSize - 1) / batchSize, limit ?? Int.max)
    let start = now()
    for batch in 0..<batches {
      let lo = batch * batchSize
      let n = min(batchSize, train.count - lo)
      gather(train, order[lo..<(lo + n)])
      if lo + batchSize < train.count { train.prefetch(order[(lo + batchSize)..<min(lo + 2 * batchSize, train.count)]) }
      _ = trainBatch(count: n, rng: &rng)
      update()
    }
    return now() - start
  }

  /// Median seconds of one full-batch training step (forward + loss + backward) and of one optimizer update.
  public func timeStepParts(_ train: Dataset, batchSize: Int) -> (step: Double, update: Double) {
    let n = min(batchSize, train.count)
    copyRows(train, 0..<n)
    var rng = Random(seed: 5)
    let step = measure { _ = model.trainStep(batchX, targets: batchY, count: n, rng: &rng) }
    let update = measure { optimizer.step(model.parameters, gradients: model.gradients) }
    return (step, update)
  }

  // MARK: - evaluate

  /// Keras's `evaluate`: loss and metrics over `data` in inference mode.
  /// In a group every rank evaluates its part of the rows and the sums are combined.
  public func evaluate(_ data: Dataset, batchSize: Int, prefix: String = "") -> Logs {
    var accumulator = MetricAccumulator(info: Model.info)
    let rows = localRows(of: data.count)
    var lo = rows.lowerBound
    while lo < rows.upperBound {
      let n = min(batchSize, model.maxBatch, rows.upperBound - lo)
      copyRows(data, lo..<(lo + n))
      let loss = model.evaluate(batchX, targets: batchY, count: n) + weightPenalties(addingGradients: false)
      accumulator.add(loss: loss, output: model.output, targets: batchY, count: n)
      lo += n
    }
    if let group { accumulator.sum(over: group) }
    return accumulator.logs(prefix: prefix)
  }

  // MARK: - Batches

  private func gather(_ data: Dataset, _ rows: ArraySlice<Int>) {
    data.copyRows(rows, x: batchX, y: batchY, weights: batchWeights)
  }

  /// Replaces each of the first `n` images in the batch with a randomly transformed copy.
  private func augment(count n: Int, _ augmentation: Augmentation, rng: inout Random) {
    guard let (h, w, c) = Augmentation.imageShape(Model.info.inputShape) else { return }
    let size = Model.info.inputSize
    for i in 0..<n {
      let sample = batchX + i * size
      augmentSource.update(from: sample, count: size)
      augmentation.apply(augmentSource, into: sample, height: h, width: w, channels: c, rng: &rng)
    }
  }

  /// The first `count` samples of `data`, augmented, for a preview grid.
  public func augmentedSamples(_ data: Dataset, count: Int, augmentation: Augmentation, seed: UInt64) -> [[Float]] {
    let n = min(count, data.count, model.maxBatch)
    copyRows(data, 0..<n)
    var rng = Random(seed: seed)
    augment(count: n, augmentation, rng: &rng)
    let size = Model.info.inputSize
    return (0..<n).map { Array(UnsafeBufferPointer(start: batchX + $0 * size, count: size)) }
  }

  private func copyRows(_ data: Dataset, _ range: Range<Int>) {
    data.copyRows(range, x: batchX, y: batchY)
  }

  // MARK: - Output

  private func drawBar(done: Int, of total: Int, elapsed: Double, logs: Logs) {
    let width = 20
    let filled = done * width / total
    let bar = String(repeating: "━", count: filled) + String(repeating: "─", count: width - filled)
    let digits = String(total).count
    let count = String(repeating: " ", count: max(digits - String(done).count, 0)) + "\(done)/\(total)"
    writeOut("\r\(count) \(bar) \(formatFixed(elapsed, 1))s - \(logs.formatted)\u{1B}[K")
  }

  // Keras CSVLogger layout: "epoch" (from 0) then the log keys sorted by name.
  private func csvHeader(_ logs: Logs) -> String {
    "epoch," + logs.entries.map(\.name).sorted().joined(separator: ",") + "\n"
  }

  private func csvRow(epoch: Int, _ logs: Logs) -> String {
    let values = logs.entries.sorted { $0.name < $1.name }.map { "\($0.value)" }
    return "\(epoch)," + values.joined(separator: ",") + "\n"
  }
}

/// The optimizer's counters, broadcast with its slots.
struct OptimizerProgress: BitwiseCopyable {
  var iterations: Int
  var learningRate: Float
  var uProduct: Float
}

/// values[i] *= factor.
private func scale(_ values: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
  for i in 0..<count { values[i] *= factor }
}
