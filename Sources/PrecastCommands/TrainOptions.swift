// TrainOptions.swift: the trainer's flags as option groups, one per concern, each checking its own flags.
import ArgumentParser
import PrecastRuntime

// `TrainCommand` declares the groups in this file's order, which is the order of `--help`. Each group's `validate()`
// checks only its own flags (ranges, flags that go together or exclude each other, a flag that needs another, the
// compiled model's layers and optimizer); a mistake is a `ValidationError`, a usage error: one line, exit 64,
// before any file is read. The checks that span groups are `TrainCommand.validate()`'s.
extension TrainCommand {
  // MARK: - Data

  /// The data files: training data and its labels, validation and test data.
  struct DataOptions: ParsableArguments {
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

    func validate() throws {
      if labels != nil && data == nil { throw ValidationError("--labels needs --data") }
    }
  }

  // MARK: - Training

  /// The fit itself (Keras's `fit` arguments): epochs, batch size, validation split, shuffling, input scaling, seed,
  /// and the weights it starts from.
  struct TrainingOptions: ParsableArguments {
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
    @Flag(help: "Z-score each feature with training-split statistics; stored with the weights.")
    var standardize = false
    @Option(help: "Random seed for initialization, shuffling and dropout (default: from the clock).")
    var seed: UInt64?
    @Option(help: "Start from these weights (any Keras weights file) instead of initializing.")
    var weights: String?
    @Option(help: "Continue a run from its weights file: weights, optimizer state (Keras's layout) and epoch count; --epochs is the total.")
    var resume: String?

    func validate() throws {
      if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
      if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
      if let validationSplit, !(0..<1).contains(validationSplit) { throw ValidationError("--validation-split must be in [0, 1)") }
      if resume != nil && weights != nil { throw ValidationError("use either --resume or --weights") }
    }

    /// --epochs, or the model's default.
    var epochCount: Int { epochs ?? Model.info.defaults.epochs }
    /// --batch-size, or the model's default.
    var batch: Int { batchSize ?? Model.info.defaults.batchSize }
    /// --validation-split, or the model's default.
    var split: Double { validationSplit ?? Model.info.defaults.validationSplit }
  }

  // MARK: - Image folders

  /// How a folder of class subfolders of PNG/JPEG images is read.
  struct ImageFolderOptions: ParsableArguments {
    @Flag(help: "Image folders: leave out files that are not PNG/JPEG or do not decode (counted and listed) instead of stopping.")
    var skipBadImages = false
    @Option(help: "Image folders: megabytes of decoded images kept in memory between epochs (the rest are decoded again; default 1024).")
    var imageCacheMb: Int = 1024

    func validate() throws {
      if imageCacheMb < 0 { throw ValidationError("--image-cache-mb must be ≥ 0") }
    }
  }

  // MARK: - Augmentation

  /// Random transforms of the training images (Keras's ImageDataGenerator arguments) and their preview.
  struct AugmentationOptions: ParsableArguments {
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

    func validate() throws {
      // Each check is written so that NaN fails it too.
      if !(0...180).contains(rotationRange) { throw ValidationError("--rotation-range must be in [0, 180] degrees") }
      for (name, value) in [("--width-shift-range", widthShiftRange), ("--height-shift-range", heightShiftRange), ("--zoom-range", zoomRange)]
      where !(0..<1).contains(value) {
        throw ValidationError("\(name) must be in [0, 1)")
      }
      if !settings.isIdentity || augmentPreview != nil, Augmentation.imageShape(Model.info.inputShape) == nil {
        throw ValidationError("augmentation needs image inputs ([height, width] or [height, width, channels]); this model's input is \(Model.info.inputShape)")
      }
    }

    /// The transforms these flags ask for (identity without any).
    var settings: Augmentation {
      Augmentation(
        rotationRange: rotationRange, widthShiftRange: widthShiftRange, heightShiftRange: heightShiftRange,
        zoomRange: zoomRange, horizontalFlip: horizontalFlip)
    }
  }

