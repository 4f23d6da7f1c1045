// TrainCommand.swift: the generated trainer's command line (`<model>-train`), generic over the model.
import ArgumentParser
import Glibc
import PrecastRuntime

/// `<model>-train`: data → fit (Keras-style logs, validation, checkpoints) → Keras-compatible HDF5 weights.
public struct TrainCommand<Model: CompiledModel>: ParsableCommand {
  public static var configuration: CommandConfiguration {
    let info = Model.info
    return CommandConfiguration(
      commandName: "\(info.name)-train",
      abstract: "Train the '\(info.name)' model (\(info.parameterCount) parameters) and save Keras-compatible weights.",
      discussion: """
        Data: a CSV whose last column(s) hold the targets (one class label, or one column per output), or
        features (CSV, NPY, IDX, IDX.gz) with --labels, or a folder with one subfolder of PNG/JPEG images per
        class (as Keras's image_dataset_from_directory reads it). The weights file is rewritten after every epoch
        (atomically); Ctrl-C finishes the batch, saves and exits.
        """)
  }

  @Option(help: "Training data (CSV with targets last, features with --labels, or a folder of class subfolders of PNG/JPEG images).")
  var data: String?
  @Option(help: "Labels/targets for --data (IDX, NPY or CSV).")
  var labels: String?
  @Option(help: "Validation data (instead of --validation-split).")
  var validationData: String?
  @Option(help: "Labels for --validation-data.")
  var validationLabels: String?
  @Option(help: "Test data evaluated after training.")
  var testData: String?
  @Option(help: "Labels for --test-data.")
  var testLabels: String?

