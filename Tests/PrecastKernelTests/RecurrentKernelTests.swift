// RecurrentKernelTests.swift: the recurrent kernels split the batch over the cores; a batch must equal its samples run one by one.
import Foundation
import PrecastRuntime
import PrecastTestSupport
import XCTest

final class RecurrentKernelTests: XCTestCase {
  let (n, T, d, u) = (40, 5, 3, 12)  // 40 rows: two parts; 12 units: a partial group of 8 lanes

  /// Random values in ±scale.
  func random(_ count: Int, _ rng: inout Random, scale: Float = 0.5) -> [Float] {
    (0..<count).map { _ in (rng.nextUnitFloat() * 2 - 1) * scale }
  }

  /// Runs `step(rows, first)` on the whole batch and on each sample alone, comparing the outputs and gradients
  /// it returns (per-row outputs and input gradients concatenated, parameter gradients summed).
  func assertBatchEqualsSamples(
    _ name: String, _ run: (_ first: Int, _ rows: Int) -> (outputs: [Float], dx: [Float], gradients: [Float])
  ) {
    let whole = run(0, n)
    var outputs: [Float] = [], dx: [Float] = [], gradients = [Float](repeating: 0, count: whole.gradients.count)
    for s in 0..<n {
      let one = run(s, 1)
      outputs += one.outputs
      dx += one.dx
      for i in gradients.indices { gradients[i] += one.gradients[i] }
    }
    XCTAssertLessThan(maxAbsDifference(whole.outputs, outputs), 1e-5, "\(name) outputs")
    XCTAssertLessThan(maxAbsDifference(whole.dx, dx), 1e-5, "\(name) input gradients")
    XCTAssertLessThan(maxAbsDifference(whole.gradients, gradients), 1e-4, "\(name) gradients")
  }

  func testLSTMBatchEqualsSamples() {
    var rng = Random(seed: 5)
    let x = random(n * T * d, &rng), dy = random(n * T * u, &rng)
    let W = random(d * 4 * u, &rng), U = random(u * 4 * u, &rng), b = random(4 * u, &rng)
    assertBatchEqualsSamples("LSTM") { first, rows in
      var G = [Float](repeating: 0, count: rows * T * 4 * u), C = [Float](repeating: 0, count: rows * T * u)
      var H = C, dH = Array(dy[(first * T * u)..<((first + rows) * T * u)]), dC = [Float](repeating: 0, count: rows * u)
      var dW = [Float](repeating: 0, count: W.count), dU = [Float](repeating: 0, count: U.count), db = [Float](repeating: 0, count: b.count)
      var dx = [Float](repeating: 0, count: rows * T * d)
      let xs = Array(x[(first * T * d)..<((first + rows) * T * d)])
      lstmForward(xs, count: rows, steps: T, inputs: d, units: u, kernel: W, recurrentKernel: U, bias: b, gates: &G, cells: &C, hidden: &H)
      let outputs = H
      lstmBackward(
        &dH, input: xs, count: rows, steps: T, inputs: d, units: u, kernel: W, recurrentKernel: U, gates: &G, cells: C, hidden: H,
        dKernel: &dW, dRecurrentKernel: &dU, dBias: &db, dx: &dx, cellGradient: &dC)
      return (outputs, dx, dW + dU + db)
    }
  }

  func testGRUBatchEqualsSamples() {
    var rng = Random(seed: 6)
    let x = random(n * T * d, &rng), dy = random(n * T * u, &rng)
    let W = random(d * 3 * u, &rng), U = random(u * 3 * u, &rng), b = random(6 * u, &rng)
    assertBatchEqualsSamples("GRU") { first, rows in
      var G = [Float](repeating: 0, count: rows * T * 3 * u), R = G, H = [Float](repeating: 0, count: rows * T * u)
      var dH = Array(dy[(first * T * u)..<((first + rows) * T * u)])
      var dW = [Float](repeating: 0, count: W.count), dU = [Float](repeating: 0, count: U.count), db = [Float](repeating: 0, count: b.count)
      var dx = [Float](repeating: 0, count: rows * T * d)
      let xs = Array(x[(first * T * d)..<((first + rows) * T * d)])
      gruForward(xs, count: rows, steps: T, inputs: d, units: u, kernel: W, recurrentKernel: U, bias: b, gates: &G, recurrent: &R, hidden: &H)
      let outputs = H
      gruBackward(
        &dH, input: xs, count: rows, steps: T, inputs: d, units: u, kernel: W, recurrentKernel: U, gates: &G, recurrent: &R, hidden: H,
        dKernel: &dW, dRecurrentKernel: &dU, dBias: &db, dx: &dx)
      return (outputs, dx, dW + dU + db)
    }
  }

