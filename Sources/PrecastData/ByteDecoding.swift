// ByteDecoding.swift: conversion of packed little- or big-endian numbers to Float.

// MARK: - Element types

/// A binary element type that can be converted to `Float`.
enum ElementType: Sendable, Equatable {
  case uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64, bool

  /// Bytes per element.
  var size: Int {
    switch self {
    case .uint8, .int8, .bool: 1
    case .uint16, .int16: 2
    case .uint32, .int32, .float32: 4
    case .uint64, .int64, .float64: 8
    }
  }
}

// MARK: - Decoding

/// Converts `count` packed elements at the start of `bytes` (which must hold them) to `Float`.
func decodeElements(
  _ bytes: UnsafeRawBufferPointer, count: Int, type: ElementType, littleEndian: Bool
) -> [Float] {
  switch type {
  case .uint8, .bool: decodeBytes(bytes, count: count) { Float($0) }
  case .int8: decodeBytes(bytes, count: count) { Float(Int8(bitPattern: $0)) }
  case .uint16: decodeIntegers(bytes, count: count, as: UInt16.self, littleEndian: littleEndian)
  case .int16: decodeIntegers(bytes, count: count, as: Int16.self, littleEndian: littleEndian)
  case .uint32: decodeIntegers(bytes, count: count, as: UInt32.self, littleEndian: littleEndian)
  case .int32: decodeIntegers(bytes, count: count, as: Int32.self, littleEndian: littleEndian)
  case .uint64: decodeIntegers(bytes, count: count, as: UInt64.self, littleEndian: littleEndian)
  case .int64: decodeIntegers(bytes, count: count, as: Int64.self, littleEndian: littleEndian)
  case .float32: decodeFloat32(bytes, count: count, littleEndian: littleEndian)
  case .float64: decodeFloat64(bytes, count: count, littleEndian: littleEndian)
  }
}

/// Single-byte elements through `convert`.
private func decodeBytes(
  _ bytes: UnsafeRawBufferPointer, count: Int, _ convert: (UInt8) -> Float
) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { out, initialized in
    for index in 0..<count { out[index] = convert(bytes[index]) }
    initialized = count
  }
}

/// Multi-byte integers in the given byte order.
private func decodeIntegers<T: FixedWidthInteger>(
  _ bytes: UnsafeRawBufferPointer, count: Int, as type: T.Type, littleEndian: Bool
) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { out, initialized in
    let size = MemoryLayout<T>.size
    for index in 0..<count {
      let raw = bytes.loadUnaligned(fromByteOffset: index * size, as: T.self)
      out[index] = Float(littleEndian ? T(littleEndian: raw) : T(bigEndian: raw))
    }
    initialized = count
  }
}

/// IEEE single-precision values in the given byte order.
private func decodeFloat32(_ bytes: UnsafeRawBufferPointer, count: Int, littleEndian: Bool) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { out, initialized in
    for index in 0..<count {
      let raw = bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
      out[index] = Float(bitPattern: littleEndian ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw))
    }
    initialized = count
  }
}

/// IEEE double-precision values in the given byte order, rounded to `Float`.
private func decodeFloat64(_ bytes: UnsafeRawBufferPointer, count: Int, littleEndian: Bool) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { out, initialized in
    for index in 0..<count {
      let raw = bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
      out[index] = Float(Double(bitPattern: littleEndian ? UInt64(littleEndian: raw) : UInt64(bigEndian: raw)))
    }
    initialized = count
  }
}

// MARK: - Reading helpers

/// A little-endian integer of type `T` at `offset` (which must be in bounds).
func readLittleEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as type: T.Type) -> T {
  var value: T = 0
  for index in (0..<MemoryLayout<T>.size).reversed() { value = value << 8 | T(bytes[offset + index]) }
  return value
}

/// A big-endian integer of type `T` at `offset` (which must be in bounds).
func readBigEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as type: T.Type) -> T {
  var value: T = 0
  for index in 0..<MemoryLayout<T>.size { value = value << 8 | T(bytes[offset + index]) }
  return value
}