  // MARK: - Sequences

  /// Text as integer sequences (Keras's pad_sequences or multi-hot vectors) and pretrained word vectors.
  struct SequenceOptions: ParsableArguments {
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

    func validate() throws {
      if (embeddingVectors == nil) != (vocabulary == nil) { throw ValidationError("--embedding-vectors and --vocabulary go together") }
      if sequences != nil && encoding == nil {
        throw ValidationError("--sequences must be pad or multi-hot, --padding and --truncating pre or post")
      }
    }

    /// --sequences/--padding/--truncating as an encoding (nil without --sequences or when they are invalid).
    var encoding: Dataset.SequenceEncoding? {
      sequences.flatMap { Dataset.SequenceEncoding(sequences: $0, padding: padding, truncating: truncating) }
    }
  }

  // MARK: - Series

  /// A time series cut into windows (Keras's timeseries_dataset_from_array).
  struct SeriesOptions: ParsableArguments {
    @Flag(help: "--data is a time series, one row per step in time order: samples are windows of the model's input length (input [window] or [window, 1]: the target column alone; [window, features]: every column), targets the target column --horizon steps later; prints the naive baselines' MAE on the validation part.")
    var seriesWindows = false
    @Option(help: "--series-windows: the target column, 1-based (default: the last).")
    var targetColumn: Int?
    @Option(help: "--series-windows: the target is this many steps after the window's last (default 1; the Jena tutorial's 24 hours ahead is 24 with hourly rows).")
    var horizon: Int = 1
    @Option(help: "--series-windows: keep every Nth row before cutting windows (Keras's sampling_rate with sequence_stride equal to it: windows start every N rows; the Jena tutorial's 6 turns 10-minute rows into hours, with 6× fewer windows than its stride 1).")
    var samplingRate: Int = 1

    func validate() throws {
      if !seriesWindows && (targetColumn != nil || horizon != 1 || samplingRate != 1) {
        throw ValidationError("--target-column, --horizon and --sampling-rate go with --series-windows")
      }
      if horizon < 1 || samplingRate < 1 || (targetColumn ?? 1) < 1 {
        throw ValidationError("--horizon, --sampling-rate and --target-column must be at least 1")
      }
    }
  }

  // MARK: - Optimizer

  /// The optimizer (the compiled one, or another with Keras's defaults), its hyper-parameters, and the layers it
  /// leaves alone.
  struct OptimizerOptions: ParsableArguments {
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
    @Option(parsing: .singleValue, help: "Freeze this layer's weights (repeatable), e.g. after --weights for fine-tuning.")
    var freeze: [String] = []

    func validate() throws {
      _ = try usageError { () throws(PrecastError) in try config() }
      if let unknown = freeze.first(where: { name in !Model.info.layers.contains { $0.name == name } }) {
        throw ValidationError("--freeze \(unknown): no such layer (layers: \(Model.info.layers.map(\.name).joined(separator: ", ")))")
      }
    }

    /// True when a flag changes the compiled optimizer (the trainer then prints the one it uses).
    var changesOptimizer: Bool {
      optimizer != nil || learningRate != nil || decay != nil || momentum != nil || clipnorm != nil || clipvalue != nil
    }

    /// The compiled optimizer, or the one --optimizer names, with the command line's hyper-parameters.
    func config() throws(PrecastError) -> OptimizerConfig {
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
  }

  // MARK: - Loss weights

  /// Keras's class_weight and sample_weight: how much each training row's loss counts.
  struct LossWeightOptions: ParsableArguments {
    @Option(help: "Keras's class_weight: 'CLASS:WEIGHT,…' (e.g. '0:1,1:3'); the loss of each training row is scaled by its class's weight.")
    var classWeight: String?
    @Option(help: "Keras's sample_weight: a file (CSV/NPY) with one weight per training row, scaling that row's loss.")
    var sampleWeight: String?