  @Option(help: "Epochs (default: \(Model.info.defaults.epochs)).")
  var epochs: Int?
  @Option(help: "Batch size (default: \(Model.info.defaults.batchSize)); under mpirun the global batch, split over the ranks.")
  var batchSize: Int?
  @Option(help: "Fraction of the rows, taken from the end before shuffling, used for validation (default: \(Model.info.defaults.validationSplit)).")
  var validationSplit: Double?
  @Flag(inversion: .prefixedNo, help: "Shuffle the training rows every epoch (Keras's shuffle=True); --no-shuffle keeps the batches in file order (default: \(Model.info.defaults.shuffle ? "shuffle" : "no shuffle, as the model's fit says")).")
  var shuffle: Bool?
  @Flag(help: "Divide inputs by 255 (images); stored with the weights.")
  var normalize = false
  @Flag(help: "Image folders: leave out files that are not PNG/JPEG or do not decode (counted and listed) instead of stopping.")
  var skipBadImages = false
  @Option(help: "Image folders: megabytes of decoded images kept in memory between epochs (the rest are decoded again; default 1024).")
  var imageCacheMb: Int = 1024
  @Flag(help: "Z-score each feature with training-split statistics; stored with the weights.")
  var standardize = false
  @Option(help: "Random seed for initialization, shuffling and dropout (default: from the clock).")
  var seed: UInt64?
  @Option(help: "Start from these weights (any Keras weights file) instead of initializing.")
  var weights: String?
  @Option(help: "Continue a run from its weights file: weights, optimizer state (Keras's layout) and epoch count; --epochs is the total.")
  var resume: String?

  @Option(help: "Augmentation: random rotation in degrees, ±range (Keras rotation_range).")
  var rotationRange: Double = 0
  @Option(help: "Augmentation: random horizontal shift, ± this fraction of the width (width_shift_range).")
  var widthShiftRange: Double = 0
  @Option(help: "Augmentation: random vertical shift, ± this fraction of the height (height_shift_range).")
  var heightShiftRange: Double = 0
  @Option(help: "Augmentation: random zoom in [1 - z, 1 + z] per axis (zoom_range).")
  var zoomRange: Double = 0
  @Flag(help: "Augmentation: flip half of the images left to right (horizontal_flip).")
  var horizontalFlip = false
  @Option(help: "Write a 3×3 grid of augmented training images to this .pgm/.ppm file and exit.")
  var augmentPreview: String?

  @Option(help: "The data files hold integer sequences, one per line (with --labels): 'pad' (Keras pad_sequences to the input length) or 'multi-hot' (vectorize_sequences to the input size).")
  var sequences: String?
  @Option(help: "Pretrained word vectors in GloVe's text format for the first Embedding layer (with --vocabulary); add --freeze embedding to keep them.")
  var embeddingVectors: String?
  @Option(help: "The vocabulary of --embedding-vectors: one word per line, line k is index k (0 is padding), as Keras's Tokenizer numbers words.")
  var vocabulary: String?
  @Option(help: "pad_sequences: pad 'pre' (default) or 'post'.")
  var padding: String = "pre"
  @Option(help: "pad_sequences: cut long sequences 'pre' (keep the end; default) or 'post'.")
  var truncating: String = "pre"

  @Flag(help: "--data is a time series, one row per step in time order: samples are windows of the model's input length (input [window] or [window, 1]: the target column alone; [window, features]: every column), targets the target column --horizon steps later; prints the naive baselines' MAE on the validation part.")
  var seriesWindows = false
  @Option(help: "--series-windows: the target column, 1-based (default: the last).")
  var targetColumn: Int?
  @Option(help: "--series-windows: the target is this many steps after the window's last (default 1; the Jena tutorial's 24 hours ahead is 24 with hourly rows).")
  var horizon: Int = 1
  @Option(help: "--series-windows: keep every Nth row before cutting windows (Keras's sampling_rate with sequence_stride equal to it: windows start every N rows; the Jena tutorial's 6 turns 10-minute rows into hours, with 6× fewer windows than its stride 1).")
  var samplingRate: Int = 1

  @Option(help: "Optimizer instead of the compiled one: sgd, adam, rmsprop, adagrad, adadelta, adamax, nadam (Keras defaults).")
  var optimizer: String?
  @Option(help: "Learning rate (default: the optimizer's).")
  var learningRate: Float?
  @Option(help: "Momentum, for sgd and rmsprop.")
  var momentum: Float?
  @Flag(help: "Nesterov momentum, for sgd.")
  var nesterov = false
  @Option(help: "Keras 2's time-based decay: step t uses lr / (1 + decay·t).")
  var decay: Float?
  @Option(help: "Clip each weight's gradient to this L2 norm (clipnorm).")
  var clipnorm: Float?
  @Option(help: "Clip each gradient element to ±this (clipvalue).")
  var clipvalue: Float?
  @Option(help: "Keras's class_weight: 'CLASS:WEIGHT,…' (e.g. '0:1,1:3'); the loss of each training row is scaled by its class's weight.")
  var classWeight: String?
  @Option(help: "Keras's sample_weight: a file (CSV/NPY) with one weight per training row, scaling that row's loss.")
  var sampleWeight: String?
  @Option(parsing: .singleValue, help: "Freeze this layer's weights (repeatable), e.g. after --weights for fine-tuning.")
  var freeze: [String] = []

  @Option(help: "ModelCheckpoint: also save after each epoch to this pattern, e.g. 'weights.{epoch:02d}-{val_loss:.2f}.h5'.")
  var checkpoint: String?
  @Option(help: "The log value the callbacks watch (default: val_loss with validation data, else loss).")
  var monitor: String?
  @Option(help: "auto, min or max: which way --monitor improves (auto: max for accuracy, AUC, precision, recall).")
  var mode: String = "auto"
  @Flag(help: "ModelCheckpoint: save only when --monitor improves.")
  var saveBestOnly = false
  @Option(help: "EarlyStopping: stop after this many epochs without improvement of --monitor.")
  var earlyStoppingPatience: Int?
  @Option(help: "EarlyStopping: the smallest change that counts as an improvement (min_delta).")
  var minDelta: Double = 0
  @Flag(help: "EarlyStopping: end with the weights of the best epoch.")
  var restoreBestWeights = false
  @Option(help: "ReduceLROnPlateau: multiply the learning rate by --reduce-lr-factor after this many epochs without improvement.")
  var reduceLrPatience: Int?
  @Option(help: "ReduceLROnPlateau: the factor (< 1).")
  var reduceLrFactor: Double = 0.1
  @Option(help: "ReduceLROnPlateau: the lowest learning rate.")
  var minLr: Double = 0
  @Option(help: "ReduceLROnPlateau: epochs to wait after a reduction.")
  var cooldown: Int = 0
  @Option(help: "LearningRateScheduler preset per epoch: time:DECAY, step:DROP:EVERY, exponential:K or cosine[:ALPHA].")
  var lrSchedule: String?

  @Option(help: "k-fold cross-validation: train a fresh model on each k−1 folds (stratified for classification, shuffled with --seed), evaluate on the held-out fold, report each fold and mean ± std.")
  var kfold: Int?

  @Option(help: "Weights file written after every epoch (default: <model>.h5): .h5 (model.save layout with model_config), .weights.h5 (Keras 3 save_weights) or .keras (Keras 3's model.save archive).")
  var output: String?
  @Option(help: "h5 (model.save layout with model_config) or weights.h5 (Keras 3 save_weights); default from --output's name (a .keras output has its own layout).")
  var format: String?
  @Option(help: "History CSV of every epoch's logs (default: <output>.history.csv).")
  var history: String?
  @Option(help: "History chart, SVG: loss and each metric per epoch, training and validation (default: <output>.history.svg).")
  var plot: String?
  @Option(help: "0 silent, 1 progress bar and epoch lines, 2 epoch lines only.")
  var verbose: Int = 1
  @Option(help: "OpenBLAS threads (default: all cores; under mpirun, the cores shared among the ranks on each machine).")
  var threads: Int?
  @Flag(help: "Time one epoch against OpenBLAS's sgemm rate instead of training (uses --data, or random data).")
  var benchmark = false
  @Flag(help: "Print Keras's model.summary() table and exit.")
  var summary = false
  @Option(help: "Evaluate these weights on --data (loss and metrics, Keras's evaluate) instead of training.")
  var evaluate: String?
  @Flag(help: "Print predictions of the --weights model for --data's rows (targets, if present, are dropped) instead of training.")
  var predict = false

  public init() {}

  public func validate() throws {
    if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
    if let split = validationSplit, !(0..<1).contains(split) { throw ValidationError("--validation-split must be in [0, 1)") }
    if let format, KerasWeightFormat(rawValue: format) == nil || format == "legacy-weights" {
      throw ValidationError("--format must be h5 or weights.h5")
    }
    if data == nil && !benchmark && !summary { throw ValidationError("--data is required") }
    if predict && weights == nil { throw ValidationError("--predict needs --weights") }
    if resume != nil && weights != nil { throw ValidationError("use either --resume or --weights") }
    if (embeddingVectors == nil) != (vocabulary == nil) { throw ValidationError("--embedding-vectors and --vocabulary go together") }
    if sequences != nil && sequenceEncoding == nil {
      throw ValidationError("--sequences must be pad or multi-hot, --padding and --truncating pre or post")
    }
    if sequences != nil && labels == nil && data != nil { throw ValidationError("--sequences needs --labels") }
    if predict && evaluate != nil { throw ValidationError("use either --evaluate or --predict") }
    if validationData != nil && validationSplit != nil { throw ValidationError("use either --validation-data or --validation-split") }
    if labels != nil && data == nil { throw ValidationError("--labels needs --data") }
    if rotationRange < 0 || rotationRange > 180 { throw ValidationError("--rotation-range must be in [0, 180] degrees") }
    for (name, value) in [("--width-shift-range", widthShiftRange), ("--height-shift-range", heightShiftRange), ("--zoom-range", zoomRange)]
    where value < 0 || value >= 1 {
      throw ValidationError("\(name) must be in [0, 1)")
    }
    if !augmentation.isIdentity || augmentPreview != nil, Augmentation.imageShape(Model.info.inputShape) == nil {
      throw ValidationError("augmentation needs image inputs ([height, width] or [height, width, channels]); this model's input is \(Model.info.inputShape)")
    }
  }

  /// ArgumentParser's `main`, except that a usage error is one line (`error: --epochs must be at least 1 (see
  /// pima-train --help)`, exit 64) and that under mpirun only rank 0 prints it (every rank has it alike).
  public static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      guard MPIGroup.launchedRank == 0 else { Glibc.exit(code.rawValue) }
      // Help and errors `run` has already printed (ExitCode) end as ArgumentParser ends them.
      if code == .success || error is ExitCode { exit(withError: error) }
      let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
      printError("error: \(message) (see \(CommandLine.arguments.first?.split(separator: "/").last ?? "the trainer") --help)")
      Glibc.exit(code.rawValue)
    }
  }

  public func run() throws {
    var group: MPIGroup?
    do {
      installInterruptHandler(restartingCalls: MPIGroup.launchedSize == nil)
      group = try MPIGroup.joinIfLaunched()
      if summary { return print(Model.info.summary) }
      configureBlas(threads: threads ?? group?.threadsPerRank, sleepingWorkers: true)
      if let group { return try trainDistributed(group) }
      if benchmark { return try runBenchmark() }
      if let evaluate { return try evaluateOnly(weightsPath: evaluate) }
      if predict { return try predictOnly() }
      try checkTrainingOptions()
      try train()
    } catch {
      if error.message != MPIGroup.quietMessage && (group != nil || MPIGroup.launchedRank == 0) { printError("error: \(error.message)") }
      // A rank that fails after the ranks agreed to train exits without MPI_Finalize: mpirun ends the others.
      if let group, !group.agreed { group.finish() }
      throw ExitCode.failure
    }
  }

  /// Training as one rank of `mpirun`: every rank prepares its data and model, they agree that all succeeded,
  /// then train together; rank 0 prints and writes.
  private func trainDistributed(_ group: MPIGroup) throws(PrecastError) {
    var command = self
    if !group.isRoot { command.verbose = 0 }
    do throws(PrecastError) {
      if benchmark || evaluate != nil || predict || augmentPreview != nil || kfold != nil {
        throw PrecastError("under mpirun the trainer only trains: drop --benchmark, --evaluate, --predict, --augment-preview and --kfold")
      }
      try command.checkTrainingOptions()
    } catch {
      try group.agree(failure: error)
    }
    try command.train(group: group)
    group.finish()
  }

  /// The option combinations that only the model can judge (monitored names, layers, optimizer settings),
  /// checked before any data is read; each failure is one line.
  private func checkTrainingOptions() throws(PrecastError) {
    if format != nil, output?.hasSuffix(".keras") == true {
      throw PrecastError("--format does not apply to a .keras output (its weights are always in the .weights.h5 layout)")
    }
    _ = try callbackOptions()
    _ = try optimizerConfig()
    if !seriesWindows && (targetColumn != nil || horizon != 1 || samplingRate != 1) {
      throw PrecastError("--target-column, --horizon and --sampling-rate go with --series-windows")
    }
    if seriesWindows, let other = [
      ("--validation-data", validationData != nil), ("--test-data", testData != nil), ("--kfold", kfold != nil),
      ("--normalize", normalize), ("--labels", labels != nil), ("--sequences", sequences != nil),
    ].first(where: \.1)?.0 {
      throw PrecastError("--series-windows cuts its own windows and validation period (the latest rows): drop \(other)")
    }
    if horizon < 1 || samplingRate < 1 || (targetColumn ?? 1) < 1 {
      throw PrecastError("--horizon, --sampling-rate and --target-column must be at least 1")
    }
    if let kfold {
      guard kfold >= 2 else { throw PrecastError("--kfold must be at least 2, got \(kfold)") }
      if validationData != nil || validationSplit != nil {
        throw PrecastError("--kfold holds out its own folds: drop --validation-split and --validation-data")
      }
      if checkpoint != nil || earlyStoppingPatience != nil || reduceLrPatience != nil {
        throw PrecastError("--kfold trains one model per fold without validation data: checkpoints, early stopping and ReduceLROnPlateau do not apply")
      }
    }
    if classWeight != nil && sampleWeight != nil { throw PrecastError("use either --class-weight or --sample-weight (Keras accepts one)") }
    _ = try parsedClassWeights()
    if classWeight != nil && !Model.info.isClassifier {
      throw PrecastError("--class-weight needs a classification loss; this model's is \(Model.info.loss.rawValue)")
    }
    if let unknown = freeze.first(where: { name in !Model.info.layers.contains { $0.name == name } }) {
      throw PrecastError("--freeze \(unknown): no such layer (layers: \(Model.info.layers.map(\.name).joined(separator: ", ")))")
    }
    // Where the run will write (rank 0 writes under mpirun): a missing or read-only folder is found now, not after
    // the first epoch.
    if MPIGroup.launchedRank == 0, evaluate == nil, !predict, !benchmark, !summary {
      let outputPath = output ?? "\(Model.info.name).h5"
      var files = [outputPath, history ?? historyPath(for: outputPath), plot ?? String(historyPath(for: outputPath).dropLast(4)) + ".svg"]
      if let checkpoint { files.append(checkpoint) }
      for file in files { try checkWritableFolder(of: file) }
    }
  }

  /// Throws unless the folder `path` would be written in exists and this process may create files there.
  private func checkWritableFolder(of path: String) throws(PrecastError) {
    let folder = parentFolder(of: path)
    guard ImageFolder.isDirectory(folder) else { throw PrecastError("\(path): the folder \(folder) does not exist") }
    guard access(folder, W_OK) == 0 else { throw PrecastError("\(path): the folder \(folder) is not writable") }
  }

  /// `--class-weight 0:1,1:3` as a dictionary (nil without the option).
  private func parsedClassWeights() throws(PrecastError) -> [Int: Float]? {
    guard let classWeight else { return nil }
    var weights: [Int: Float] = [:]
    for item in classWeight.split(separator: ",") {
      let parts = item.split(separator: ":").map { $0.filter { $0 != " " } }
      guard parts.count == 2, let label = Int(parts[0]), let weight = Float(parts[1]), weight >= 0
      else { throw PrecastError("--class-weight '\(classWeight)': use CLASS:WEIGHT pairs such as 0:1,1:3 (weights ≥ 0)") }
      weights[label] = weight
    }
    return weights
  }

  /// Applies --class-weight or --sample-weight to the training rows (before any validation split).
  private func weigh(_ data: inout Dataset) throws(PrecastError) {
    if let weights = try parsedClassWeights() { try data.applyClassWeights(weights, info: Model.info) }
    if let sampleWeight {
      let column: DataArray
      do { column = try DataLoader.load(path: sampleWeight) } catch { throw PrecastError("\(error)") }
      guard column.values.count == data.count else {
        throw PrecastError("\(sampleWeight): \(column.values.count) sample weights for \(data.count) training rows")
      }
      data.sampleWeights = column.values
    }
  }

  /// --sequences/--padding/--truncating as an encoding (nil without --sequences or when they are invalid).
  private var sequenceEncoding: Dataset.SequenceEncoding? {
    sequences.flatMap { Dataset.SequenceEncoding(sequences: $0, padding: padding, truncating: truncating) }
  }


  /// Loads a data file: integer sequences encoded with --sequences, or any table/array format. Text class labels are
  /// encoded with `classNames` (the training data's, for validation and test data), or sorted as LabelEncoder does.
  func loadData(_ path: String, labels: String?, classNames: [String]? = nil) throws(PrecastError) -> Dataset {
    if ImageFolder.isDirectory(path) {
      if labels != nil { throw PrecastError("\(path): an image folder's classes are its subfolders: drop the labels file") }
      return try loadImages(try indexFolder(path), classNames: classNames)
    }
    if let encoding = sequenceEncoding {
      guard let labels else { throw PrecastError("\(path): --sequences needs labels for it") }
      return try Dataset.loadSequences(features: path, labels: labels, info: Model.info, encoding: encoding, classNames: classNames)
    }
    return try Dataset.load(features: path, labels: labels, info: Model.info, classNames: classNames)
  }

  func indexFolder(_ path: String) throws(PrecastError) -> ImageFolder {
    do { return try ImageFolder.index(path: path) } catch { throw PrecastError("\(error)") }
  }

  /// An image folder's dataset, its bad files reported (with --skip-bad-images) or an error.
  func loadImages(_ folder: ImageFolder, classNames: [String]? = nil) throws(PrecastError) -> Dataset {
    guard imageCacheMb >= 0 else { throw PrecastError("--image-cache-mb must be ≥ 0") }
    let (dataset, skipped) = try Dataset.loadImages(
      folder, info: Model.info, classNames: classNames, skipBad: skipBadImages, cacheBytes: imageCacheMb << 20, threads: blasThreads)
    if verbose > 0 {
      let kept = dataset.images.map { "\($0.cachedCount) of them kept decoded in memory" } ?? ""
      print("Found \(dataset.count) images belonging to \(folder.classNames.count) classes in \(folder.root) (\(kept))")
      if !skipped.isEmpty {
        print("Skipped \(skipped.count) bad image\(skipped.count == 1 ? "" : "s"): \(skipped.prefix(5).joined(separator: ", "))\(skipped.count > 5 ? ", …" : "")")
      }
    }
    return dataset
  }

  /// "Images: 2,000 decoded (1,870/s on one thread); training waited 0.12 s for decoding (0.4% of the time), …":
  /// whether decoding kept up with training.
  func imageSummary(_ images: ImageStream, trainingSeconds: Double) -> String {
    let s = images.statistics
    let rate = s.decodeSeconds > 0 ? Double(s.decoded) / s.decodeSeconds : 0
    let share = trainingSeconds > 0 ? 100 * s.waitSeconds / trainingSeconds : 0
    return "Images: \(s.decoded) decoded (\(Int(rate)) images/s on one thread), \(s.cacheHits) taken from memory; "
      + "training waited \(formatFixed(s.waitSeconds, 2)) s for decoding (\(formatFixed(share, 1))% of the time) and decoded \(s.decodedInline) itself"
  }

  /// True when training will have validation data.
  private var hasValidation: Bool { validationData != nil || (validationSplit ?? Model.info.defaults.validationSplit) > 0 }

  /// The callbacks the options ask for, checked against the model's logs before any data is read.
  func callbackOptions() throws(PrecastError) -> (
    checkpoint: CheckpointOptions?, stopping: EarlyStoppingOptions?, plateau: ReduceLROnPlateauOptions?, schedule: EpochSchedule?
  ) {
    let info = Model.info
    guard let monitorMode = ["auto": nil, "min": Monitor.Mode.min, "max": .max][mode] else {
      throw PrecastError("--mode must be auto, min or max, got '\(mode)'")
    }
    let name = monitor ?? (hasValidation ? "val_loss" : "loss")
    func watch(minDelta: Double) throws(PrecastError) -> Monitor {
      try Monitor(name, mode: monitorMode, minDelta: minDelta, info: info, hasValidation: hasValidation)
    }
    let uses = checkpoint != nil || earlyStoppingPatience != nil || reduceLrPatience != nil
    if monitor != nil && !uses { throw PrecastError("--monitor needs --checkpoint, --early-stopping-patience or --reduce-lr-patience") }
    if saveBestOnly && checkpoint == nil { throw PrecastError("--save-best-only needs --checkpoint") }
    if restoreBestWeights && earlyStoppingPatience == nil { throw PrecastError("--restore-best-weights needs --early-stopping-patience") }
    var result: (CheckpointOptions?, EarlyStoppingOptions?, ReduceLROnPlateauOptions?, EpochSchedule?) = (nil, nil, nil, nil)
    if let checkpoint {
      let options = CheckpointOptions(pattern: checkpoint, monitor: try watch(minDelta: 0), saveBestOnly: saveBestOnly)
      _ = try options.path(epoch: 1, logs: exampleLogs(hasValidation: hasValidation))  // bad fields fail now, not after an epoch
      result.0 = options
    }
    if let patience = earlyStoppingPatience {
      guard patience >= 0 else { throw PrecastError("--early-stopping-patience must be ≥ 0") }
      result.1 = EarlyStoppingOptions(monitor: try watch(minDelta: minDelta), patience: patience, restoreBestWeights: restoreBestWeights)
    }
    if let patience = reduceLrPatience {
      guard patience >= 0, reduceLrFactor > 0, reduceLrFactor < 1, minLr >= 0, cooldown >= 0 else {
        throw PrecastError("--reduce-lr-patience ≥ 0, 0 < --reduce-lr-factor < 1, --min-lr ≥ 0 and --cooldown ≥ 0 are needed")
      }
      result.2 = ReduceLROnPlateauOptions(
        monitor: try watch(minDelta: 1e-4), factor: reduceLrFactor, patience: patience, cooldown: cooldown, minLearningRate: minLr)
    }
    if let lrSchedule { result.3 = try EpochSchedule(parsing: lrSchedule, epochs: epochs ?? info.defaults.epochs) }
    return result
  }

  /// Logs with every name an epoch will have (values 0), to check a checkpoint pattern before training.
  private func exampleLogs(hasValidation: Bool) -> Logs {
    var logs = Logs()
    let names = ["loss"] + Model.info.metrics.map(\.rawValue)
    for name in names { logs.entries.append((name, 0)) }
    if hasValidation { for name in names { logs.entries.append(("val_" + name, 0)) } }
    if lrSchedule != nil || reduceLrPatience != nil { logs.entries.append(("learning_rate", 0)) }
    return logs
  }

  /// The compiled optimizer, or the one --optimizer names, with the command line's hyper-parameters.
  func optimizerConfig() throws(PrecastError) -> OptimizerConfig {
    var config = Model.info.optimizer
    if let optimizer {
      let made: [String: OptimizerConfig] = [
        "sgd": .sgd(), "adam": .adam(), "rmsprop": .rmsprop(), "adagrad": .adagrad(), "adadelta": .adadelta(),
        "adamax": .adamax(), "nadam": .nadam(),
      ]
      guard let chosen = made[optimizer.lowercased()] else {
        throw PrecastError("--optimizer '\(optimizer)': use one of sgd, adam, rmsprop, adagrad, adadelta, adamax, nadam")
      }
      config = chosen
    }
    if let learningRate { config.learningRate = learningRate }
    if momentum != nil || nesterov {
      switch config.rule {
      case .sgd(let m, let n): config.rule = .sgd(momentum: momentum ?? m, nesterov: nesterov || n)
      case .rmsprop(let rho, let m, let eps, let centered) where !nesterov:
        config.rule = .rmsprop(rho: rho, momentum: momentum ?? m, epsilon: eps, centered: centered)
      default: throw PrecastError("--momentum is for sgd and rmsprop, --nesterov for sgd; the optimizer is \(config.kerasClassName)")
      }
    }
    if let decay { config.decay = decay }
    if clipnorm != nil || clipvalue != nil {
      (config.clipNorm, config.clipValue, config.globalClipNorm) = (clipnorm, clipvalue, nil)
    }
    // The spec's check, with the flags' names (the model's own settings were checked when it was generated).
    let problem = config.problem { setting in
      switch setting {
      case .learningRate: "--learning-rate"
      case .decay: "--decay"
      case .clipping: "--clipnorm and --clipvalue"
      case .clipBound: clipnorm != nil ? "--clipnorm" : "--clipvalue"
      case .momentum: "--momentum"
      case .beta1, .beta2, .rho, .initialAccumulator: "the model's \(setting)"
      }
    }
    if let problem { throw PrecastError(problem) }
    return config
  }

  var augmentation: Augmentation {
    Augmentation(
      rotationRange: rotationRange, widthShiftRange: widthShiftRange, heightShiftRange: heightShiftRange,
      zoomRange: zoomRange, horizontalFlip: horizontalFlip)
  }

  // MARK: - Training

  private func train(group: MPIGroup? = nil) throws(PrecastError) {
    do {
      try prepareAndTrain(group: group)
    } catch {
      if let group, !group.agreed { try group.agree(failure: error) }
      throw error
    }
  }

  private func prepareAndTrain(group: MPIGroup?) throws(PrecastError) {
    let info = Model.info
    let batch = batchSize ?? info.defaults.batchSize
    // Every rank trains with rank 0's seed (one shuffled order for all).
    var clockSeed: UInt64 = seed ?? wallClockSeed() % 1_000_000
    if let group { clockSeed = group.broadcast(clockSeed) }
    let outputPath = output ?? "\(info.name).h5"
    let fileFormat = format.flatMap(KerasWeightFormat.init(rawValue:)) ?? weightFormat(forPath: outputPath)

    // Buffers from 256 KB up come from mmap and go back to the system when freed (glibc's dynamic threshold
    // would keep them in the heap after the compressed dataset is freed): 3 MB less at the peak.
    _ = glibcMallopt(glibcMmapThreshold, 256 * 1024)
    var series: [Float]? = nil, seriesPreprocessing: Preprocessing? = nil, folderValidation: Dataset? = nil
    var all: Dataset
    if seriesWindows {
      // --standardize z-scores the series itself (inputs and targets) with its training period's statistics.
      let trainFraction = 1 - (validationSplit ?? info.defaults.validationSplit)
      let windows = Dataset.SeriesWindows(
        targetColumn: targetColumn, horizon: horizon, samplingRate: samplingRate, standardizeOver: standardize ? trainFraction : nil)
      let loaded = try Dataset.loadSeriesWindows(path: data!, info: info, options: windows)
      // Saved with the weights (replacing any the file had), so the inference binary takes raw windows.
      (all, series, seriesPreprocessing) = (loaded.dataset, loaded.series, loaded.preprocessing)
      if let mean = loaded.preprocessing.outputMean, let std = loaded.preprocessing.outputStd, verbose > 0 {
        print("Series standardized with the training period's statistics (target mean \(formatFixed(Double(mean), 3)), std \(formatFixed(Double(std), 3))): MAE × \(formatFixed(Double(std), 3)) is in the data's units")
      }
    } else if ImageFolder.isDirectory(data!) {
      // Keras's image_dataset_from_directory(validation_split=…, subset=…, seed=…): the files shuffled with the seed,
      // the last fraction validating (unless --validation-data is given).
      if labels != nil { throw PrecastError("\(data!): an image folder's classes are its subfolders: drop --labels") }
      let folder = try indexFolder(data!)
      let fraction = validationData == nil ? validationSplit ?? info.defaults.validationSplit : 0
      if fraction > 0 {
        let (trainFiles, validationFiles) = folder.split(validation: fraction, seed: UInt32(truncatingIfNeeded: clockSeed))
        guard !trainFiles.files.isEmpty, !validationFiles.files.isEmpty else {
          throw PrecastError("\(data!): --validation-split \(fraction) of \(folder.files.count) images leaves an empty part")
        }
        all = try loadImages(trainFiles)
        folderValidation = try loadImages(validationFiles, classNames: all.classNames)
      } else {
        all = try loadImages(folder)
      }
    } else {
      all = try loadData(data!, labels: labels)
    }
    try weigh(&all)
    if let kfold { return try crossValidate(all, k: kfold, batch: batch, seed: clockSeed, outputPath: outputPath, format: fileFormat) }
    var validation: Dataset? = folderValidation
    if let validationData {
      validation = try loadData(validationData, labels: validationLabels, classNames: all.classNames)
    } else if validation == nil, all.images == nil {
      (all, validation) = all.splitValidation(validationSplit ?? info.defaults.validationSplit)
    }
    var test = try testData.map { (path) throws(PrecastError) in try loadData(path, labels: testLabels, classNames: all.classNames) }

    let model = Model(maxBatch: group.map { (batch + $0.size - 1) / $0.size } ?? batch)  // this rank's part of a batch
    var preprocessing = Preprocessing()
    if let start = weights ?? resume {
      preprocessing = try model.loadWeights(path: start)
      if let resume, seriesWindows, (preprocessing.outputMean != nil) != standardize {
        throw PrecastError("\(resume) was trained \(standardize ? "without" : "with") --standardize: resume with the same series options")
      }
    } else {
      model.initializeParameters(seed: clockSeed)
    }
    try preprocessing.adoptClassNames(all.classNames, weightsPath: weights ?? resume)
    if let embeddingVectors, let vocabulary {
      let loaded = try model.loadWordVectors(path: embeddingVectors, vocabulary: vocabulary)
      if verbose > 0 {
        print("Embedding '\(loaded.layer)': \(loaded.found) of \(loaded.words) words found in \(embeddingVectors) (missing words are zeros)")
      }
    }
    if let seriesPreprocessing {
      preprocessing = seriesPreprocessing  // this run's statistics, already applied by the loader; saved with the weights
    } else {
      if normalize { preprocessing.inputScale = 1 / 255 }
      all.preprocess(preprocessing)
      if standardize && (resume == nil || preprocessing.standardizer == nil) {
        let standardizer = Standardizer.fit(all.x)
        preprocessing.standardizer = standardizer
        all.preprocess(Preprocessing(standardizer: standardizer))
      }
      validation.map { v in var v = v; v.preprocess(preprocessing); validation = v }
      if var t = test { t.preprocess(preprocessing); test = t }
    }

    let trainer = Trainer(model: model, preprocessing: preprocessing, optimizer: try optimizerConfig(), frozen: Set(freeze))
    trainer.group = group
    if let augmentPreview {
      let (h, w, c) = Augmentation.imageShape(info.inputShape)!
      let images = trainer.augmentedSamples(all, count: 9, augmentation: augmentation, seed: clockSeed)
      try writeImageGrid(images, height: h, width: w, channels: c, columns: 3, to: augmentPreview)
      print("Wrote \(images.count) augmented samples (\(augmentation.isIdentity ? "no augmentation" : augmentation.summary)) to \(augmentPreview)")
      return
    }
    // --resume: weights, optimizer state and epochs done; the run keeps its own seed (the same shuffles as
    // without the stop) unless --seed is given.
    let resumed = try resume.map { (path) throws(PrecastError) in try trainer.resume(from: path) }
    if let seriesPreprocessing { trainer.preprocessing = seriesPreprocessing }  // this run's statistics, not the file's
    let seed = self.seed ?? resumed?.seed ?? clockSeed
    if verbose > 0 {
      let valText = validation.map { ", validate on \($0.count)" } ?? ""
      print("Train on \(all.count) samples\(valText) - \(info.parameterCount) parameters - seed \(seed) - BLAS \(blasCoreName) × \(blasThreads)")
      if !augmentation.isIdentity { print("Augmentation: \(augmentation.summary)") }
    }
    var options = FitOptions(
      epochs: epochs ?? info.defaults.epochs, batchSize: batch, seed: seed, verbose: verbose,
      outputPath: outputPath, format: fileFormat, historyPath: history ?? historyPath(for: outputPath))
    options.shuffle = shuffle ?? info.defaults.shuffle
    options.plotPath = plot ?? String(historyPath(for: outputPath).dropLast(4)) + ".svg"
    if let resume, let resumed {
      options.initialEpoch = resumed.epoch
      guard options.initialEpoch < options.epochs else {
        throw PrecastError("\(resume) finished epoch \(options.initialEpoch) of --epochs \(options.epochs): raise --epochs to train on")
      }
      if verbose > 0 {
        print("Resuming after epoch \(options.initialEpoch) (optimizer \(trainer.optimizer.config.kerasClassName), iteration \(trainer.optimizer.iterations))")
      }
    }
    options.augmentation = augmentation
    (options.checkpoint, options.earlyStopping, options.reduceLROnPlateau, options.schedule) = try callbackOptions()
    if verbose > 0 && (optimizer != nil || learningRate != nil || decay != nil || momentum != nil || clipnorm != nil || clipvalue != nil) {
      print("Optimizer: \(trainer.optimizer.config.kerasClassName), learning rate \(trainer.optimizer.learningRate)")
    }
    if verbose > 0 && !freeze.isEmpty { print("Frozen: \(freeze.joined(separator: ", "))") }
    if let series, let validation, verbose > 0 {
      printBaselines(series: series, validationCount: validation.count, scale: preprocessing.outputStd ?? 1)
    }
    if let group {
      try group.agree(failure: nil)  // every rank has its data and model: from here they train in step
      trainer.broadcastState()
      if verbose > 0 {
        print("Data-parallel over \(group.size) ranks (mpirun): \(batch) samples per step, \(batch / group.size)–\((batch + group.size - 1) / group.size) per rank")
      }
    }
    let started = now()
    let outcome = try trainer.fit(all, validation: validation, options: options)
    if let images = all.images, verbose > 0 { print(imageSummary(images, trainingSeconds: now() - started)) }
    if let group, verbose > 1 { print(group.summary(trainingSeconds: now() - started)) }
    if case .interrupted = outcome { return }
    if verbose > 0 { print("Saved weights to \(outputPath) (\(savedFormatName(outputPath, fileFormat)))") }
    if let test {
      let logs = trainer.evaluate(test, batchSize: batch)
      if group?.isRoot ?? true { print("Test (\(test.count) samples): \(logs.formatted)") }
    }
  }

  /// Prints the forecasting tutorial's common-sense baselines on the validation windows (`naiveBaselines`).
  private func printBaselines(series: [Float], validationCount: Int, scale: Float) {
    let baselines = naiveBaselines(series: series, validationCount: validationCount, window: Model.info.inputShape[0], horizon: horizon)
    func units(_ mae: Float) -> String { scale == 1 ? formatFixed(Double(mae), 4) : "\(formatFixed(Double(mae), 4)) (\(formatFixed(Double(mae * scale), 3)) in the data's units)" }
    let last = horizon == 1 ? "next = last" : "target = the window's last value (\(horizon) steps before)"
    var line = "Naive baselines on the validation windows: \(last), mae \(units(baselines.last))"
    if let seasonal = baselines.seasonal { line += "; next = 12 steps before, mae \(units(seasonal))" }
    print(line)
  }

  // MARK: - Evaluate and predict

  /// Keras's `model.evaluate(x, y)`: the loss and metrics of saved weights on --data (their preprocessing applied).
  private func evaluateOnly(weightsPath: String) throws(PrecastError) {
    let info = Model.info
    let batch = batchSize ?? info.defaults.batchSize
    let model = Model(maxBatch: batch)
    let preprocessing = try model.loadWeights(path: weightsPath)
    var dataset = try loadData(data!, labels: labels, classNames: preprocessing.classNames)
    dataset.preprocess(preprocessing)
    if let mean = preprocessing.outputMean, let std = preprocessing.outputStd {  // a forecaster: in its training units
      preprocessing.standardizeTargets(&dataset.y)
      print("Targets standardized as in training (mean \(formatFixed(Double(mean), 3)), std \(formatFixed(Double(std), 3))): MAE × \(formatFixed(Double(std), 3)) is in the data's units")
    }
    let logs = Trainer(model: model, preprocessing: preprocessing).evaluate(dataset, batchSize: batch)
    print("Evaluate (\(dataset.count) samples): \(logs.formatted)")
  }

  /// Keras's `model.predict(x)`: one CSV row of outputs per --data row, as the inference binary prints them.
  private func predictOnly() throws(PrecastError) {
    let info = Model.info
    let model = Model(maxBatch: batchSize ?? info.defaults.batchSize)
    let preprocessing = try model.loadWeights(path: weights!)
    var x = try readFeatures(data!, targetsIncluded: true, info: info)
    preprocessing.apply(to: &x)
    var y = model.predictAll(x)
    preprocessing.restore(&y)
    writeOut(formatPredictions(y, classes: false, names: nil))
  }

  /// How the saved file is described after training.
  private func savedFormatName(_ path: String, _ format: KerasWeightFormat) -> String {
    if path.hasSuffix(".keras") { return "Keras 3 .keras archive with config and compile config" }
    return format == .legacyModel ? "Keras .h5 with model_config" : "Keras 3 .weights.h5"
  }

  private func historyPath(for output: String) -> String {
    var stem = output
    for suffix in [".weights.h5", ".h5", ".keras"] where stem.hasSuffix(suffix) {
      stem.removeLast(suffix.count)
      break
    }
    return stem + ".history.csv"
  }
}

/// glibc's `mallopt` (declared in <malloc.h>, which the Glibc module does not export) and its `M_MMAP_THRESHOLD`.
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let glibcMmapThreshold: Int32 = -3
