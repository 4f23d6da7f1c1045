// ImageCodecs.swift: PNG and JPEG files as 8-bit pixels (libpng, libjpeg-turbo), and Keras's bilinear resize.
import CImageCodecs

/// An 8-bit image: rows top to bottom, channels interleaved (1 grey, 3 RGB).
public struct Image8: Sendable, Equatable {
  public var height: Int
  public var width: Int
  public var channels: Int
  /// [height, width, channels] row-major.
  public var pixels: [UInt8]

  public init(height: Int, width: Int, channels: Int, pixels: [UInt8]) {
    precondition(pixels.count == height * width * channels, "pixel count")
    self.height = height
    self.width = width
    self.channels = channels
    self.pixels = pixels
  }
}

/// PNG and JPEG through libpng and libjpeg-turbo (the C layer in `CImageCodecs` turns their longjmp errors into
/// messages). Formats are told apart by their first bytes, not by the file's name.
public enum ImageCodec {
  /// The file name extensions of the images an image folder holds (Keras's `image_dataset_from_directory` also
  /// lists .bmp and .gif, which Precast does not decode: they are reported, not skipped silently).
  public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

  /// Whether `path` names an image by its extension (case-insensitive).
  public static func isImageName(_ path: String) -> Bool {
    guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
    return extensions.contains(path[path.index(after: dot)...].lowercased())
  }

  /// Decodes `bytes`; `channels` 1 or 3 converts (grey replicated, alpha dropped, RGB → Y = 0.299 R + 0.587 G +
  /// 0.114 B, as TensorFlow's decoders do), 0 keeps the file's own. `name` is used in errors.
  public static func decode(_ bytes: [UInt8], channels: Int = 0, name: String) throws(DataError) -> Image8 {
    var pixels: UnsafeMutablePointer<UInt8>?
    var (width, height, got): (Int32, Int32, Int32) = (0, 0, 0)
    var message = [CChar](repeating: 0, count: 256)
    let status = bytes.withUnsafeBufferPointer { data in
      precast_image_decode(data.baseAddress, data.count, Int32(channels), &pixels, &width, &height, &got, &message, message.count)
    }
    guard status == 0, let pixels else {
      throw DataError(file: name, String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    defer { precast_image_free(pixels) }
    let count = Int(width) * Int(height) * Int(got)
    return Image8(height: Int(height), width: Int(width), channels: Int(got), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
  }

  /// Reads and decodes an image file.
  public static func read(path: String, channels: Int = 0) throws(DataError) -> Image8 {
    try decode(try FileIO.readAll(path: path), channels: channels, name: path)
  }

  /// The PNG encoding of `image` (1, 3 or 4 channels).
  public static func png(_ image: Image8) throws(DataError) -> [UInt8] {
    try encode(image) { pixels, out, size, message, messageSize in
      precast_png_encode(pixels, Int32(image.width), Int32(image.height), Int32(image.channels), out, size, message, messageSize)
    }
  }

  /// The baseline JPEG encoding of `image` (1 or 3 channels) at `quality` 1…100.
  public static func jpeg(_ image: Image8, quality: Int = 90) throws(DataError) -> [UInt8] {
    try encode(image) { pixels, out, size, message, messageSize in
      precast_jpeg_encode(pixels, Int32(image.width), Int32(image.height), Int32(image.channels), Int32(quality), out, size, message, messageSize)
    }
  }

  private typealias Encoder = (
    UnsafePointer<UInt8>?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>, Int
  ) -> Int32

  private static func encode(_ image: Image8, _ encoder: Encoder) throws(DataError) -> [UInt8] {
    var out: UnsafeMutablePointer<UInt8>?
    var size = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = image.pixels.withUnsafeBufferPointer { encoder($0.baseAddress, &out, &size, &message, message.count) }
    guard status == 0, let out else {
      throw DataError(file: nil, String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    defer { precast_image_free(out) }
    return Array(UnsafeBufferPointer(start: out, count: size))
  }
}

// MARK: - Resizing

extension Image8 {
  /// `tf.image.resize(image, [height, width], method="bilinear")` (what Keras's `image_dataset_from_directory` and
  /// `load_img` + `img_to_array` do by default): half-pixel centres, no antialiasing, float output (not rounded),
  /// written to `out` [height, width, channels]. The same size copies the pixels as floats.
  public func resized(height outHeight: Int, width outWidth: Int, into out: UnsafeMutablePointer<Float>) {
    let rows = Self.weights(from: height, to: outHeight), columns = Self.weights(from: width, to: outWidth)
    let c = channels
    pixels.withUnsafeBufferPointer { p in
      for (y, row) in rows.enumerated() {
        let top = row.lower * width * c, bottom = row.upper * width * c
        for (x, column) in columns.enumerated() {
          let left = column.lower * c, right = column.upper * c
          let target = out + (y * outWidth + x) * c
          for k in 0..<c {
            let topLeft = Float(p[top + left + k]), topRight = Float(p[top + right + k])
            let bottomLeft = Float(p[bottom + left + k]), bottomRight = Float(p[bottom + right + k])
            let upper = topLeft + (topRight - topLeft) * column.lerp
            let lower = bottomLeft + (bottomRight - bottomLeft) * column.lerp
            target[k] = upper + (lower - upper) * row.lerp
          }
        }
      }
    }
  }

  /// TensorFlow's `compute_interpolation_weights` with the half-pixel scaler: for each output index, the two input
  /// indices and the weight of the second.
  static func weights(from inSize: Int, to outSize: Int) -> [(lower: Int, upper: Int, lerp: Float)] {
    let scale = Float(inSize) / Float(outSize)
    return (0..<outSize).map { i in
      let position = (Float(i) + 0.5) * scale - 0.5
      let floor = position.rounded(.down)
      let lower = max(Int(floor), 0), upper = min(Int(position.rounded(.up)), inSize - 1)
      return (lower, upper, position - floor)
    }
  }
}
