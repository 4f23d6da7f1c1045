// Inspection.swift: seeing inside a convnet (Deep Learning with Python, "Visualizing what convnets learn"):
// intermediate activations, the input patterns that excite each filter, and Grad-CAM class activation heatmaps,
// on the generated inspection passes (`InspectableModel`).
import Glibc

// MARK: - Intermediate activations

/// The layers whose outputs are images (Conv2D and 2-D pooling): index and [height, width, channels].
public func featureMapLayers(_ info: ModelInfo) -> [(index: Int, shape: [Int])] {
  info.layers.enumerated().compactMap { i, layer in
    ["Conv2D", "MaxPooling2D", "AveragePooling2D"].contains(layer.className) && layer.outputShape.count == 3
      ? (i, layer.outputShape) : nil
  }
}

/// One feature map [h, w, channels] as a grid of its channels, 16 to a row, each normalised for display as the
/// tutorial does: (v − mean)/std · 64 + 128, clipped to 0…255 (a constant channel is grey).
public func featureMapGrid(_ maps: UnsafePointer<Float>, height h: Int, width w: Int, channels c: Int) -> Image8 {
  let pixels = h * w
  let tiles = (0..<c).map { channel -> [Float] in
    var values = (0..<pixels).map { maps[$0 * c + channel] }
    let mean = values.reduce(0, +) / Float(pixels)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(pixels)
    let std = variance.squareRoot()
    for i in values.indices { values[i] = std > 0 ? (values[i] - mean) / std * 64 + 128 : 128 }
    return values
  }
  return imageGrid(tiles, height: h, width: w, channels: 1, columns: min(16, c), gap: 1)
}

/// Writes every Conv2D and pooling layer's feature maps for one preprocessed input x [inputSize] into `directory`:
/// `<layer>.png` (the channel grid) and `<layer>.npy` ([h, w, channels] floats). Returns the files written.
public func writeActivations<Model: InspectableModel>(_ model: Model, _ x: UnsafePointer<Float>, directory: String) throws(PrecastError) -> [String] {
  try makeDirectory(directory)
  model.inspectForward(x, count: 1)
  var written: [String] = []
  for (index, shape) in featureMapLayers(Model.info) {
    guard let maps = model.inspectOutput(layer: index) else { continue }
    let base = directory + "/" + Model.info.layers[index].name
    let grid = featureMapGrid(maps, height: shape[0], width: shape[1], channels: shape[2])
    try writePNG(grid, to: base + ".png")
    let values = Array(UnsafeBufferPointer(start: maps, count: shape.reduce(1, *)))
    do { try NPYWriter.write(DataArray(shape: shape, values: values), path: base + ".npy") } catch { throw PrecastError("\(error)") }
    written += [base + ".png", base + ".npy"]
  }
  return written
}

// MARK: - Filter patterns (gradient ascent in input space)

/// Settings of the filter visualisation; the defaults are the tutorial's.
public struct FilterAscent: Sendable {
  public var steps = 40
  public var stepSize: Float = 1
  public var seed: UInt64 = 1
  /// At most this many filters (the first ones), or all.
  public var maxFilters: Int?
  public init() {}
}

/// For each filter of Conv2D layer `layer`, the input that maximises the filter's mean activation: gradient ascent
/// from grey noise (128 + U(0, 20) in pixel units, preprocessed as in prediction), each step's gradient divided by
/// its RMS; deprocessed as the tutorial does (standardised, · 0.1 + 0.5, clipped to 0…1, · 255). Returns the
/// patterns [h, w, c] in 0…255, filters in batches of `model.maxBatch`, and the filters that stayed silent (zero
/// gradient at every step: the filter never fires near grey, and its pattern is the starting noise).
public func filterPatterns<Model: InspectableModel>(
  _ model: Model, layer: Int, preprocessing: Preprocessing, settings: FilterAscent
) -> (patterns: [[Float]], silent: [Int]) {
  let info = Model.info, size = info.inputSize
  let shape = info.layers[layer].outputShape, pixels = shape[0] * shape[1], channels = shape[2]
  let filters = min(channels, settings.maxFilters ?? channels)
  // The preprocessing is affine per feature: model input = scale · pixel + shift.
  var shift = [Float](repeating: 0, count: size), scale = [Float](repeating: 1, count: size)
  preprocessing.apply(&shift, rows: 1, features: size)
  preprocessing.apply(&scale, rows: 1, features: size)
  for j in 0..<size { scale[j] -= shift[j] }
  var rng = Random(seed: settings.seed)
  var patterns: [[Float]] = []
  var silent: [Int] = []
  var first = 0
  while first < filters {
    let n = min(model.maxBatch, filters - first)
    var raw = (0..<(n * size)).map { _ in 128 + 20 * rng.nextUnitFloat() }
    var x = [Float](repeating: 0, count: n * size)
    var seed = [Float](repeating: 0, count: n * pixels * channels)
    var responded = [Bool](repeating: false, count: n)
    for s in 0..<n { for p in 0..<pixels { seed[(s * pixels + p) * channels + first + s] = 1 / Float(pixels) } }
    for _ in 0..<settings.steps {
      for i in 0..<(n * size) { x[i] = scale[i % size] * raw[i] + shift[i % size] }
      x.withUnsafeBufferPointer { xs in
        model.inspectForward(xs.baseAddress!, count: n, through: layer)
        let g = model.inspectBackward(xs.baseAddress!, from: layer, to: -1, seed: seed, count: n)
        for s in 0..<n {
          var sum: Float = 0
          for j in 0..<size { sum += (g[s * size + j] * scale[j]) * (g[s * size + j] * scale[j]) }
          if sum > 0 { responded[s] = true }
          let step = settings.stepSize / ((sum / Float(size)).squareRoot() + 1e-5)
          for j in 0..<size { raw[s * size + j] += step * g[s * size + j] * scale[j] }
        }
      }
    }
    for s in 0..<n { patterns.append(deprocess(Array(raw[(s * size)..<((s + 1) * size)]))) }
    silent += (0..<n).filter { !responded[$0] }.map { first + $0 }
    first += n
  }
  return (patterns, silent)
}

