import ArgumentParser
import BostonModel
import FashionCnnModel
import Glibc
import PimaModel
import PrecastRuntime
import XCTest

@testable import PrecastCommands

/// The trainer's command line (`TrainCommand` and its option groups): every flag lands in its group, and every
/// mistake in the flags alone is a usage error (exit 64, one line) found while parsing, before any file is read.
final class TrainCommandTests: XCTestCase {
  private typealias PimaTrain = TrainCommand<Pima>

  func testFlagsLandInTheirGroups() throws {
    let all = try PimaTrain.parse([
      "--data", "d.csv", "--labels", "l.csv", "--validation-data", "v.csv", "--validation-labels", "vl.csv",
      "--test-data", "t.csv", "--test-labels", "tl.csv", "--epochs", "3", "--batch-size", "16", "--no-shuffle",
      "--normalize", "--standardize", "--seed", "7", "--weights", "w.h5", "--skip-bad-images", "--image-cache-mb", "64",
      "--sequences", "pad", "--padding", "post", "--truncating", "post", "--embedding-vectors", "g.txt", "--vocabulary", "v.txt",
      "--optimizer", "sgd", "--learning-rate", "0.1", "--momentum", "0.9", "--nesterov", "--decay", "0.01", "--clipnorm", "1",
      "--freeze", "dense", "--freeze", "dense_1", "--class-weight", "0:1,1:3", "--checkpoint", "c-{epoch}.h5",
      "--monitor", "val_accuracy", "--mode", "max", "--save-best-only", "--early-stopping-patience", "3", "--min-delta", "0.01",
      "--restore-best-weights", "--reduce-lr-patience", "2", "--reduce-lr-factor", "0.5", "--min-lr", "0.001", "--cooldown", "1",
      "--lr-schedule", "cosine", "--output", "o.h5", "--format", "weights.h5", "--history", "h.csv", "--plot", "p.svg",
      "--verbose", "2", "--threads", "2",
    ])
    XCTAssertEqual([all.files.data, all.files.labels, all.files.validationLabels, all.files.testLabels], ["d.csv", "l.csv", "vl.csv", "tl.csv"])
    XCTAssertEqual(all.training.epochCount, 3)
    XCTAssertEqual(all.training.batch, 16)
    XCTAssertEqual(all.training.shuffle, false)
    XCTAssertTrue(all.training.normalize && all.training.standardize)
    XCTAssertEqual(all.training.seed, 7)
    XCTAssertEqual(all.training.weights, "w.h5")
    XCTAssertTrue(all.imageFolders.skipBadImages)
    XCTAssertEqual(all.imageFolders.imageCacheMb, 64)
    XCTAssertNotNil(all.text.encoding)
    XCTAssertEqual(all.text.vocabulary, "v.txt")
    XCTAssertEqual(all.optimization.freeze, ["dense", "dense_1"])
    let optimizer = try all.optimization.config()
    XCTAssertEqual(optimizer.kerasClassName, "SGD")
    XCTAssertEqual(optimizer.learningRate, 0.1)
    XCTAssertEqual(optimizer.clipNorm, 1)
    XCTAssertEqual(try all.lossWeights.classWeights(), [0: 1, 1: 3])
    let callbacks = try all.callbackOptions()
    XCTAssertEqual(callbacks.checkpoint?.saveBestOnly, true)
    XCTAssertEqual(callbacks.stopping?.patience, 3)
    XCTAssertEqual(callbacks.plateau?.factor, 0.5)
    XCTAssertNotNil(callbacks.schedule)
    XCTAssertEqual(all.outputs.fileFormat, .kerasWeights)
    XCTAssertEqual([all.outputs.outputPath, all.outputs.historyPath, all.outputs.plotPath], ["o.h5", "h.csv", "p.svg"])
    XCTAssertEqual(all.outputs.verbose, 2)
    XCTAssertEqual(all.execution.threads, 2)

    // The defaults: the model's fit settings, <model>.h5 and the history files beside it.
    let plain = try PimaTrain.parse(["--data", "d.csv"])
    XCTAssertEqual(plain.training.epochCount, Pima.info.defaults.epochs)
    XCTAssertEqual(plain.training.batch, Pima.info.defaults.batchSize)
    XCTAssertEqual(plain.optimization.changesOptimizer, false)
    XCTAssertEqual([plain.outputs.outputPath, plain.outputs.historyPath, plain.outputs.plotPath], ["pima.h5", "pima.history.csv", "pima.history.svg"])
    XCTAssertEqual(try PimaTrain.parse(["--data", "d.csv", "--output", "x.weights.h5"]).outputs.historyPath, "x.history.csv")

    // The flags no single command above can combine: image augmentation (an image model), series windows,
    // k-fold, resuming, and the modes that replace training.
    let images = try TrainCommand<FashionCnn>.parse([
      "--data", "pics", "--kfold", "5", "--resume", "r.h5", "--rotation-range", "10", "--width-shift-range", "0.1",
      "--height-shift-range", "0.2", "--zoom-range", "0.3", "--horizontal-flip", "--augment-preview", "p.pgm",
      "--clipvalue", "0.5", "--sample-weight", "s.csv",
    ])
    XCTAssertEqual(images.execution.kfold, 5)
    XCTAssertEqual(images.training.resume, "r.h5")
    XCTAssertFalse(images.augmentation.settings.isIdentity)
    XCTAssertEqual(images.augmentation.augmentPreview, "p.pgm")
    XCTAssertEqual(images.lossWeights.sampleWeight, "s.csv")
    let series = try TrainCommand<Boston>.parse([
      "--data", "s.csv", "--series-windows", "--target-column", "2", "--horizon", "3", "--sampling-rate", "6", "--validation-split", "0.3",
    ])
    XCTAssertTrue(series.timeSeries.seriesWindows)
    XCTAssertEqual([series.timeSeries.targetColumn, series.timeSeries.horizon, series.timeSeries.samplingRate], [2, 3, 6])
    XCTAssertEqual(series.training.split, 0.3)
    XCTAssertTrue(try PimaTrain.parse(["--summary"]).execution.summary)
    XCTAssertTrue(try PimaTrain.parse(["--benchmark"]).execution.benchmark)
    XCTAssertEqual(try PimaTrain.parse(["--data", "d.csv", "--evaluate", "w.h5"]).execution.evaluate, "w.h5")
    XCTAssertTrue(try PimaTrain.parse(["--data", "d.csv", "--weights", "w.h5", "--predict"]).execution.predict)
  }

