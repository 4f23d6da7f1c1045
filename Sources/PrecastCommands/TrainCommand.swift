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

  // The flags, one group per concern (TrainOptions.swift), in the order `--help` lists them.
  @OptionGroup var files: DataOptions
  @OptionGroup var training: TrainingOptions
  @OptionGroup var imageFolders: ImageFolderOptions
  @OptionGroup var augmentation: AugmentationOptions
  @OptionGroup var text: SequenceOptions
  @OptionGroup var timeSeries: SeriesOptions
  @OptionGroup var optimization: OptimizerOptions
  @OptionGroup var lossWeights: LossWeightOptions
  @OptionGroup var callbacks: CallbackOptions
  @OptionGroup var outputs: OutputOptions
  @OptionGroup var execution: ExecutionOptions

  public init() {}

  /// The checks that span groups (each group has checked its own flags): usage errors, before any file is read.
  public func validate() throws {
    if files.data == nil && !execution.benchmark && !execution.summary { throw ValidationError("--data is required") }
    if execution.predict && training.weights == nil { throw ValidationError("--predict needs --weights") }
    if text.sequences != nil && files.labels == nil && files.data != nil { throw ValidationError("--sequences needs --labels") }
    if files.validationData != nil && training.validationSplit != nil { throw ValidationError("use either --validation-data or --validation-split") }
    if MPIGroup.launchedSize != nil,
      execution.benchmark || execution.evaluate != nil || execution.predict || augmentation.augmentPreview != nil || execution.kfold != nil
    {
      throw ValidationError("under mpirun the trainer only trains: drop --benchmark, --evaluate, --predict, --augment-preview and --kfold")
    }
    _ = try usageError { () throws(PrecastError) in try callbackOptions() }
    if timeSeries.seriesWindows, let other = [
      ("--validation-data", files.validationData != nil), ("--test-data", files.testData != nil), ("--kfold", execution.kfold != nil),
      ("--normalize", training.normalize), ("--labels", files.labels != nil), ("--sequences", text.sequences != nil),
    ].first(where: \.1)?.0 {
      throw ValidationError("--series-windows cuts its own windows and validation period (the latest rows): drop \(other)")
    }
    if execution.kfold != nil {
      if files.validationData != nil || training.validationSplit != nil {
        throw ValidationError("--kfold holds out its own folds: drop --validation-split and --validation-data")
      }
      if callbacks.checkpoint != nil || callbacks.earlyStoppingPatience != nil || callbacks.reduceLrPatience != nil {
        throw ValidationError("--kfold trains one model per fold without validation data: checkpoints, early stopping and ReduceLROnPlateau do not apply")
      }
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
      if execution.summary { return print(Model.info.summary) }
      configureBlas(threads: execution.threads ?? group?.threadsPerRank, sleepingWorkers: true)
      if let group { return try trainDistributed(group) }
      if execution.benchmark { return try runBenchmark() }
      if let evaluate = execution.evaluate { return try evaluateOnly(weightsPath: evaluate) }
      if execution.predict { return try predictOnly() }
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
    if !group.isRoot { command.outputs.verbose = 0 }
    try command.train(group: group)
    group.finish()
  }

  /// Where the run will write (rank 0 writes under mpirun): a missing or read-only folder is found before any data is
  /// read, not after the first epoch.
  private func checkOutputFolders() throws(PrecastError) {
    guard MPIGroup.launchedRank == 0 else { return }
    var paths = [outputs.outputPath, outputs.historyPath, outputs.plotPath]
    if let checkpoint = callbacks.checkpoint { paths.append(checkpoint) }
    for path in paths { try checkWritableFolder(of: path) }
  }

  /// Throws unless the folder `path` would be written in exists and this process may create files there.
  private func checkWritableFolder(of path: String) throws(PrecastError) {
    let folder = parentFolder(of: path)
    guard ImageFolder.isDirectory(folder) else { throw PrecastError("\(path): the folder \(folder) does not exist") }
    guard access(folder, W_OK) == 0 else { throw PrecastError("\(path): the folder \(folder) is not writable") }
  }

  /// Applies --class-weight or --sample-weight to the training rows (before any validation split).
  private func weigh(_ data: inout Dataset) throws(PrecastError) {
    if let weights = try lossWeights.classWeights() { try data.applyClassWeights(weights, info: Model.info) }
    if let sampleWeight = lossWeights.sampleWeight {
      let column: DataArray
      do { column = try DataLoader.load(path: sampleWeight) } catch { throw PrecastError("\(error)") }
      guard column.values.count == data.count else {
        throw PrecastError("\(sampleWeight): \(column.values.count) sample weights for \(data.count) training rows")
      }
      data.sampleWeights = column.values
    }
  }

  /// Loads a data file: integer sequences encoded with --sequences, or any table/array format. Text class labels are
  /// encoded with `classNames` (the training data's, for validation and test data), or sorted as LabelEncoder does.
  func loadData(_ path: String, labels: String?, classNames: [String]? = nil) throws(PrecastError) -> Dataset {
    if ImageFolder.isDirectory(path) {
      if labels != nil { throw PrecastError("\(path): an image folder's classes are its subfolders: drop the labels file") }
      return try loadImages(try indexFolder(path), classNames: classNames)
    }
    if let encoding = text.encoding {
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
    let (dataset, skipped) = try Dataset.loadImages(
      folder, info: Model.info, classNames: classNames, skipBad: imageFolders.skipBadImages, cacheBytes: imageFolders.imageCacheMb << 20,
      threads: blasThreads)
    if outputs.verbose > 0 {
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
  private var hasValidation: Bool { files.validationData != nil || training.split > 0 }

  /// The callbacks the options ask for, checked against the model's logs (`validate` calls it before any data is read).
  func callbackOptions() throws(PrecastError) -> (
    checkpoint: CheckpointOptions?, stopping: EarlyStoppingOptions?, plateau: ReduceLROnPlateauOptions?, schedule: EpochSchedule?
  ) {
    try callbacks.resolved(hasValidation: hasValidation, epochs: training.epochCount)
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
    let batch = training.batch, verbose = outputs.verbose, data = files.data!
    // Every rank trains with rank 0's seed (one shuffled order for all).
    var clockSeed: UInt64 = training.seed ?? wallClockSeed() % 1_000_000
    if let group { clockSeed = group.broadcast(clockSeed) }
    // After the ranks' first collective: a failure of rank 0 alone (it writes) is agreed on where every rank's is.
    try checkOutputFolders()
    let outputPath = outputs.outputPath, fileFormat = outputs.fileFormat

    // Buffers from 256 KB up come from mmap and go back to the system when freed (glibc's dynamic threshold
    // would keep them in the heap after the compressed dataset is freed): 3 MB less at the peak.
    _ = glibcMallopt(glibcMmapThreshold, 256 * 1024)
    var series: [Float]? = nil, seriesPreprocessing: Preprocessing? = nil, folderValidation: Dataset? = nil
    var all: Dataset
    if timeSeries.seriesWindows {
      // --standardize z-scores the series itself (inputs and targets) with its training period's statistics.
      let trainFraction = 1 - training.split
      let windows = Dataset.SeriesWindows(
        targetColumn: timeSeries.targetColumn, horizon: timeSeries.horizon, samplingRate: timeSeries.samplingRate,
        standardizeOver: training.standardize ? trainFraction : nil)
      let loaded = try Dataset.loadSeriesWindows(path: data, info: info, options: windows)
      // Saved with the weights (replacing any the file had), so the inference binary takes raw windows.
      (all, series, seriesPreprocessing) = (loaded.dataset, loaded.series, loaded.preprocessing)
      if let mean = loaded.preprocessing.outputMean, let std = loaded.preprocessing.outputStd, verbose > 0 {
        print("Series standardized with the training period's statistics (target mean \(formatFixed(Double(mean), 3)), std \(formatFixed(Double(std), 3))): MAE × \(formatFixed(Double(std), 3)) is in the data's units")
      }
    } else if ImageFolder.isDirectory(data) {
      // Keras's image_dataset_from_directory(validation_split=…, subset=…, seed=…): the files shuffled with the seed,
      // the last fraction validating (unless --validation-data is given).
      if files.labels != nil { throw PrecastError("\(data): an image folder's classes are its subfolders: drop --labels") }
      let folder = try indexFolder(data)
      let fraction = files.validationData == nil ? training.split : 0
      if fraction > 0 {
        let (trainFiles, validationFiles) = folder.split(validation: fraction, seed: UInt32(truncatingIfNeeded: clockSeed))
        guard !trainFiles.files.isEmpty, !validationFiles.files.isEmpty else {
          throw PrecastError("\(data): --validation-split \(fraction) of \(folder.files.count) images leaves an empty part")
        }
        all = try loadImages(trainFiles)
        folderValidation = try loadImages(validationFiles, classNames: all.classNames)
      } else {
        all = try loadImages(folder)
      }
    } else {
      all = try loadData(data, labels: files.labels)
    }
    try weigh(&all)
    if let kfold = execution.kfold {
      return try crossValidate(all, k: kfold, batch: batch, seed: clockSeed, outputPath: outputPath, format: fileFormat)
    }
    var validation: Dataset? = folderValidation
    if let validationData = files.validationData {
      validation = try loadData(validationData, labels: files.validationLabels, classNames: all.classNames)
    } else if validation == nil, all.images == nil {
      (all, validation) = all.splitValidation(training.split)
    }
    var test = try files.testData.map { (path) throws(PrecastError) in try loadData(path, labels: files.testLabels, classNames: all.classNames) }

    let model = Model(maxBatch: group.map { (batch + $0.size - 1) / $0.size } ?? batch)  // this rank's part of a batch
    let resume = training.resume, standardize = training.standardize
    var preprocessing = Preprocessing()
    if let start = training.weights ?? resume {
      preprocessing = try model.loadWeights(path: start)
      if let resume, timeSeries.seriesWindows, (preprocessing.outputMean != nil) != standardize {
        throw PrecastError("\(resume) was trained \(standardize ? "without" : "with") --standardize: resume with the same series options")
      }
    } else {
      model.initializeParameters(seed: clockSeed)
    }
    try preprocessing.adoptClassNames(all.classNames, weightsPath: training.weights ?? resume)
    if let embeddingVectors = text.embeddingVectors, let vocabulary = text.vocabulary {
      let loaded = try model.loadWordVectors(path: embeddingVectors, vocabulary: vocabulary)
      if verbose > 0 {
        print("Embedding '\(loaded.layer)': \(loaded.found) of \(loaded.words) words found in \(embeddingVectors) (missing words are zeros)")
      }
    }
    if let seriesPreprocessing {
      preprocessing = seriesPreprocessing  // this run's statistics, already applied by the loader; saved with the weights
    } else {
      if training.normalize { preprocessing.inputScale = 1 / 255 }
      all.preprocess(preprocessing)
      if standardize && (resume == nil || preprocessing.standardizer == nil) {
        let standardizer = Standardizer.fit(all.x)
        preprocessing.standardizer = standardizer
        all.preprocess(Preprocessing(standardizer: standardizer))
      }
      validation.map { v in var v = v; v.preprocess(preprocessing); validation = v }
      if var t = test { t.preprocess(preprocessing); test = t }
    }

    let frozen = optimization.freeze
    let trainer = Trainer(model: model, preprocessing: preprocessing, optimizer: try optimization.config(), frozen: Set(frozen))
    trainer.group = group
    let augmentation = self.augmentation.settings
    if let augmentPreview = self.augmentation.augmentPreview {
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
    let seed = training.seed ?? resumed?.seed ?? clockSeed
    if verbose > 0 {
      let valText = validation.map { ", validate on \($0.count)" } ?? ""
      print("Train on \(all.count) samples\(valText) - \(info.parameterCount) parameters - seed \(seed) - BLAS \(blasCoreName) × \(blasThreads)")
      if !augmentation.isIdentity { print("Augmentation: \(augmentation.summary)") }
    }
    var options = FitOptions(
      epochs: training.epochCount, batchSize: batch, seed: seed, verbose: verbose,
      outputPath: outputPath, format: fileFormat, historyPath: outputs.historyPath)
    options.shuffle = training.shuffle ?? info.defaults.shuffle
    options.plotPath = outputs.plotPath
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
    if verbose > 0 && optimization.changesOptimizer {
      print("Optimizer: \(trainer.optimizer.config.kerasClassName), learning rate \(trainer.optimizer.learningRate)")
    }
    if verbose > 0 && !frozen.isEmpty { print("Frozen: \(frozen.joined(separator: ", "))") }
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
    let horizon = timeSeries.horizon
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
    let batch = training.batch
    let model = Model(maxBatch: batch)
    let preprocessing = try model.loadWeights(path: weightsPath)
    var dataset = try loadData(files.data!, labels: files.labels, classNames: preprocessing.classNames)
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
    let model = Model(maxBatch: training.batch)
    let preprocessing = try model.loadWeights(path: training.weights!)
    var x = try readFeatures(files.data!, targetsIncluded: true, info: Model.info)
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
}

/// glibc's `mallopt` (declared in <malloc.h>, which the Glibc module does not export) and its `M_MMAP_THRESHOLD`.
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let glibcMmapThreshold: Int32 = -3