    func validate() throws {
      if classWeight != nil && sampleWeight != nil { throw ValidationError("use either --class-weight or --sample-weight (Keras accepts one)") }
      _ = try usageError { () throws(PrecastError) in try classWeights() }
      if classWeight != nil && !Model.info.isClassifier {
        throw ValidationError("--class-weight needs a classification loss; this model's is \(Model.info.loss.rawValue)")
      }
    }

    /// `--class-weight 0:1,1:3` as a dictionary (nil without the option).
    func classWeights() throws(PrecastError) -> [Int: Float]? {
      guard let classWeight else { return nil }
      var weights: [Int: Float] = [:]
      for item in classWeight.split(separator: ",") {
        let parts = item.split(separator: ":").map { $0.filter { $0 != " " } }
        guard parts.count == 2, let label = Int(parts[0]), let weight = Float(parts[1]), weight >= 0, weight.isFinite
        else { throw PrecastError("--class-weight '\(classWeight)': use CLASS:WEIGHT pairs such as 0:1,1:3 (weights ≥ 0)") }
        weights[label] = weight
      }
      return weights
    }
  }

  // MARK: - Callbacks

  /// Keras's callbacks: ModelCheckpoint, EarlyStopping, ReduceLROnPlateau (with the log value they watch) and
  /// LearningRateScheduler presets. Whether the watched name is in the logs depends on the validation data too:
  /// `TrainCommand.validate()` checks it with `resolved(hasValidation:epochs:)`.
  struct CallbackOptions: ParsableArguments {
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

    func validate() throws {
      if monitorMode == nil { throw ValidationError("--mode must be auto, min or max, got '\(mode)'") }
      if monitor != nil && !watches { throw ValidationError("--monitor needs --checkpoint, --early-stopping-patience or --reduce-lr-patience") }
      if saveBestOnly && checkpoint == nil { throw ValidationError("--save-best-only needs --checkpoint") }
      if restoreBestWeights && earlyStoppingPatience == nil { throw ValidationError("--restore-best-weights needs --early-stopping-patience") }
      if let earlyStoppingPatience, earlyStoppingPatience < 0 { throw ValidationError("--early-stopping-patience must be ≥ 0") }
      if !minDelta.isFinite { throw ValidationError("--min-delta must be a number, got \(minDelta)") }
      if let reduceLrPatience, !(reduceLrPatience >= 0 && reduceLrFactor > 0 && reduceLrFactor < 1 && minLr >= 0 && minLr.isFinite && cooldown >= 0) {
        throw ValidationError("--reduce-lr-patience ≥ 0, 0 < --reduce-lr-factor < 1, --min-lr ≥ 0 and --cooldown ≥ 0 are needed")
      }
      if let lrSchedule { _ = try usageError { () throws(PrecastError) in try EpochSchedule(parsing: lrSchedule, epochs: 1) } }
    }

    /// True when a callback watches --monitor.
    var watches: Bool { checkpoint != nil || earlyStoppingPatience != nil || reduceLrPatience != nil }

    /// --mode: `.some(nil)` for auto, nil when it is none of auto, min and max.
    private var monitorMode: Monitor.Mode?? { ["auto": nil, "min": Monitor.Mode.min, "max": .max][mode] }

