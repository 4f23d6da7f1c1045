// GradientCheckTests.swift: finite-difference checks of the generated backward passes, one per check model.
import CheckModels
import PrecastRuntime
import XCTest

final class GradientCheckTests: XCTestCase {
  // Tolerance: central differences of a float32 forward pass with h = 1e-3 carry ~1e-4 of rounding
  // noise, so each gradient must agree within 2e-3 absolute or 2% relative.
  let h: Float = 1e-3
  let absoluteTolerance: Float = 2e-3
  let relativeTolerance: Float = 0.02

  func testActivations() { check(CheckActivations.self) }
  func testBinaryCrossentropyFromLogits() { check(CheckBceLogits.self) }
  func testBinaryCrossentropyOnProbabilities() { check(CheckBceProbabilities.self) }
  func testCategoricalCrossentropyFromLogitsWithDropout() { check(CheckCceLogits.self) }
  func testCategoricalCrossentropyOnProbabilities() { check(CheckCceProbabilities.self) }
  func testSparseCrossentropyFromLogitsThroughActivationLayer() { check(CheckSparseLogits.self) }
  func testSparseCrossentropyOnProbabilities() { check(CheckSparseProbabilities.self) }
  func testMeanSquaredErrorWithActivationAndDropoutLayers() { check(CheckMse.self) }
  func testMeanAbsoluteError() { check(CheckMae.self) }
  func testConv2DSameValidStridedPointwiseAndMaxPooling() { check(CheckConv.self) }
  func testReshapeAveragePoolingAndGlobalMaxPooling() { check(CheckPooling.self) }
  func testDirectConv2DAndReluFusedIntoMaxPooling() { check(CheckConvReluPool.self) }
  func testWinogradConv2DSameOddSizesAndValid() { check(CheckConvWinograd.self) }
  func testHuberLoss() { check(CheckHuber.self) }
  func testStackedLSTMThroughTime() { check(CheckLstmStack.self) }
  func testStackedGRUThroughTime() { check(CheckGruStack.self) }
  func testStackedSimpleRNNThroughTime() { check(CheckSimpleRnn.self) }
  func testGoBackwards() { check(CheckRnnBackwards.self) }
  func testGRUResetBefore() { check(CheckGruResetBefore.self) }
  func testBidirectional() { check(CheckBidirectional.self) }
  func testBidirectionalMergeModes() { check(CheckBidirectionalMerge.self) }
  func testRecurrentInputDropout() { check(CheckRnnDropout.self) }
  func testRecurrentDropout() { check(CheckRecurrentDropout.self) }
  func testGRUResetBeforeWithDropoutAndRecurrentDropout() { check(CheckGruResetBeforeDropout.self) }
  func testRecurrentActivations() { check(CheckRnnActivations.self) }
  func testMaskZeroThroughStackedRecurrentLayers() { check(CheckMaskZero.self) }
  func testMaskZeroThroughBidirectional() { check(CheckMaskZeroBidirectional.self) }
  func testMaskZeroAveragePooling() { check(CheckMaskZeroPooling.self) }
  func testMaskingThroughRecurrentLayersAndAveragePooling() { check(CheckMasking.self, maskedSteps: -1) }
  func testEmbeddingConv1DAndPooling1D() { check(CheckConv1d.self) }
  func testConv1DCausalSameStridedAndAveragePooling1D() { check(CheckConv1dPadding.self) }
  func testDilatedConv1DCausalSameAndValid() { check(CheckConv1dDilation.self) }
  func testDilatedConv2DDirectFusedAndIm2col() { check(CheckConv2dDilation.self) }
  func testBinaryCrossentropyWithFromLogitsOption() { check(CheckBceFromLogits.self) }
  func testSparseCrossentropyWithFromLogitsOption() { check(CheckSparseFromLogits.self) }
  func testActivityRegularizer() { check(CheckRegularized.self) }
  func testKLDivergenceLoss() { check(CheckKld.self) }
  func testBatchNormalizationAfterDense() { check(CheckBatchnorm.self) }
  func testFrozenBatchNormalizationTrainsInInferenceMode() { check(CheckBatchnormFrozen.self) }
  func testKerasActivationLayers() { check(CheckActivationLayers.self) }
  func testBatchNormalizationOverConvChannelsWithGlobalAveragePooling() { check(CheckConvBatchnorm.self) }

