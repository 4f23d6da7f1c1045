// TestSupport.swift: temporary files, byte builders and error capture shared by the PrecastData tests (fixture paths
// and the NaN-safe `worse` come from PrecastTestSupport).

import Glibc
import XCTest

@testable import PrecastData

// MARK: - Temporary directory

/// A fresh directory under /tmp whose files are removed by `remove()`.
final class TempDirectory {
  let root: String
  private var files: [String] = []

  init() throws {
    var template = Array("/tmp/precast-data-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
    root = String(cString: made)
  }

  /// The path of `name` inside the directory (remembered for cleanup).
  func path(_ name: String) -> String {
    let full = root + "/" + name
    files.append(full)
    return full
  }

  /// Writes `bytes` to `name` and returns its path.
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let full = path(name)
    guard let file = fopen(full, "wb") else { throw TestFailure("cannot create \(full)") }
    defer { fclose(file) }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    guard written == bytes.count else { throw TestFailure("short write to \(full)") }
    return full
  }

  /// Writes UTF-8 `text` to `name` and returns its path.
  func write(_ name: String, text: String) throws -> String {
    try write(name, Array(text.utf8))
  }

  /// Deletes the files and the directory.
  func remove() {
    for file in files { unlink(file) }
    rmdir(root)
  }
}

/// A plain error for test setup problems.
struct TestFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

// MARK: - Errors

/// The ``DataError`` thrown by `body`, or `nil` (recording a failure) if it did not throw.
func captureError<T>(
  file: StaticString = #filePath, line: UInt = #line, _ body: () throws(DataError) -> T
) -> DataError? {
  do {
    _ = try body()
    XCTFail("expected a DataError", file: file, line: line)
    return nil
  } catch {
    return error
  }
}

/// Asserts that `body` throws a ``DataError`` whose description contains `fragment`.
func assertError<T>(
  _ fragment: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws(DataError) -> T
) {
  guard let error = captureError(file: file, line: line, body) else { return }
  XCTAssertTrue(
    error.description.contains(fragment), "'\(error.description)' does not contain '\(fragment)'",
    file: file, line: line)
  XCTAssertFalse(error.description.contains("\n"), "message is not a single line", file: file, line: line)
}

// MARK: - Fixtures (their paths: `fixture` and `imageFixture` in PrecastTestSupport)

/// Whether a file exists at `path`.
func fileExists(_ path: String) -> Bool {
  access(path, F_OK) == 0
}

// MARK: - Byte builders

/// A little-endian encoding of `value`.
func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
  (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// A big-endian encoding of `value`.
func bigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
  littleEndianBytes(value).reversed()
}

/// A complete .npy file with the given header fields and raw payload.
func npyBytes(
  descr: String, shape: String, fortran: Bool = false, major: UInt8 = 1, payload: [UInt8]
) -> [UInt8] {
  var header = Array("{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }".utf8)
  let prefix = major == 1 ? 10 : 12
  while (prefix + header.count + 1) % 64 != 0 { header.append(0x20) }
  header.append(0x0A)
  let length = major == 1 ? littleEndianBytes(UInt16(header.count)) : littleEndianBytes(UInt32(header.count))
  return [0x93] + Array("NUMPY".utf8) + [major, 0] + length + header + payload
}

/// A complete IDX file with the given type code, dimensions and raw payload.
func idxBytes(type: UInt8, dims: [UInt32], payload: [UInt8]) -> [UInt8] {
  [0, 0, type, UInt8(dims.count)] + dims.flatMap(bigEndianBytes) + payload
}
