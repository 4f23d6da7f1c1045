// TrainingTests.swift: the fit loop reaches the tutorial's accuracy on Pima and stops cleanly on NaN.
import BostonModel
import Foundation
import PimaModel
import PrecastRuntime
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
    try? FileManager.default.removeItem(atPath: output)
  }

  /// A diverging run stops with the epoch and batch, and keeps the last good checkpoint.
  func testNaNLossStopsWithEpochAndBatch() throws {
    var data = try Dataset.load(features: repositoryRoot + "/Examples/data/boston-housing.csv", labels: nil, info: Boston.info)
    for i in data.x.values.indices { data.x.values[i] *= 1e18 }  // overflows float32 in the first layers
    let model = Boston(maxBatch: 5)
    model.initializeParameters(seed: 1)
    let trainer = Trainer(model: model, preprocessing: Preprocessing())
    let output = NSTemporaryDirectory() + "boston-nan.h5"
    XCTAssertThrowsError(
      try trainer.fit(data, validation: nil, options: FitOptions(epochs: 3, batchSize: 5, seed: 1, verbose: 0, outputPath: output, format: .legacyModel, historyPath: nil))
    ) { error in
      let message = "\(error)"
      XCTAssertTrue(message.contains("at epoch 1, batch"), message)
      XCTAssertTrue(message.contains("no checkpoint was written"), message)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: output))
  }

  /// Keras's validation_split takes the last rows, before shuffling.
  func testValidationSplitTakesTheLastRows() throws {
    let data = try Dataset.load(features: pimaCSV, labels: nil, info: Pima.info)
    let (train, validation) = data.splitValidation(0.2)
    XCTAssertEqual(train.count, 614)  // floor(768 · 0.8)
    XCTAssertEqual(validation?.count, 154)
    XCTAssertEqual(validation?.x.values.first, data.x.values[614 * 8])
  }

  /// Wrong column counts are reported with the file and what the model expects.
  func testWrongFeatureCountIsExplained() {
    XCTAssertThrowsError(try Dataset.load(features: repositoryRoot + "/Examples/data/boston-housing.csv", labels: nil, info: Pima.info)) { error in
      XCTAssertTrue("\(error)".contains("rows have 14 columns; the model expects 8 features followed by 1 target column(s)"), "\(error)")
    }
  }
}
