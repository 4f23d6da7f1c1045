// NPY.swift: reading and writing NumPy .npy files (versions 1.0, 2.0 and 3.0).

// MARK: - Format constants

/// Constants of the .npy format.
enum NPYFormat {
  /// `\x93NUMPY`.
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
  /// Headers are padded so that the data starts at a multiple of this.
  static let alignment = 64
}

// MARK: - Reader

/// Reads NumPy `.npy` files into a ``DataArray``.
public enum NPYReader {
  /// Reads a `.npy` file (versions 1.0/2.0/3.0).
  ///
  /// Supported dtypes: `f4 f8 i1 u1 i2 u2 i4 u4 i8 u8 b1` in little-endian (`<`), native (`=`) or
  /// not-applicable (`|`) byte order, converted to `Float`.
  ///
  /// - Throws: ``DataError`` for Fortran-order or big-endian arrays, unsupported dtypes,
  ///   malformed headers and truncated data.
  public static func read(path: String) throws(DataError) -> DataArray {
    try parse(FileIO.readAll(path: path), name: path)
  }

  /// Parses `.npy` bytes; `name` is used in error messages.
  static func parse(_ bytes: [UInt8], name: String) throws(DataError) -> DataArray {
    let (header, dataOffset) = try readHeader(bytes, name: name)
    guard !header.fortranOrder else { throw DataError(file: name, "Fortran-order arrays are not supported") }
    let (type, littleEndian) = try elementType(header.descr, name: name)
    guard let count = checkedProduct(header.shape),
      case (let byteCount, false) = count.multipliedReportingOverflow(by: type.size)
    else { throw DataError(file: name, "shape \(formatShape(header.shape)) is too large") }
    let available = bytes.count - dataOffset
    guard available >= byteCount else { throw .truncated(name, expected: byteCount, found: available) }
    guard available == byteCount else { throw .trailing(name, extra: available - byteCount, expected: byteCount) }
    let values = bytes.withUnsafeBytes { raw in
      decodeElements(
        UnsafeRawBufferPointer(rebasing: raw[dataOffset...]), count: count, type: type, littleEndian: littleEndian)
    }
    return DataArray(shape: header.shape, values: values)
  }

  /// The parsed header and the offset of the first data byte.
  private static func readHeader(_ bytes: [UInt8], name: String) throws(DataError) -> (NPYHeader, Int) {
    guard bytes.count >= 10, Array(bytes[0..<6]) == NPYFormat.magic else {
      throw DataError(file: name, "not a .npy file (bad magic)")
    }
    let major = bytes[6]
    let lengthSize: Int
    switch major {
    case 1: lengthSize = 2
    case 2, 3: lengthSize = 4
    default: throw DataError(file: name, "unsupported .npy version \(major).\(bytes[7])")
    }
    guard bytes.count >= 8 + lengthSize else { throw .truncated(name, expected: 8 + lengthSize, found: bytes.count) }
    let headerLength =
      lengthSize == 2
      ? Int(readLittleEndian(bytes, at: 8, as: UInt16.self))
      : Int(readLittleEndian(bytes, at: 8, as: UInt32.self))
    let start = 8 + lengthSize
    guard bytes.count - start >= headerLength else {
      throw DataError(file: name, "truncated header (expected \(headerLength) bytes, found \(bytes.count - start))")
    }
    let header = try NPYHeader.parse(Array(bytes[start..<(start + headerLength)]), name: name)
    return (header, start + headerLength)
  }

  /// The element type and byte order of a dtype string such as `<f4`.
  static func elementType(_ descr: String, name: String) throws(DataError) -> (ElementType, littleEndian: Bool) {
    let chars = Array(descr.utf8)
    guard chars.count >= 3, let type = elementType(kind: String(decoding: chars[1...], as: UTF8.self)) else {
      throw DataError(file: name, "unsupported dtype '\(descr)' (supported: f4 f8 i1 u1 i2 u2 i4 u4 i8 u8 b1)")
    }
    switch chars[0] {
    case UInt8(ascii: "<"), UInt8(ascii: "|"): return (type, true)
    case UInt8(ascii: "="): return (type, nativeIsLittleEndian)
    case UInt8(ascii: ">") where type.size == 1: return (type, true)
    case UInt8(ascii: ">"): throw DataError(file: name, "big-endian dtype '\(descr)' is not supported")
    default: throw DataError(file: name, "unsupported dtype '\(descr)'")
    }
  }

  /// The element type for a kind-and-size code such as `f4`.
  private static func elementType(kind: String) -> ElementType? {
    switch kind {
    case "f4": .float32
    case "f8": .float64
    case "i1": .int8
    case "u1": .uint8
    case "i2": .int16
    case "u2": .uint16
    case "i4": .int32
    case "u4": .uint32
    case "i8": .int64
    case "u8": .uint64
    case "b1": .bool
    default: nil
    }
  }

  /// Whether this machine is little-endian.
  static var nativeIsLittleEndian: Bool { 1.littleEndian == 1 }
}

// MARK: - Writer

/// Writes ``DataArray`` values as NumPy `.npy` files.
public enum NPYWriter {
  /// Writes a float32 little-endian C-order `.npy` file (version 1.0), for example to save predictions.
  ///
  /// - Throws: ``DataError`` if the shape does not match the number of values or the file cannot be written.
  public static func write(_ array: DataArray, path: String) throws(DataError) {
    try FileIO.write(encode(array, name: path), path: path)
  }

  /// The complete file contents for `array`.
  static func encode(_ array: DataArray, name: String) throws(DataError) -> [UInt8] {
    guard let count = checkedProduct(array.shape), count == array.values.count else {
      throw DataError(
        file: name, "shape \(formatShape(array.shape)) does not match \(array.values.count) values")
    }
    let header = headerText(shape: array.shape)
    let prefix = NPYFormat.magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
    let payloadSize = 4 * count
    let bytes = [UInt8](unsafeUninitializedCapacity: prefix.count + payloadSize) { buffer, initialized in
      let raw = UnsafeMutableRawBufferPointer(buffer)
      raw.copyBytes(from: prefix)
      for (index, value) in array.values.enumerated() {
        raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: prefix.count + 4 * index, as: UInt32.self)
      }
      initialized = prefix.count + payloadSize
    }
    return bytes
  }

  /// The padded header dictionary, ending in `\n`, so that the data is 64-byte aligned.
  static func headerText(shape: [Int]) -> [UInt8] {
    let dims = shape.count == 1 ? "(\(shape[0]),)" : formatShape(shape)
    var text = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }".utf8)
    let prefix = NPYFormat.magic.count + 4
    let padding = (NPYFormat.alignment - (prefix + text.count + 1) % NPYFormat.alignment) % NPYFormat.alignment
    text += Array(repeating: 0x20, count: padding) + [0x0A]
    return text
  }
}
