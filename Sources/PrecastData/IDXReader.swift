// IDXReader.swift: reading IDX files (the MNIST format), plain or gzip-compressed.

// MARK: - Reader

/// Reads IDX files such as `train-images-idx3-ubyte.gz` into a ``DataArray``.
public enum IDXReader {
  /// Reads an IDX file, plain or gzip-compressed (detected by the `1f 8b` magic, not the name).
  ///
  /// The header is big-endian: two zero bytes, a type code (`0x08` ubyte, `0x09` byte, `0x0B` short,
  /// `0x0C` int, `0x0D` float, `0x0E` double), the number of dimensions, then each dimension as a
  /// 32-bit integer. Values are converted to `Float` without scaling.
  ///
  /// - Throws: ``DataError`` for a bad magic number, an unknown type code, or truncated data.
  public static func read(path: String) throws(DataError) -> DataArray {
    var bytes = try FileIO.readAll(path: path)
    if Gzip.isCompressed(bytes) { bytes = try Gzip.decompress(bytes, name: path) }
    return try parse(bytes, name: path)
  }

  /// Reads an 8-bit unsigned IDX file (MNIST's images) as its bytes, 4× smaller than floats;
  /// nil when the file holds another element type.
  public static func readBytes(path: String) throws(DataError) -> ByteArray? {
    var bytes = try FileIO.readAll(path: path)
    if Gzip.isCompressed(bytes) { bytes = try Gzip.decompress(bytes, name: path) }
    let (shape, type, dataOffset) = try header(bytes, name: path)
    guard type == .uint8 else { return nil }
    bytes.removeFirst(dataOffset)
    return ByteArray(shape: shape, values: bytes)
  }

  /// Parses uncompressed IDX bytes; `name` is used in error messages.
  static func parse(_ bytes: [UInt8], name: String) throws(DataError) -> DataArray {
    let (shape, type, dataOffset) = try header(bytes, name: name)
    let values = bytes.withUnsafeBytes { raw in
      decodeElements(
        UnsafeRawBufferPointer(rebasing: raw[dataOffset...]), count: shape.reduce(1, *), type: type, littleEndian: false)
    }
    return DataArray(shape: shape, values: values)
  }

  /// The shape, element type and data offset of IDX bytes, checked against the data's length.
  private static func header(_ bytes: [UInt8], name: String) throws(DataError) -> (shape: [Int], type: ElementType, dataOffset: Int) {
    guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
      throw DataError(file: name, "not an IDX file (bad magic \(hexMagic(bytes)))")
    }
    guard let type = elementType(code: bytes[2]) else {
      throw DataError(file: name, "unknown IDX type code \(hex(bytes[2])) (supported: 0x08 0x09 0x0B 0x0C 0x0D 0x0E)")
    }
    let shape = try dimensions(bytes, rank: Int(bytes[3]), name: name)
    let dataOffset = 4 + 4 * shape.count
    guard let count = checkedProduct(shape),
      case (let byteCount, false) = count.multipliedReportingOverflow(by: type.size)
    else { throw DataError(file: name, "shape \(formatShape(shape)) is too large") }
    let available = bytes.count - dataOffset
    guard available >= byteCount else { throw .truncated(name, expected: byteCount, found: available) }
    guard available == byteCount else { throw .trailing(name, extra: available - byteCount, expected: byteCount) }
    return (shape, type, dataOffset)
  }

  // MARK: Header

  /// The `rank` big-endian 32-bit dimensions after the magic number.
  private static func dimensions(_ bytes: [UInt8], rank: Int, name: String) throws(DataError) -> [Int] {
    let headerSize = 4 + 4 * rank
    guard bytes.count >= headerSize else {
      throw DataError(file: name, "truncated header (expected \(headerSize) bytes, found \(bytes.count))")
    }
    return (0..<rank).map { Int(readBigEndian(bytes, at: 4 + 4 * $0, as: UInt32.self)) }
  }

  /// The element type for an IDX type code.
  static func elementType(code: UInt8) -> ElementType? {
    switch code {
    case 0x08: .uint8
    case 0x09: .int8
    case 0x0B: .int16
    case 0x0C: .int32
    case 0x0D: .float32
    case 0x0E: .float64
    default: nil
    }
  }

  /// The first four bytes in hex, for messages.
  private static func hexMagic(_ bytes: [UInt8]) -> String {
    bytes.prefix(4).map(hex).joined(separator: " ")
  }

  /// `0x0B`.
  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
  }
}