  /// Each group's own checks, then the checks across groups: the message, word for word, and exit status 64.
  func testEveryFlagMistakeIsAUsageError() {
    let cases: [([String], String)] = [
      // Data, training, image folders.
      (["--labels", "l.csv", "--benchmark"], "--labels needs --data"),
      (["--data", "d.csv", "--epochs", "0"], "--epochs must be at least 1"),
      (["--data", "d.csv", "--batch-size", "0"], "--batch-size must be at least 1"),
      (["--data", "d.csv", "--validation-split", "1"], "--validation-split must be in [0, 1)"),
      (["--data", "d.csv", "--weights", "w.h5", "--resume", "r.h5"], "use either --resume or --weights"),
      (["--data", "d.csv", "--image-cache-mb=-1"], "--image-cache-mb must be ≥ 0"),
      // Augmentation.
      (["--data", "d.csv", "--rotation-range", "181"], "--rotation-range must be in [0, 180] degrees"),
      (["--data", "d.csv", "--rotation-range", "nan"], "--rotation-range must be in [0, 180] degrees"),
      (["--data", "d.csv", "--width-shift-range", "nan"], "--width-shift-range must be in [0, 1)"),
      (["--data", "d.csv", "--zoom-range", "1"], "--zoom-range must be in [0, 1)"),
      (["--data", "d.csv", "--horizontal-flip"], "augmentation needs image inputs ([height, width] or [height, width, channels]); this model's input is [8]"),
      // Sequences, series.
      (["--data", "d.csv", "--vocabulary", "v.txt"], "--embedding-vectors and --vocabulary go together"),
      (["--data", "d.csv", "--labels", "l.csv", "--sequences", "bag"], "--sequences must be pad or multi-hot, --padding and --truncating pre or post"),
      (["--data", "d.csv", "--horizon", "24"], "--target-column, --horizon and --sampling-rate go with --series-windows"),
      (["--data", "d.csv", "--series-windows", "--sampling-rate", "0"], "--horizon, --sampling-rate and --target-column must be at least 1"),
      // Optimizer, loss weights.
      (["--data", "d.csv", "--optimizer", "adamw"], "--optimizer 'adamw': use one of sgd, adam, rmsprop, adagrad, adadelta, adamax, nadam"),
      (["--data", "d.csv", "--optimizer", "adam", "--momentum", "0.9"], "--momentum is for sgd and rmsprop, --nesterov for sgd; the optimizer is Adam"),
      (["--data", "d.csv", "--learning-rate=-1"], "--learning-rate must be positive, got -1.0"),
      (["--data", "d.csv", "--learning-rate", "nan"], "--learning-rate must be positive, got nan"),
      (["--data", "d.csv", "--learning-rate", "inf"], "--learning-rate must be positive, got inf"),
      (["--data", "d.csv", "--clipnorm", "nan"], "--clipnorm must be positive, got nan"),
      (["--data", "d.csv", "--clipvalue", "inf"], "--clipvalue must be positive, got inf"),
      (["--data", "d.csv", "--decay", "inf"], "--decay must be ≥ 0, got inf"),
      (["--data", "d.csv", "--class-weight", "0:nan"], "--class-weight '0:nan': use CLASS:WEIGHT pairs such as 0:1,1:3 (weights ≥ 0)"),
      (["--data", "d.csv", "--clipvalue", "0"], "--clipvalue must be positive, got 0.0"),
      (["--data", "d.csv", "--freeze", "dense_7"], "--freeze dense_7: no such layer (layers: dense, dense_1, dense_2)"),
      (["--data", "d.csv", "--class-weight", "0:1", "--sample-weight", "s.csv"], "use either --class-weight or --sample-weight (Keras accepts one)"),
      (["--data", "d.csv", "--class-weight", "0-1"], "--class-weight '0-1': use CLASS:WEIGHT pairs such as 0:1,1:3 (weights ≥ 0)"),
      // Callbacks.
      (["--data", "d.csv", "--mode", "up"], "--mode must be auto, min or max, got 'up'"),
      (["--data", "d.csv", "--monitor", "loss"], "--monitor needs --checkpoint, --early-stopping-patience or --reduce-lr-patience"),
      (["--data", "d.csv", "--save-best-only"], "--save-best-only needs --checkpoint"),
      (["--data", "d.csv", "--restore-best-weights"], "--restore-best-weights needs --early-stopping-patience"),
      (["--data", "d.csv", "--early-stopping-patience=-1"], "--early-stopping-patience must be ≥ 0"),
      (["--data", "d.csv", "--min-delta", "nan"], "--min-delta must be a number, got nan"),
      (["--data", "d.csv", "--reduce-lr-patience", "2", "--min-lr", "inf"],
       "--reduce-lr-patience ≥ 0, 0 < --reduce-lr-factor < 1, --min-lr ≥ 0 and --cooldown ≥ 0 are needed"),
      (["--data", "d.csv", "--reduce-lr-patience", "2", "--min-lr", "nan"],
       "--reduce-lr-patience ≥ 0, 0 < --reduce-lr-factor < 1, --min-lr ≥ 0 and --cooldown ≥ 0 are needed"),
      (["--data", "d.csv", "--reduce-lr-patience", "2", "--reduce-lr-factor", "1"],
       "--reduce-lr-patience ≥ 0, 0 < --reduce-lr-factor < 1, --min-lr ≥ 0 and --cooldown ≥ 0 are needed"),
      (["--data", "d.csv", "--lr-schedule", "fast"], "--lr-schedule 'fast': use time:DECAY, step:DROP:EVERY, exponential:K or cosine[:ALPHA]"),
      // Output, run mode.
      (["--data", "d.csv", "--format", "legacy-weights"], "--format must be h5 or weights.h5"),
      (["--data", "d.csv", "--output", "x.keras", "--format", "h5"], "--format does not apply to a .keras output (its weights are always in the .weights.h5 layout)"),
      (["--data", "d.csv", "--kfold", "1"], "--kfold must be at least 2, got 1"),
      (["--data", "d.csv", "--weights", "w.h5", "--predict", "--evaluate", "w.h5"], "use either --evaluate or --predict"),
      // Across groups.
      (["--epochs", "1"], "--data is required"),
      (["--data", "d.csv", "--predict"], "--predict needs --weights"),
      (["--data", "d.csv", "--sequences", "pad"], "--sequences needs --labels"),
      (["--data", "d.csv", "--validation-data", "v.csv", "--validation-split", "0.1"], "use either --validation-data or --validation-split"),
      (["--data", "d.csv", "--early-stopping-patience", "3", "--monitor", "auc"], "cannot monitor 'auc': the logs have loss, accuracy, val_loss, val_accuracy"),
      (["--data", "d.csv", "--validation-split", "0", "--checkpoint", "c.h5", "--monitor", "val_loss"],
       "cannot monitor 'val_loss' without validation data (use --validation-split or --validation-data, or monitor 'loss')"),
      (["--data", "d.csv", "--validation-split", "0.2", "--checkpoint", "w-{val_acc:.2f}.h5"],
       "checkpoint pattern 'w-{val_acc:.2f}.h5': no log named 'val_acc' (the logs have epoch, loss, accuracy, val_loss, val_accuracy)"),
      (["--data", "d.csv", "--series-windows", "--test-data", "t.csv"], "--series-windows cuts its own windows and validation period (the latest rows): drop --test-data"),
      (["--data", "d.csv", "--kfold", "3", "--validation-split", "0.2"], "--kfold holds out its own folds: drop --validation-split and --validation-data"),
      (["--data", "d.csv", "--kfold", "3", "--early-stopping-patience", "2"],
       "--kfold trains one model per fold without validation data: checkpoints, early stopping and ReduceLROnPlateau do not apply"),
    ]
    for (arguments, message) in cases {
      XCTAssertThrowsError(try PimaTrain.parseAsRoot(arguments), "\(arguments)") { error in
        XCTAssertEqual(PimaTrain.message(for: error), message, "\(arguments)")
        XCTAssertEqual(PimaTrain.exitCode(for: error), .validationFailure, "\(arguments)")
      }
    }
  }

