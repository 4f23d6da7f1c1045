// SyntheticPictures.swift: a two-class folder tree of colour PNG and JPEG pictures for the cats-vs-dogs example,
// made from Fashion-MNIST (no photo set ships on these machines).
import Glibc
import PrecastData

/// The small-data vision tutorial's layout — `train/`, `validation/` and `test/`, each with one folder per class —
/// filled with Fashion-MNIST bags and trousers, enlarged to 120–200 pixels a side, placed at random sizes and
/// positions, coloured on a coloured background with noise; half PNG, half JPEG. Deterministic for a seed.
public enum SyntheticPictures {
  /// The class folders (sorted, as Keras orders them) and the Fashion-MNIST label of each.
  public static let classes: [(name: String, fashionLabel: Int)] = [("bags", 8), ("trousers", 1)]

  /// Writes `root/{train,validation,test}/{bags,trousers}/NAME.{png,jpg}` with `counts` pictures per class and part,
  /// from the Fashion-MNIST training images and labels (IDX, gzipped or not). Returns the files written.
  @discardableResult
  public static func write(
    images imagesPath: String, labels labelsPath: String, to root: String, counts: (train: Int, validation: Int, test: Int), seed: UInt64
  ) throws(DataError) -> Int {
    guard let images = try IDXReader.readBytes(path: imagesPath), images.shape.count == 3 else {
      throw DataError(file: imagesPath, "expected Fashion-MNIST images (IDX ubyte, [n, 28, 28])")
    }
    let labels = try IDXReader.read(path: labelsPath)
    guard labels.count == images.count else { throw DataError(file: labelsPath, "\(labels.count) labels for \(images.count) images") }
    let side = images.shape[1]
    var random = SplitMix(seed)
    var written = 0
    for (name, fashionLabel) in classes {
      var pool = (0..<labels.count).filter { Int(labels.values[$0]) == fashionLabel }
      random.shuffle(&pool)
      var next = 0
      for (part, count) in [("train", counts.train), ("validation", counts.validation), ("test", counts.test)] {
        let folder = "\(root)/\(part)/\(name)"
        try makeDirectories(folder)
        for i in 0..<count {
          guard next < pool.count else { throw DataError(file: imagesPath, "only \(pool.count) images of class \(name)") }
          let item = Array(images.values[(pool[next] * side * side)..<((pool[next] + 1) * side * side)])
          next += 1
          let picture = compose(item, side: side, random: &random)
          let png = i % 2 == 0
          let bytes = png ? try ImageCodec.png(picture) : try ImageCodec.jpeg(picture, quality: 88)
          let number = String(i), padded = String(repeating: "0", count: max(0, 4 - number.count)) + number
          try FileIO.write(bytes, path: "\(folder)/\(name.dropLast()).\(padded).\(png ? "png" : "jpg")")
          written += 1
        }
      }
    }
    return written
  }

  /// One picture: the grey item, enlarged, tinted with a colour on another colour, plus noise.
  static func compose(_ item: [UInt8], side: Int, random: inout SplitMix) -> Image8 {
    let height = random.int(120...200), width = random.int(120...200)
    let size = Int(Double(min(height, width)) * random.unit(0.55, 0.95))
    let top = random.int(0...(height - size)), left = random.int(0...(width - size))
    let background = (0..<3).map { _ in random.unit(0, 255) }, foreground = (0..<3).map { _ in random.unit(0, 255) }
    let source = Image8(height: side, width: side, channels: 1, pixels: item)
    var enlarged = [Float](repeating: 0, count: size * size)
    enlarged.withUnsafeMutableBufferPointer { source.resized(height: size, width: size, into: $0.baseAddress!) }
    var pixels = [UInt8](repeating: 0, count: height * width * 3)
    for y in 0..<height {
      for x in 0..<width {
        let inside = y >= top && y < top + size && x >= left && x < left + size
        let alpha = inside ? Double(enlarged[(y - top) * size + (x - left)]) / 255 : 0
        for c in 0..<3 {
          let value = background[c] * (1 - alpha) + foreground[c] * alpha + random.unit(-12, 12)
          pixels[(y * width + x) * 3 + c] = UInt8(max(0, min(255, value.rounded())))
        }
      }
    }
    return Image8(height: height, width: width, channels: 3, pixels: pixels)
  }

  /// `mkdir -p`.
  static func makeDirectories(_ path: String) throws(DataError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
      prefix += part
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw DataError(file: prefix, "cannot create the folder (\(FileIO.systemMessage()))") }
      prefix += "/"
    }
  }

  /// A small seeded generator (SplitMix64).
  struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func unit(_ low: Double, _ high: Double) -> Double { low + (high - low) * Double(next() >> 11) / Double(1 << 53) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func shuffle(_ items: inout [Int]) {
      guard items.count > 1 else { return }
      for i in stride(from: items.count - 1, through: 1, by: -1) { items.swapAt(i, Int(next() % UInt64(i + 1))) }
    }
  }
}
