// TrainCommand+CrossValidation.swift: the trainer's `--kfold k`, scikit-learn's cross_val_score over fresh models.
import PrecastRuntime

extension TrainCommand {
  /// scikit-learn's `cross_val_score` over the trainer: a fresh model per fold (initialised from --seed + fold, or
  /// --weights), preprocessing fitted on the training folds only (as a Pipeline with StandardScaler), every epoch
  /// on the k−1 folds, then evaluation on the held-out fold. Each fold's weights go to <output>-foldN.
  func crossValidate(_ all: Dataset, k: Int, batch: Int, seed: UInt64, outputPath: String, format: KerasWeightFormat) throws(PrecastError) {
    let info = Model.info
    guard k <= all.count else { throw PrecastError("--kfold \(k) is larger than the number of rows (\(all.count))") }
    let classes = all.classes(info: info)
    let folds = kFolds(count: all.count, k: k, classes: classes, seed: seed)
    let epochs = training.epochCount, verbose = outputs.verbose
    if verbose > 0 {
      print("\(k)-fold cross-validation of \(all.count) rows (\(classes == nil ? "shuffled" : "stratified, shuffled")), \(epochs) epochs per fold - seed \(seed)")
    }
    var results: [Logs] = []
    for (index, held) in folds.enumerated() {
      let heldSet = Set(held)
      var train = all.subset((0..<all.count).filter { !heldSet.contains($0) }), test = all.subset(held)
      let model = Model(maxBatch: batch)
      var preprocessing = Preprocessing()
      if let weights = training.weights { preprocessing = try model.loadWeights(path: weights) } else { model.initializeParameters(seed: seed &+ UInt64(index)) }
      try preprocessing.adoptClassNames(all.classNames, weightsPath: training.weights)
      if training.normalize { preprocessing.inputScale = 1 / 255 }
      train.preprocess(preprocessing)
      if training.standardize {
        let standardizer = Standardizer.fit(train.x)
        preprocessing.standardizer = standardizer
        train.preprocess(Preprocessing(standardizer: standardizer))
      }
      test.preprocess(preprocessing)
      let trainer = Trainer(model: model, preprocessing: preprocessing, optimizer: try optimization.config(), frozen: Set(optimization.freeze))
      var options = FitOptions(
        epochs: epochs, batchSize: batch, seed: seed &+ UInt64(index), verbose: 0,
        outputPath: foldPath(outputPath, index + 1), format: format, historyPath: nil)
      options.augmentation = augmentation.settings
      options.shuffle = training.shuffle ?? info.defaults.shuffle
      options.schedule = try callbackOptions().schedule
      let start = now()
      if case .interrupted = try trainer.fit(train, validation: nil, options: options) { return }
      let logs = trainer.evaluate(test, batchSize: batch)
      results.append(logs)
      if verbose > 0 {
        print("Fold \(index + 1)/\(k) - train \(train.count), test \(test.count) - \(formatFixed(now() - start, 1))s - \(logs.formatted)")
      }
    }
    let names = results[0].entries.map(\.name)
    let summary = names.map { name in
      let (mean, std) = meanAndStd(results.map { $0[name] ?? .nan })
      return "\(name): \(formatFixed(mean, 4)) ± \(formatFixed(std, 4))"
    }
    print("\(k)-fold: " + summary.joined(separator: " - "))
  }

  /// "pima.h5" → "pima-fold3.h5" ("x.weights.h5" → "x-fold3.weights.h5").
  private func foldPath(_ output: String, _ fold: Int) -> String {
    for suffix in [".weights.h5", ".h5", ".keras"] where output.hasSuffix(suffix) {
      return String(output.dropLast(suffix.count)) + "-fold\(fold)" + suffix
    }
    return output + "-fold\(fold)"
  }
}