  /// A classifier's flags on a regression model, checked against the compiled model.
  func testFlagsTheModelCannotTake() {
    XCTAssertThrowsError(try TrainCommand<Boston>.parseAsRoot(["--data", "d.csv", "--class-weight", "0:1"])) { error in
      XCTAssertEqual(TrainCommand<Boston>.message(for: error), "--class-weight needs a classification loss; this model's is mean_squared_error")
      XCTAssertEqual(TrainCommand<Boston>.exitCode(for: error), .validationFailure)
    }
  }

  /// Under mpirun (Open MPI's OMPI_COMM_WORLD_SIZE) the trainer only trains: the other modes are usage errors.
  func testUnderMpirunOnlyTrainingIsAllowed() throws {
    setenv("OMPI_COMM_WORLD_SIZE", "2", 1)
    defer { unsetenv("OMPI_COMM_WORLD_SIZE") }
    for arguments in [["--data", "d.csv", "--benchmark"], ["--data", "d.csv", "--kfold", "3"], ["--data", "d.csv", "--evaluate", "w.h5"]] {
      XCTAssertThrowsError(try PimaTrain.parseAsRoot(arguments), "\(arguments)") { error in
        XCTAssertEqual(
          PimaTrain.message(for: error),
          "under mpirun the trainer only trains: drop --benchmark, --evaluate, --predict, --augment-preview and --kfold")
        XCTAssertEqual(PimaTrain.exitCode(for: error), .validationFailure)
      }
    }
    XCTAssertNoThrow(try PimaTrain.parseAsRoot(["--data", "d.csv", "--epochs", "2"]))
  }

