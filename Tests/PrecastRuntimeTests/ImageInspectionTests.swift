// ImageInspectionTests.swift: "seeing inside a convnet" — Grad-CAM against Keras, feature maps, filter patterns and
// the history chart as PNG.
import CheckModels
import Foundation
import PrecastData
import PrecastRuntime
import PrecastTestSupport
import XCTest

final class ImageInspectionTests: XCTestCase {
  /// Keras's Grad-CAM (Tests/keras/gradcam_fixture.py: jax.grad through the classifier part of the split model) of
  /// three inputs, one at the predicted class and two at given classes, equals Precast's map within 1e-4.
  func testGradCamMatchesKeras() throws {
    let model = CheckGradCam(maxBatch: 1)
    try model.loadWeights(path: fixture("gradcam.h5"))
    let x = try DataLoader.load(path: fixture("gradcam.input.npy"))
    let expected = try DataLoader.load(path: fixture("gradcam.heatmap.npy"))
    let classes = try String(contentsOfFile: fixture("gradcam.classes.csv"), encoding: .utf8).split(separator: "\n").map { Int($0)! }
    XCTAssertEqual(expected.shape, [3, 4, 4])
    var largest: Float = 0
    defer { print("Grad-CAM against Keras: largest difference \(largest) over \(classes.count) maps") }
    for (i, k) in classes.enumerated() {
      let cam = try x.values.withUnsafeBufferPointer { xs in
        try gradCAM(model, xs.baseAddress! + i * 588, classIndex: i == 0 ? nil : k)
      }
      XCTAssertEqual(cam.classIndex, k)
      XCTAssertEqual([cam.height, cam.width], [4, 4])
      let worst = maxAbsDifference(cam.map, Array(expected.values[(i * 16)..<((i + 1) * 16)]))
      largest = worse(largest, worst)
      XCTAssertLessThanOrEqual(worst, 1e-4, "input \(i), class \(k): Grad-CAM differs from Keras's by \(worst)")
    }
  }

  /// Feature maps come out for every Conv2D and pooling layer with the layers' shapes, the fused first convolution's
  /// [12, 12, 8] among them, equal to a plain re-computation of its ReLU convolution; the grid PNG decodes back.
  func testActivationsAndFilterPatterns() throws {
    let model = CheckGradCam(maxBatch: 4)
    try model.loadWeights(path: fixture("gradcam.h5"))
    let x = try DataLoader.load(path: fixture("gradcam.input.npy"))
    let directory = NSTemporaryDirectory() + "precast-inspection-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let files = try x.values.withUnsafeBufferPointer { try writeActivations(model, $0.baseAddress!, directory: directory) }
    XCTAssertEqual(files.map { ($0 as NSString).lastPathComponent },
                   ["conv2d.png", "conv2d.npy", "max_pooling2d.png", "max_pooling2d.npy", "conv2d_1.png", "conv2d_1.npy", "max_pooling2d_1.png", "max_pooling2d_1.npy"])
    let maps = try DataLoader.load(path: directory + "/conv2d.npy")
    XCTAssertEqual(maps.shape, [12, 12, 8])
    let kernel = Array(UnsafeBufferPointer(start: model.parameters, count: 216)), bias = Array(UnsafeBufferPointer(start: model.parameters + 216, count: 8))
    for (oy, ox, f) in [(0, 0, 0), (5, 7, 3), (11, 11, 7)] {
      var z = bias[f]
      for ky in 0..<3 { for kx in 0..<3 { for c in 0..<3 { z += x.values[((oy + ky) * 14 + ox + kx) * 3 + c] * kernel[((ky * 3 + kx) * 3 + c) * 8 + f] } } }
      XCTAssertEqual(maps.values[(oy * 12 + ox) * 8 + f], max(z, 0), accuracy: 1e-5)
    }
    let grid = try ImageCodec.read(path: directory + "/conv2d_1.png")
    XCTAssertEqual([grid.height, grid.width], [4, 8 * 4 + 7])  // 8 channels of 4×4, one row, 1-pixel gaps

    var settings = FilterAscent()
    settings.steps = 5
    let (patterns, silent) = filterPatterns(model, layer: 2, preprocessing: Preprocessing(inputScale: 1 / 255), settings: settings)
    XCTAssertEqual(patterns.count, 8)  // two batches of 4
    XCTAssertLessThan(silent.count, 8)
    XCTAssertTrue(patterns.allSatisfy { $0.count == 588 && $0.allSatisfy { $0 >= 0 && $0 <= 255 } })
    XCTAssertNotEqual(patterns[0], patterns[1])
  }

  /// The ascent raises the filters' mean activations (read from the ascent's last forward pass, made at the input
  /// after steps − 1 updates; sample s is filter s's pattern).
  func testFilterAscentRaisesTheActivation() throws {
    let model = CheckGradCam(maxBatch: 8)
    try model.loadWeights(path: fixture("gradcam.h5"))
    func meanActivation(steps: Int) -> Float {
      var settings = FilterAscent()
      settings.steps = steps
      settings.stepSize = 4
      _ = filterPatterns(model, layer: 2, preprocessing: Preprocessing(inputScale: 1 / 255), settings: settings)
      let a = model.inspectOutput(layer: 2)!
      var sum: Float = 0
      for s in 0..<8 { for p in 0..<16 { sum += a[(s * 16 + p) * 8 + s] } }
      return sum / 128
    }
    let before = meanActivation(steps: 1), after = meanActivation(steps: 30)
    XCTAssertGreaterThan(after, before + 0.1, "mean activation \(before) → \(after)")
  }

  /// --plot x.png: the history chart rasterised, a valid PNG of the SVG's size with the series' colours in it.
  func testHistoryChartAsPNG() throws {
    var history: [Logs] = []
    for e in 0..<5 {
      let epoch = Double(e + 1)
      history.append(Logs([("loss", 1 / epoch), ("accuracy", 0.4 + 0.1 * epoch), ("val_loss", 1.2 / epoch)]))
    }
    let path = NSTemporaryDirectory() + "precast-history-\(getpid()).png"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try writeHistoryChart(history, title: "t", to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let image = try ImageCodec.read(path: path)
    XCTAssertEqual([image.width, image.height], [840, 336])
    func contains(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Bool {
      stride(from: 0, to: image.pixels.count, by: 3).contains { image.pixels[$0] == r && image.pixels[$0 + 1] == g && image.pixels[$0 + 2] == b }
    }
    let blue = contains(0x1f, 0x77, 0xb4), orange = contains(0xff, 0x7f, 0x0e)
    XCTAssertTrue(blue && orange)
  }
}
