// TrajectoryTests.swift: multi-step training against Keras — every optimizer's per-step losses and final weights.
import CheckModels
import Foundation
import PimaModel
import PrecastRuntime
import PrecastTestSupport
import XCTest

/// Replays `Tests/Fixtures/keras/trajectories/*.json` (made by `Tests/keras/trajectories.py` with Keras 3 on JAX):
/// the same initial weights, the same batches in order, one `trainStep` + `Optimizer.step` per Keras
/// `train_on_batch` (`Trainer.trainOnBatch`). The third model has kernel, bias and activity regularizers and
/// MaxNorm, NonNeg and UnitNorm constraints. Losses must match within 1e-4 relative at every step, final weights within 1e-4 relative
/// (of the value, or of 0.01 for values nearer zero).
final class TrajectoryTests: XCTestCase {
  func testPimaMLPMatchesKerasForEveryOptimizer() throws { try replay("pima", Pima.self) }
  func testSmallCNNMatchesKerasForEveryOptimizer() throws { try replay("cnn", CheckConvReluPool.self) }
  func testRegularizedMLPMatchesKerasForEveryOptimizer() throws { try replay("regularized", CheckRegularized.self) }
  func testStackedLSTMMatchesKerasForEveryOptimizer() throws { try replay("lstm-stack", CheckLstmStack.self) }
  func testStackedGRUMatchesKerasForEveryOptimizer() throws { try replay("gru-stack", CheckGruStack.self) }
  func testStackedSimpleRNNMatchesKerasForEveryOptimizer() throws { try replay("rnn-stack", CheckSimpleRnn.self) }
  func testGoBackwardsMatchesKerasForEveryOptimizer() throws { try replay("backwards", CheckRnnBackwards.self) }
  func testGRUResetBeforeMatchesKerasForEveryOptimizer() throws { try replay("gru-reset-before", CheckGruResetBefore.self) }
  func testBidirectionalMatchesKerasForEveryOptimizer() throws { try replay("bidirectional", CheckBidirectional.self) }
  func testRecurrentActivationsMatchKerasForEveryOptimizer() throws { try replay("rnn-activations", CheckRnnActivations.self) }
  func testMaskZeroMatchesKerasForEveryOptimizer() throws { try replay("mask-zero", CheckMaskZero.self) }
  func testMaskZeroBidirectionalMatchesKerasForEveryOptimizer() throws { try replay("mask-zero-bidirectional", CheckMaskZeroBidirectional.self) }
  func testMaskZeroPoolingMatchesKerasForEveryOptimizer() throws { try replay("mask-zero-pooling", CheckMaskZeroPooling.self) }
  func testMaskingMatchesKerasForEveryOptimizer() throws { try replay("masking", CheckMasking.self) }
  func testDilatedConv1DMatchesKerasForEveryOptimizer() throws { try replay("conv1d-dilation", CheckConv1dDilation.self) }
  func testDilatedConv2DMatchesKerasForEveryOptimizer() throws { try replay("conv2d-dilation", CheckConv2dDilation.self) }
  func testBidirectionalMergeModesMatchKerasForEveryOptimizer() throws { try replay("bidirectional-merge", CheckBidirectionalMerge.self) }

  private func replay<M: CompiledModel>(_ name: String, _: M.Type) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixture("trajectories/\(name).json")))
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    let x = floats(json["x"]), y = floats(json["y"])
    let batch = try XCTUnwrap(json["batch"] as? Int), steps = try XCTUnwrap(json["steps"] as? Int)
    let initial = try XCTUnwrap(json["initial"] as? [[Double]])
    let runs = try XCTUnwrap(json["runs"] as? [[String: Any]])
    let info = M.info, samples = x.count / info.inputSize
    XCTAssertEqual(initial.count, info.weights.count)
    XCTAssertEqual(runs.count, 10)
    for run in runs {
      let label = "\(name)/\(run["name"] as? String ?? "?")"
      let config = try optimizer(try XCTUnwrap(run["config"] as? [String: Any]))
      let model = M(maxBatch: batch)
      for (slot, values) in zip(info.weights, initial) {
        XCTAssertEqual(values.count, slot.count, "\(label): \(slot.layer)/\(slot.name)")
        for (i, v) in values.enumerated() { model.parameters[slot.offset + i] = Float(v) }
      }
      let trainer = Trainer(model: model, preprocessing: Preprocessing(), optimizer: config)
      var rng = Random(seed: 1)
      let kerasLosses = try XCTUnwrap(run["losses"] as? [Double])
      var worstLoss = 0.0
      for step in 0..<steps {
        let first = (step * batch) % samples
        let loss = x.withUnsafeBufferPointer { xs in
          y.withUnsafeBufferPointer { ys in
            trainer.trainOnBatch(
              xs.baseAddress! + first * info.inputSize, targets: ys.baseAddress! + first * info.targetSize, count: batch, rng: &rng)
          }
        }
        worstLoss = worse(worstLoss, abs(loss - kerasLosses[step]) / abs(kerasLosses[step]))
      }
      XCTAssertLessThanOrEqual(worstLoss, 1e-4, "\(label): per-step loss, worst relative difference")
      let finals = try XCTUnwrap(run["final"] as? [[Double]])
      var worstWeight = 0.0, where_ = ""
      XCTAssertEqual(finals.count, info.weights.count, "\(label): final weight arrays")
      for (slot, values) in zip(info.weights, finals) {
        XCTAssertEqual(values.count, slot.count, "\(label): \(slot.layer)/\(slot.name) values")
        for (i, v) in values.enumerated() {
          let difference = abs(Double(model.parameters[slot.offset + i]) - v) / max(abs(v), 0.01)
          if difference.isNaN || difference > worstWeight { (worstWeight, where_) = (worse(worstWeight, difference), "\(slot.layer)/\(slot.name)[\(i)]") }
        }
      }
      XCTAssertLessThanOrEqual(worstWeight, 1e-4, "\(label): final weights, worst at \(where_)")
      print("\(label): \(steps) steps, loss max rel diff \(worstLoss), weights max rel diff \(worstWeight)")
    }
  }

  private func floats(_ value: Any?) -> [Float] { (value as? [Double] ?? []).map(Float.init) }

  /// The fixture's configuration as an `OptimizerConfig`.
  private func optimizer(_ c: [String: Any]) throws -> OptimizerConfig {
    func number(_ key: String) -> Float? { (c[key] as? Double).map(Float.init) }
    func flag(_ key: String) -> Bool { c[key] as? Bool ?? false }
    let lr = try XCTUnwrap(number("lr"))
    var config: OptimizerConfig
    switch c["rule"] as? String {
    case "sgd": config = .sgd(learningRate: lr, momentum: number("momentum") ?? 0, nesterov: flag("nesterov"))
    case "adam": config = .adam(learningRate: lr, amsgrad: flag("amsgrad"))
    case "rmsprop": config = .rmsprop(learningRate: lr, momentum: number("momentum") ?? 0, centered: flag("centered"))
    case "adagrad": config = .adagrad(learningRate: lr)
    case "adadelta": config = .adadelta(learningRate: lr)
    case "adamax": config = .adamax(learningRate: lr)
    case "nadam": config = .nadam(learningRate: lr)
    case let rule:  // a fixture this test cannot replay is a failure, not a skip
      XCTFail("unknown optimizer rule \(rule ?? "nil") in the fixture")
      throw PrecastError("unknown optimizer rule")
    }
    config.decay = number("decay") ?? 0
    config.clipNorm = number("clipnorm")
    config.clipValue = number("clipvalue")
    config.globalClipNorm = number("global_clipnorm")
    return config
  }
}