  /// Every flag, by the name users' scripts know, in `--help`'s order (grouped by concern).
  func testHelpListsEveryFlagInGroupOrder() {
    let help = PimaTrain.helpMessage(columns: 200)
    let flags = help.split(separator: "\n").compactMap { line -> String? in
      let trimmed = line.drop { $0 == " " }
      guard line.hasPrefix("  --"), let name = trimmed.split(separator: " ").first else { return nil }
      return String(name)
    }
    XCTAssertEqual(flags, [
      "--data", "--labels", "--validation-data", "--validation-labels", "--test-data", "--test-labels",
      "--epochs", "--batch-size", "--validation-split", "--shuffle/--no-shuffle", "--normalize", "--standardize", "--seed", "--weights", "--resume",
      "--skip-bad-images", "--image-cache-mb",
      "--rotation-range", "--width-shift-range", "--height-shift-range", "--zoom-range", "--horizontal-flip", "--augment-preview",
      "--sequences", "--embedding-vectors", "--vocabulary", "--padding", "--truncating",
      "--series-windows", "--target-column", "--horizon", "--sampling-rate",
      "--optimizer", "--learning-rate", "--momentum", "--nesterov", "--decay", "--clipnorm", "--clipvalue", "--freeze",
      "--class-weight", "--sample-weight",
      "--checkpoint", "--monitor", "--mode", "--save-best-only", "--early-stopping-patience", "--min-delta", "--restore-best-weights",
      "--reduce-lr-patience", "--reduce-lr-factor", "--min-lr", "--cooldown", "--lr-schedule",
      "--output", "--format", "--history", "--plot", "--verbose",
      "--kfold", "--threads", "--benchmark", "--summary", "--evaluate", "--predict",
    ])
  }
}
