// MetricTests.swift: every metric against Keras's result after two batches of fixed inputs.
import Foundation
@testable import PrecastRuntime
import PrecastTestSupport
import XCTest

/// Replays `Tests/Fixtures/keras/metrics.json` (made by `Tests/keras/metrics.py`): each case feeds two batches
/// of unequal size, so the accumulation over an epoch (RMSE's root of the running mean, Precision/Recall/AUC
/// counts) is checked, not only one batch's value. Within 1e-5.
final class MetricTests: XCTestCase {
  func testMetricsMatchKerasOverTwoBatches() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixture("metrics.json")))
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    var covered: Set<Metric> = [.accuracy]
    for c in try XCTUnwrap(json["cases"] as? [[String: Any]]) {
      let name = try XCTUnwrap(c["metric"] as? String)
      let metric = try XCTUnwrap(Metric(rawValue: name), "Precast has no metric named \(name)")
      let rows = try XCTUnwrap(c["rows"] as? Int), cols = try XCTUnwrap(c["cols"] as? Int), split = try XCTUnwrap(c["split"] as? Int)
      let p = (c["predictions"] as? [Double] ?? []).map(Float.init), t = (c["targets"] as? [Double] ?? []).map(Float.init)
      let info = ModelInfo(
        name: "metric", inputShape: [1], outputSize: cols, layers: [], weights: [], parameterCount: 0,
        loss: cols == 1 ? .binaryCrossentropy : .categoricalCrossentropy, metrics: [metric],
        accuracyKind: cols == 1 ? .binary : .categorical, optimizer: .sgd(), defaults: TrainingDefaults(epochs: 1, batchSize: 1, validationSplit: 0),
        kerasModelConfig: "")
      var accumulator = MetricAccumulator(info: info)
      for (first, count) in [(0, split), (split, rows - split)] {
        accumulator.add(loss: 0, output: Array(p[(first * cols)...]), targets: Array(t[(first * cols)...]), count: count)
      }
      let got = try XCTUnwrap(accumulator.logs(prefix: "")[name])
      let expected = try XCTUnwrap(c["value"] as? Double)
      XCTAssertEqual(got, expected, accuracy: 1e-5 * max(abs(expected), 1), name)
      covered.insert(metric)
    }
    XCTAssertEqual(covered, Set(Metric.allCases), "every metric has a Keras case")
  }
}