    /// The callbacks the flags ask for, their monitored name and checkpoint pattern checked against the logs the
    /// model will have (`hasValidation`: whether training has validation data; `epochs`: the run's, for cosine).
    func resolved(hasValidation: Bool, epochs: Int) throws(PrecastError) -> (
      checkpoint: CheckpointOptions?, stopping: EarlyStoppingOptions?, plateau: ReduceLROnPlateauOptions?, schedule: EpochSchedule?
    ) {
      let name = monitor ?? (hasValidation ? "val_loss" : "loss")
      let mode = monitorMode ?? nil
      func watch(minDelta: Double) throws(PrecastError) -> Monitor {
        try Monitor(name, mode: mode, minDelta: minDelta, info: Model.info, hasValidation: hasValidation)
      }
      var result: (CheckpointOptions?, EarlyStoppingOptions?, ReduceLROnPlateauOptions?, EpochSchedule?) = (nil, nil, nil, nil)
      if let checkpoint {
        let options = CheckpointOptions(pattern: checkpoint, monitor: try watch(minDelta: 0), saveBestOnly: saveBestOnly)
        _ = try options.path(epoch: 1, logs: exampleLogs(hasValidation: hasValidation))  // bad fields fail now, not after an epoch
        result.0 = options
      }
      if let patience = earlyStoppingPatience {
        result.1 = EarlyStoppingOptions(monitor: try watch(minDelta: minDelta), patience: patience, restoreBestWeights: restoreBestWeights)
      }
      if let patience = reduceLrPatience {
        result.2 = ReduceLROnPlateauOptions(
          monitor: try watch(minDelta: 1e-4), factor: reduceLrFactor, patience: patience, cooldown: cooldown, minLearningRate: minLr)
      }
      if let lrSchedule { result.3 = try EpochSchedule(parsing: lrSchedule, epochs: epochs) }
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
  }

  // MARK: - Output

  /// What the run writes and prints: the weights file and its layout, the history CSV and chart, the console's detail.
  struct OutputOptions: ParsableArguments {
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

    func validate() throws {
      if let format, KerasWeightFormat(rawValue: format) == nil || format == "legacy-weights" {
        throw ValidationError("--format must be h5 or weights.h5")
      }
      if format != nil, output?.hasSuffix(".keras") == true {
        throw ValidationError("--format does not apply to a .keras output (its weights are always in the .weights.h5 layout)")
      }
    }

    /// --output, or `<model>.h5`.
    var outputPath: String { output ?? "\(Model.info.name).h5" }
    /// --format, or the layout --output's name implies.
    var fileFormat: KerasWeightFormat { format.flatMap(KerasWeightFormat.init(rawValue:)) ?? weightFormat(forPath: outputPath) }
    /// --history, or `<output>.history.csv`.
    var historyPath: String { history ?? Self.historyPath(for: outputPath) }
    /// --plot, or `<output>.history.svg`.
    var plotPath: String { plot ?? String(Self.historyPath(for: outputPath).dropLast(4)) + ".svg" }

    /// "pima.h5" → "pima.history.csv" ("x.weights.h5" → "x.history.csv").
    private static func historyPath(for output: String) -> String {
      var stem = output
      for suffix in [".weights.h5", ".h5", ".keras"] where stem.hasSuffix(suffix) {
        stem.removeLast(suffix.count)
        break
      }
      return stem + ".history.csv"
    }
  }

  // MARK: - Run mode and distribution

  /// What the run does instead of one fit (k-fold cross-validation, a benchmark, the summary, evaluation or
  /// prediction) and the cores it uses. Under mpirun the trainer only fits (`TrainCommand.validate()`).
  struct ExecutionOptions: ParsableArguments {
    @Option(help: "k-fold cross-validation: train a fresh model on each k−1 folds (stratified for classification, shuffled with --seed), evaluate on the held-out fold, report each fold and mean ± std.")
    var kfold: Int?
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

    func validate() throws {
      if let kfold, kfold < 2 { throw ValidationError("--kfold must be at least 2, got \(kfold)") }
      if predict && evaluate != nil { throw ValidationError("use either --evaluate or --predict") }
    }
  }
}

/// `body`'s result, its `PrecastError` thrown as the `ValidationError` ArgumentParser reports as a usage error
/// (the same one line, exit 64).
func usageError<T>(_ body: () throws(PrecastError) -> T) throws(ValidationError) -> T {
  do { return try body() } catch { throw ValidationError(error.message) }
}
