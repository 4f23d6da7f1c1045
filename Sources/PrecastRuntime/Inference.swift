// Inference.swift: batched prediction over a data array, and printing outputs as CSV or classes.

extension CompiledModel {
  /// Predicts every row of x [n, inputSize] in batches of at most `maxBatch`; returns [n, outputSize].
  public func predictAll(_ x: DataArray) -> DataArray {
    let info = Self.info
    var out = [Float](repeating: 0, count: x.count * info.outputSize)
    x.values.withUnsafeBufferPointer { xs in
      var lo = 0
      while lo < x.count {
        let n = min(maxBatch, x.count - lo)
        let y = predict(xs.baseAddress! + lo * info.inputSize, count: n)
        for i in 0..<(n * info.outputSize) { out[lo * info.outputSize + i] = y[i] }
        lo += n
      }
    }
    return DataArray(shape: [x.count, info.outputSize], values: out)
  }
}

/// The class Keras users read off an output row: threshold 0.5 for one sigmoid unit, argmax otherwise.
public func predictedClass(_ row: UnsafePointer<Float>, count: Int) -> Int {
  count == 1 ? (row[0] > 0.5 ? 1 : 0) : argmax(row, count)
}

/// One CSV line per sample: the outputs (shortest round-trip decimal) or the class: its name when the weights carry
/// `names` (text labels or an image folder's classes), else its index; each line after its sample's `labels` (an
/// image's path) when given.
public func formatPredictions(_ y: DataArray, classes: Bool, names: [String]?, labels: [String]? = nil) -> String {
  let cols = y.sampleSize
  var text = ""
  text.reserveCapacity(y.count * (classes ? 3 : cols * 12))
  y.values.withUnsafeBufferPointer { v in
    for r in 0..<y.count {
      let row = v.baseAddress! + r * cols
      if let labels { text += labels[r] + "," }
      if classes {
        let k = predictedClass(row, count: cols)
        if let names, k < names.count { text += names[k] } else { text += String(k) }
      } else {
        for c in 0..<cols {
          if c > 0 { text += "," }
          text += "\(row[c])"
        }
      }
      text += "\n"
    }
  }
  return text
}

/// PNG/JPEG inputs: `source` itself (a file named .png/.jpg/.jpeg) or the images in a folder (and its subfolders,
/// sorted), each decoded to the model's channels and resized to its input as the trainer's image folders are
/// (Keras's bilinear resize). Returns nil when `source` is neither; the images [n, h, w, c] and their paths otherwise.
public func readImages(_ source: String, info: ModelInfo) throws(PrecastError) -> (x: DataArray, paths: [String])? {
  let directory = ImageFolder.isDirectory(source)
  guard directory || ImageCodec.isImageName(source) else { return nil }
  guard let (height, width, channels) = Dataset.imageShape(info.inputShape) else {
    throw PrecastError("\(source): PNG/JPEG inputs need a model whose input is [height, width, channels]; this model's is \(info.inputShape)")
  }
  do {
    let paths = directory ? try ImageFolder.images(in: source) : [source]
    let size = height * width * channels
    var x = DataArray(shape: [paths.count, height, width, channels], values: Array(repeating: 0, count: paths.count * size))
    try x.values.withUnsafeMutableBufferPointer { (values) throws(DataError) in
      for (i, path) in paths.enumerated() {
        try ImageCodec.read(path: path, channels: channels).resized(height: height, width: width, into: values.baseAddress! + i * size)
      }
    }
    return (x, paths)
  } catch {
    throw PrecastError("\(error)")
  }
}

/// The feature rows of an input file (CSV, NPY, IDX, PGM/PPM, CIFAR .bin) or standard input ('-'), as [n, inputSize];
/// with `targetsIncluded`, trailing target columns of a CSV are dropped.
public func readFeatures(_ source: String, targetsIncluded: Bool, info: ModelInfo) throws(PrecastError) -> DataArray {
  let raw: DataArray
  do {
    let columns = targetsIncluded ? nil : info.inputSize
    if source == "-" {
      raw = try CSVReader.readStandardInput(expectedColumns: columns)
    } else if source.hasSuffix(".csv") || source.hasSuffix(".txt") {
      raw = try CSVReader.readFeatures(path: source, expectedColumns: columns, dropTextLabels: targetsIncluded)
    } else {
      raw = try DataLoader.load(path: source)
    }
  } catch {
    throw PrecastError("\(error)")
  }
  if source.hasSuffix(".pgm") || source.hasSuffix(".ppm") || source.hasSuffix(".pnm") {
    let image = Array(raw.shape.dropFirst())
    let expected = Augmentation.imageShape(info.inputShape).map { [$0.height, $0.width, $0.channels] } ?? info.inputShape
    guard image == expected else {
      let show = { (s: [Int]) in s.map(String.init).joined(separator: "×") }
      throw PrecastError("\(source): the image is \(show(image)) (height×width×channels), the model expects \(show(expected))")
    }
  }
  let name = source == "-" ? "<stdin>" : source
  if targetsIncluded, raw.shape.count == 2, raw.shape[1] > info.inputSize {
    let x = raw.columns(0..<info.inputSize)
    try Dataset.checkIndices(x, path: name, info: info)
    return x
  }
  return try Dataset.flattenedFeatures(raw, path: name, info: info)
}