  func testSimpleRNNBatchEqualsSamples() {
    var rng = Random(seed: 7)
    let x = random(n * T * d, &rng), dy = random(n * T * u, &rng)
    let W = random(d * u, &rng), U = random(u * u, &rng), b = random(u, &rng)
    assertBatchEqualsSamples("SimpleRNN") { first, rows in
      var H = [Float](repeating: 0, count: rows * T * u), dH = Array(dy[(first * T * u)..<((first + rows) * T * u)])
      var dW = [Float](repeating: 0, count: W.count), dU = [Float](repeating: 0, count: U.count), db = [Float](repeating: 0, count: b.count)
      var dx = [Float](repeating: 0, count: rows * T * d)
      let xs = Array(x[(first * T * d)..<((first + rows) * T * d)])
      simpleRNNForward(xs, count: rows, steps: T, inputs: d, units: u, kernel: W, recurrentKernel: U, bias: b, hidden: &H)
      let outputs = H
      simpleRNNBackward(
        &dH, input: xs, count: rows, steps: T, inputs: d, units: u, kernel: W, recurrentKernel: U, hidden: H,
        dKernel: &dW, dRecurrentKernel: &dU, dBias: &db, dx: &dx)
      return (outputs, dx, dW + dU + db)
    }
  }

  /// Keras's Masking: a step is masked only when every feature equals mask_value; masked steps are zeroed in the output
  /// and in the gradient, the others pass unchanged.
  func testMaskingMasksOnlyStepsWhollyAtTheMaskValue() {
    let v: Float = 0.5
    let x: [Float] = [v, v, v, /**/ 1, v, v, /**/ 0, 0, 0, /**/ v, v, v, /**/ -2, 3, v, /**/ .nan, v, v]  // [2, 3, 3]
    var mask = [Float](repeating: 9, count: 6), y = [Float](repeating: 9, count: x.count)
    maskingForward(x, count: 2, steps: 3, features: 3, maskValue: v, mask: &mask, output: &y)
    XCTAssertEqual(mask, [0, 1, 1, 0, 1, 1])  // NaN ≠ mask_value, as in Keras's not_equal
    XCTAssertEqual(Array(y[0..<12]), [0, 0, 0, 1, v, v, 0, 0, 0, 0, 0, 0])
    XCTAssertEqual(Array(y[12..<15]), [-2, 3, v])
    var dy = [Float](repeating: 1, count: x.count)
    zeroMaskedSteps(&dy, count: 2, steps: 3, width: 3, mask: mask)
    XCTAssertEqual(dy, [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1])
  }

  /// Keras's RNN input dropout (recurrent_dropout=0): one mask per sample and feature, kept at 1/(1 − rate), the
  /// same at every step; the backward masks the input gradient alike.
  func testSequenceDropoutKeepsOneMaskForAllSteps() {
    var rng = Random(seed: 9)
    let (n, steps, width, rate): (Int, Int, Int, Float) = (200, 6, 10, 0.3)
    let x = (0..<(n * steps * width)).map { _ in rng.nextUnitFloat() + 0.5 }
    var mask = [Float](repeating: 0, count: n * width), y = [Float](repeating: 0, count: x.count)
    sequenceDropoutForward(x, count: n, steps: steps, width: width, rate: rate, mask: &mask, output: &y, rng: &rng)
    XCTAssertTrue(mask.allSatisfy { $0 == 0 || abs($0 - 1 / (1 - rate)) < 1e-6 })
    XCTAssertEqual(Double(mask.filter { $0 == 0 }.count) / Double(mask.count), Double(rate), accuracy: 0.03)
    for s in 0..<n {
      for t in 0..<steps {
        for j in 0..<width {
          let i = (s * steps + t) * width + j
          XCTAssertEqual(y[i], x[i] * mask[s * width + j])
        }
      }
    }
    var dx = [Float](repeating: 1, count: x.count)
    sequenceDropoutBackward(&dx, count: n, steps: steps, width: width, mask: mask)
    XCTAssertEqual(dx[(3 * steps + 4) * width + 2], mask[3 * width + 2])
  }