/// The tutorial's `deprocess_image`: standardise, std 0.1 around 0.5, clip to 0…1, scale to 0…255.
func deprocess(_ x: [Float]) -> [Float] {
  let mean = x.reduce(0, +) / Float(x.count)
  let std = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(x.count)).squareRoot()
  return x.map { min(max(($0 - mean) / (std + 1e-5) * 0.1 + 0.5, 0), 1) * 255 }
}

// MARK: - Grad-CAM

/// The Grad-CAM map of one preprocessed input x [inputSize] at the last Conv2D layer [h, w] (Selvaraju et al.
/// 2017; the tutorial's version): each channel of that layer's output weighted by the mean over positions of
/// ∂(output `classIndex`)/∂(the channel), averaged over channels, ReLU, divided by its maximum. `classIndex` nil: the
/// predicted class. One sigmoid unit: class 1 is the output, class 0 its complement 1 − y.
public func gradCAM<Model: InspectableModel>(_ model: Model, _ x: UnsafePointer<Float>, classIndex: Int?) throws(PrecastError)
  -> (map: [Float], height: Int, width: Int, classIndex: Int)
{
  let info = Model.info
  guard let conv = info.layers.lastIndex(where: { $0.className == "Conv2D" && $0.outputShape.count == 3 }) else {
    throw PrecastError("--heatmap needs a Conv2D layer")
  }
  model.inspectForward(x, count: 1)
  let outputs = info.outputSize
  let k = classIndex ?? predictedClass(model.output, count: outputs)
  guard k >= 0 && k < max(outputs, 2) else { throw PrecastError("--class \(k): the model has \(max(outputs, 2)) classes") }
  var seed = [Float](repeating: 0, count: outputs)
  if outputs == 1 { seed[0] = k == 1 ? 1 : -1 } else { seed[k] = 1 }
  let shape = info.layers[conv].outputShape, pixels = shape[0] * shape[1], channels = shape[2]
  let g = model.inspectBackward(x, from: info.layers.count - 1, to: conv, seed: seed, count: 1)
  var weights = [Float](repeating: 0, count: channels)
  for p in 0..<pixels { for c in 0..<channels { weights[c] += g[p * channels + c] } }
  let a = model.inspectOutput(layer: conv)!
  var map = [Float](repeating: 0, count: pixels)
  for p in 0..<pixels {
    var sum: Float = 0
    for c in 0..<channels { sum += a[p * channels + c] * (weights[c] / Float(pixels)) }
    map[p] = max(sum / Float(channels), 0)
  }
  let top = map.max() ?? 0
  if top > 0 { for p in 0..<pixels { map[p] /= top } }
  return (map, shape[0], shape[1], k)
}

/// The heatmap (values 0…1, [h, w]) in matplotlib's jet colours, resized to `image` (bilinear) and laid over it
/// as the tutorial does: image + 0.4 · jet, rescaled to 0…255.
public func heatmapOverlay(_ map: [Float], height h: Int, width w: Int, on image: Image8) -> Image8 {
  let levels = Image8(height: h, width: w, channels: 1, pixels: map.map { UInt8(min(max($0 * 255, 0), 255)) })
  var resized = [Float](repeating: 0, count: image.height * image.width)
  resized.withUnsafeMutableBufferPointer { levels.resized(height: image.height, width: image.width, into: $0.baseAddress!) }
  var blended = [Float](repeating: 0, count: image.height * image.width * 3)
  for p in 0..<(image.height * image.width) {
    let v = min(max(resized[p] / 255, 0), 1)
    let jet = [1.5 - abs(4 * v - 3), 1.5 - abs(4 * v - 2), 1.5 - abs(4 * v - 1)].map { min(max($0, 0), 1) }
    for c in 0..<3 {
      let pixel = Float(image.pixels[p * image.channels + (image.channels == 3 ? c : 0)])
      blended[p * 3 + c] = pixel + 0.4 * 255 * jet[c]
    }
  }
  let low = blended.min() ?? 0, high = blended.max() ?? 1
  let range = high > low ? high - low : 1
  return Image8(height: image.height, width: image.width, channels: 3, pixels: blended.map { UInt8(((($0 - low) / range) * 255).rounded()) })
}

// MARK: - Files

/// Writes `image` as a PNG file.
public func writePNG(_ image: Image8, to path: String) throws(PrecastError) {
  do { try writeBinaryFileAtomically(try ImageCodec.png(image), to: path) } catch let error as PrecastError { throw error } catch {
    throw PrecastError("\(path): \(error)")
  }
}

/// Creates `path` (and its parents) when missing.
public func makeDirectory(_ path: String) throws(PrecastError) {
  var partial = path.hasPrefix("/") ? "/" : ""
  for part in path.split(separator: "/") {
    partial += part + "/"
    if mkdir(partial, 0o755) != 0 && errno != EEXIST {
      throw PrecastError("\(path): cannot create the folder (\(String(cString: strerror(errno))))")
    }
  }
}
