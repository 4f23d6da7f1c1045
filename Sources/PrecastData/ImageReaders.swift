// ImageReaders.swift: single images as binary PGM/PPM (P5/P6), and CIFAR-10's binary batch files.

// MARK: - PGM / PPM

/// Reads binary Netpbm images: P5 (PGM, grey) and P6 (PPM, RGB), 8- or 16-bit.
public enum NetpbmReader {
  /// One image as [1, height, width, channels] (channels 1 or 3), values scaled to 0…255.
  public static func read(path: String) throws(DataError) -> DataArray {
    try parse(try FileIO.readAll(path: path), name: path)
  }

  /// Parses the bytes of a P5/P6 file; `name` is used in error messages.
  static func parse(_ bytes: [UInt8], name: String) throws(DataError) -> DataArray {
    guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5") || bytes[1] == UInt8(ascii: "6") else {
      throw DataError(file: name, "not a binary PGM/PPM image (expected magic P5 or P6)")
    }
    let channels = bytes[1] == UInt8(ascii: "5") ? 1 : 3
    var at = 2
    var fields: [Int] = []
    while fields.count < 3 {
      // Skip whitespace and # comments, then read one decimal field.
      while at < bytes.count, bytes[at] == UInt8(ascii: "#") || isSpace(bytes[at]) {
        if bytes[at] == UInt8(ascii: "#") {
          while at < bytes.count, bytes[at] != UInt8(ascii: "\n") { at += 1 }
        } else {
          at += 1
        }
      }
      var value = 0, digits = 0
      while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]), digits < 9 {
        value = value * 10 + Int(bytes[at] - UInt8(ascii: "0"))
        at += 1
        digits += 1
      }
      guard digits > 0 else { throw DataError(file: name, "truncated or malformed PGM/PPM header") }
      fields.append(value)
    }
    at += 1  // the single whitespace byte before the pixels
    let (width, height, maxValue) = (fields[0], fields[1], fields[2])
    guard width > 0, height > 0, (1...65535).contains(maxValue) else {
      throw DataError(file: name, "bad PGM/PPM header: \(width)×\(height), maximum value \(maxValue)")
    }
    let sampleBytes = maxValue > 255 ? 2 : 1
    let count = width * height * channels
    let available = max(bytes.count - at, 0)
    guard available >= count * sampleBytes else { throw .truncated(name, expected: count * sampleBytes, found: available) }
    let scale = 255 / Float(maxValue)
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count {
      let raw = sampleBytes == 1 ? Int(bytes[at + i]) : Int(bytes[at + 2 * i]) << 8 | Int(bytes[at + 2 * i + 1])
      values[i] = Float(raw) * scale
    }
    return DataArray(shape: [1, height, width, channels], values: values)
  }

  private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
}

// MARK: - CIFAR-10

/// Reads CIFAR-10's binary batches (`data_batch_1.bin` … `test_batch.bin`, or several concatenated with
/// `cat`): records of one label byte and a 32×32×3 image stored as three planes (R, G, B).
public enum CIFARReader {
  public static let recordSize = 1 + 32 * 32 * 3

  /// [n, 3073]: each row the image in NHWC order (32·32·3 values, 0…255), then the label.
  public static func read(path: String) throws(DataError) -> DataArray {
    try parse(try FileIO.readAll(path: path), name: path)
  }

  static func parse(_ bytes: [UInt8], name: String) throws(DataError) -> DataArray {
    guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
      throw DataError(file: name, "\(bytes.count) bytes is not a whole number of CIFAR-10 records (\(recordSize) bytes each: label + 32×32×3 image)")
    }
    let n = bytes.count / recordSize
    let plane = 32 * 32
    var values = [Float](repeating: 0, count: n * recordSize)
    for r in 0..<n {
      let record = r * recordSize
      let row = r * recordSize
      guard bytes[record] <= 9 else { throw DataError(file: name, "record \(r + 1) has label \(bytes[record]), expected 0…9") }
      for p in 0..<plane {
        for ch in 0..<3 { values[row + p * 3 + ch] = Float(bytes[record + 1 + ch * plane + p]) }
      }
      values[row + 3 * plane] = Float(bytes[record])
    }
    return DataArray(shape: [n, recordSize], values: values)
  }
}