  /// Keras's dropout and recurrent_dropout with the same masks (`Tests/keras/rnn_dropout_fixture.py` hands them to
  /// Keras's cells): LSTM and GRU (reset_after True and False) with a mask per gate for the inputs and for h_{t−1}
  /// (implementation 1), SimpleRNN
  /// with one of each, and an LSTM with dropout only (one input mask for all gates): every step's output within 1e-5.
  func testDropoutMatchesKerasWithTheSameMasks() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixture("rnn-dropout.json")))
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cases = try XCTUnwrap(json["cases"] as? [[String: Any]])
    XCTAssertEqual(cases.count, 5)
    func floats(_ value: Any?) -> [Float] { (value as? [Double] ?? []).map(Float.init) }
    for c in cases {
      let name = c["name"] as? String ?? "?"
      let (n, T, d, u, g) = (c["count"] as! Int, c["steps"] as! Int, c["inputs"] as! Int, c["units"] as! Int, c["gates"] as! Int)
      let weights = (c["weights"] as! [[Double]]).map { $0.map(Float.init) }
      var x = floats(c["x"]), inputMasks = floats(c["inputMasks"]), recurrentMasks = floats(c["recurrentMasks"])
      let perGate = inputMasks.count == n * g * d && g > 1
      if !perGate {  // one input mask: the inputs are multiplied before the kernel, as the generated code does
        for s in 0..<n {
          for t in 0..<T {
            for j in 0..<d { x[(s * T + t) * d + j] *= inputMasks[s * d + j] }
          }
        }
      }
      var saved = [Float](repeating: 0, count: n * T * g * u), scratch = [Float](repeating: 0, count: n * u)
      var inputScratch = [Float](repeating: 0, count: n * T * d)
      var H = [Float](repeating: 0, count: n * T * u), G = [Float](repeating: 0, count: n * T * g * u), C = H, R = G, RH = H
      recurrentMasks.withUnsafeMutableBufferPointer { rm in
        saved.withUnsafeMutableBufferPointer { sv in
          scratch.withUnsafeMutableBufferPointer { sc in
            inputMasks.withUnsafeMutableBufferPointer { im in
              inputScratch.withUnsafeMutableBufferPointer { isc in
                let recurrent = rm.isEmpty ? nil : RecurrentDropoutBuffers(masks: rm.baseAddress!, saved: sv.baseAddress!, scratch: sc.baseAddress!)
                let input = perGate ? InputDropoutBuffers(masks: im.baseAddress!, scratch: isc.baseAddress!) : nil
                switch g {
                case 4:
                  lstmForward(
                    x, count: n, steps: T, inputs: d, units: u, kernel: weights[0], recurrentKernel: weights[1], bias: weights[2],
                    gates: &G, cells: &C, hidden: &H, recurrentDropout: recurrent, inputDropout: input)
                case 3 where name == "gru_reset_before":
                  gruResetBeforeForward(
                    x, count: n, steps: T, inputs: d, units: u, kernel: weights[0], recurrentKernel: weights[1], bias: weights[2],
                    gates: &G, recurrent: &R, resetHidden: &RH, hidden: &H, recurrentDropout: recurrent, inputDropout: input)
                case 3:
                  gruForward(
                    x, count: n, steps: T, inputs: d, units: u, kernel: weights[0], recurrentKernel: weights[1], bias: weights[2],
                    gates: &G, recurrent: &R, hidden: &H, recurrentDropout: recurrent, inputDropout: input)
                default:
                  simpleRNNForward(
                    x, count: n, steps: T, inputs: d, units: u, kernel: weights[0], recurrentKernel: weights[1], bias: weights[2],
                    hidden: &H, recurrentDropout: recurrent)
                }
              }
            }
          }
        }
      }
      XCTAssertLessThan(maxAbsDifference(H, floats(c["output"])), 1e-5, name)
    }
  }
}
