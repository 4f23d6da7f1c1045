// GradientCheckTests.swift: finite-difference checks of the generated backward passes, one per check model.
import CheckModels
import PrecastRuntime
import PrecastTestSupport
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

  // The inspection passes (--filters, --heatmap): ∂s/∂x of s = Σ w ⊙ (a layer's output), w random, from the output
  // and from every convolution and pooling layer, against central differences in x; and a pass stopped at an
  // intermediate layer continued from there equals the whole pass.
  func testInputGradientFusedConvPoolingDropoutSoftmax() { checkInputGradient(CheckGradCam.self) }
  func testInputGradientDirectConvReluUnderMaxPooling() { checkInputGradient(CheckConvReluPool.self) }
  func testInputGradientIm2colSameStridedPointwise() { checkInputGradient(CheckConv.self) }
  func testInputGradientWinograd() { checkInputGradient(CheckConvWinograd.self) }
  func testInputGradientDilated() { checkInputGradient(CheckConv2dDilation.self) }

  /// Compares `trainStep`'s gradients with central differences of its loss. The same RNG seed for every
  /// evaluation keeps dropout masks fixed, so the loss is a deterministic function of the parameters.
  /// With `maskedSteps` (a Masking model's mask_value), some steps of each sample [steps, features] are set to it:
  /// every sample's first step, and every third step of the odd samples.
  private func check<M: CompiledModel>(_ type: M.Type, maskedSteps maskValue: Float? = nil, file: StaticString = #filePath, line: UInt = #line) {
    let info = M.info
    let n = 4
    var rng = Random(seed: 99)
    // Spread parameters so no unit sits on a ReLU kink by accident.
    let model = spreadModel(M.self, maxBatch: n, spread: 0.3, &rng)
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

  private func checkInputGradient<M: InspectableModel>(_ type: M.Type, file: StaticString = #filePath, line: UInt = #line) {
    let info = M.info
    let n = 2
    var rng = Random(seed: 99)
    // Glorot weights, slightly spread (non-zero biases): outputs stay O(1), so float32 rounding stays far below
    // the differences (a wide spread made the Winograd layers' rounding noise ~1e-4 of the score).
    let model = spreadModel(M.self, maxBatch: n, spread: 0.05, &rng)
    var x = (0..<(n * info.inputSize)).map { _ in Float(rng.nextNormal()) }
    let tops = [info.layers.count - 1] + featureMapLayers(info).map(\.index)
    for top in tops {
      let width = info.layers[top].outputShape.reduce(1, *)
      let w = (0..<(n * width)).map { _ in Float(rng.nextNormal()) }
      func score() -> Double {
        x.withUnsafeBufferPointer { model.inspectForward($0.baseAddress!, count: n, through: top) }
        let out = model.inspectOutput(layer: top)!
        return (0..<(n * width)).reduce(0.0) { $0 + Double(w[$1] * out[$1]) }
      }
      _ = score()
      let analytic = x.withUnsafeBufferPointer { xs in
        Array(UnsafeBufferPointer(start: model.inspectBackward(xs.baseAddress!, from: top, to: -1, seed: w, count: n), count: n * info.inputSize))
      }
      /// Does a central, forward or backward difference at step 1e-2, 3e-3 or 1e-3 agree? The score sums hundreds of
      /// float32 outputs (~1e-5 of rounding noise: smaller steps drown in it), a ReLU or max-pooling kink between
      /// x − h and x + h spoils the central difference, and one of the one-sided ones stays on x's side of it.
      let center = score()
      func check(_ i: Int) -> [Float]? {
        let saved = x[i]
        var tried: [Float] = []
        for step: Float in [1e-2, 3e-3, 1e-3] {
          x[i] = saved + step
          let plus = score()
          x[i] = saved - step
          let minus = score()
          x[i] = saved
          let d = [(plus - minus) / Double(2 * step), (plus - center) / Double(step), (center - minus) / Double(step)].map { Float($0) }
          if d.contains(where: { analytic[i].isApproximatelyEqual(to: $0, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance) }) {
            return nil
          }
          tried += d
        }
        return tried
      }
      // About 300 inputs spread over the samples (all of them for small inputs): the debug build runs this too.
      for i in stride(from: 0, to: n * info.inputSize, by: max(1, n * info.inputSize / 300)) {
        if let tried = check(i) {
          return XCTFail("\(info.name): ∂(Σ w·\(info.layers[top].name))/∂x[\(i)] analytic \(analytic[i]) vs numeric \(tried)", file: file, line: line)
        }
      }
      XCTAssertTrue(analytic.contains { $0 != 0 }, "\(info.name): ∂/∂x from \(info.layers[top].name) is all zeros", file: file, line: line)
      // Stopping at a lower layer and continuing from there gives the same input gradient.
      if let middle = featureMapLayers(info).map(\.index).last(where: { $0 < top }) {
        let middleWidth = info.layers[middle].outputShape.reduce(1, *)
        let resumed: [Float] = x.withUnsafeBufferPointer { xs in
          _ = score()
          let g = Array(UnsafeBufferPointer(start: model.inspectBackward(xs.baseAddress!, from: top, to: middle, seed: w, count: n), count: n * middleWidth))
          return Array(UnsafeBufferPointer(start: model.inspectBackward(xs.baseAddress!, from: middle, to: -1, seed: g, count: n), count: n * info.inputSize))
        }
        for i in analytic.indices {
          XCTAssertEqual(resumed[i], analytic[i], accuracy: 1e-5 + 1e-5 * abs(analytic[i]), "\(info.name): via \(info.layers[middle].name)", file: file, line: line)
        }
      }
    }
  }

  /// A model with its initializers' parameters (seed 3), each moved by N(0, spread²).
  private func spreadModel<M: CompiledModel>(_ type: M.Type, maxBatch n: Int, spread: Double, _ rng: inout Random) -> M {
    let model = M(maxBatch: n)
    model.initializeParameters(seed: 3)
    for i in 0..<M.info.parameterCount { model.parameters[i] += Float(rng.nextNormal() * spread) }
    return model
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