  /// Compares `trainStep`'s gradients with central differences of its loss. The same RNG seed for every
  /// evaluation keeps dropout masks fixed, so the loss is a deterministic function of the parameters.
  /// With `maskedSteps` (a Masking model's mask_value), some steps of each sample [steps, features] are set to it:
  /// every sample's first step, and every third step of the odd samples.
  private func check<M: CompiledModel>(_ type: M.Type, maskedSteps maskValue: Float? = nil, file: StaticString = #filePath, line: UInt = #line) {
    let info = M.info
    let n = 4
    let model = M(maxBatch: n)
    model.initializeParameters(seed: 3)
    var rng = Random(seed: 99)
    // Spread parameters so no unit sits on a ReLU kink by accident.
    for i in 0..<info.parameterCount { model.parameters[i] += Float(rng.nextNormal() * 0.3) }
    // An Embedding first layer reads integer indices in 0..<inputDim.
    let vocabulary = info.layers.first?.className == "Embedding" ? info.weights[0].shape[0] : nil
    var x = (0..<(n * info.inputSize)).map { _ in vocabulary.map { Float(rng.next() % UInt64($0)) } ?? Float(rng.nextNormal()) }
    if let maskValue {
      let (steps, features) = (info.inputShape[0], info.inputShape[1])
      for s in 0..<n {
        for t in 0..<steps where t == 0 || (s % 2 == 1 && t % 3 == 2) {
          for j in 0..<features { x[(s * steps + t) * features + j] = maskValue }
        }
      }
    }
    let y = targets(info, n, &rng)
    func loss() -> Double {
      var stepRng = Random(seed: 7)
      return x.withUnsafeBufferPointer { xs in
        y.withUnsafeBufferPointer { ys in model.trainStep(xs.baseAddress!, targets: ys.baseAddress!, count: n, rng: &stepRng) }
      }
    }
    _ = loss()
    let analytic = Array(UnsafeBufferPointer(start: model.gradients, count: info.parameterCount))
    var worst: (index: Int, analytic: Float, numeric: Float)? = nil
    func numericGradient(_ i: Int, step: Float) -> Float {
      let saved = model.parameters[i]
      model.parameters[i] = saved + step
      let plus = loss()
      model.parameters[i] = saved - step
      let minus = loss()
      model.parameters[i] = saved
      return Float((plus - minus) / Double(2 * step))
    }
    func agrees(_ i: Int, _ numeric: Float) -> Bool {
      analytic[i].isApproximatelyEqual(to: numeric, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
    }
    // Frozen weights (trainable: false) get no gradient by design; the check covers the trained ones.
    var trained = [Bool](repeating: false, count: info.parameterCount)
    for slot in info.weights where slot.trainable { for i in slot.offset..<(slot.offset + slot.count) { trained[i] = true } }
    for i in 0..<info.parameterCount where trained[i] {
      var numeric = numericGradient(i, step: h)
      // A ReLU or max-pooling kink (two window values within ~h of each other) between x − h and x + h makes the
      // difference quotient meaningless; such a parameter is measured again with a step ten times smaller.
      if !agrees(i, numeric) { numeric = numericGradient(i, step: h / 10) }
      if !agrees(i, numeric) {
        if worst == nil || abs(analytic[i] - numeric) > abs(worst!.analytic - worst!.numeric) { worst = (i, analytic[i], numeric) }
      }
    }
    if let worst {
      let slot = info.weights.last { $0.offset <= worst.index }!
      XCTFail("\(info.name): ∂loss/∂\(slot.layer)/\(slot.name)[\(worst.index - slot.offset)] analytic \(worst.analytic) vs numeric \(worst.numeric)", file: file, line: line)
    }
    XCTAssertTrue(analytic.contains { $0 != 0 }, "\(info.name): all gradients are zero", file: file, line: line)
  }

  private func targets(_ info: ModelInfo, _ n: Int, _ rng: inout Random) -> [Float] {
    var y = [Float](repeating: 0, count: n * info.targetSize)
    for r in 0..<n {
      let label = Int(rng.next() % UInt64(info.outputSize))
      switch info.loss {
      case .sparseCategoricalCrossentropy: y[r] = Float(label)
      case .categoricalCrossentropy: y[r * info.outputSize + label] = 1
      case .binaryCrossentropy: for c in 0..<info.outputSize { y[r * info.outputSize + c] = Float(rng.next() % 2) }
      default: for c in 0..<info.outputSize { y[r * info.outputSize + c] = Float(rng.nextNormal()) }
      }
    }
    return y
  }
}
