// IDXReaderTests.swift: tests of the IDX reader on hand-made files (plain and gzip) and Fashion-MNIST.

import CZlib
import XCTest

@testable import PrecastData

final class IDXReaderTests: XCTestCase {
  // MARK: - Helpers

  /// Writes `bytes` gzip-compressed with zlib's gzopen/gzwrite and returns the path.
  private func writeGzip(_ dir: TempDirectory, _ name: String, _ bytes: [UInt8]) throws -> String {
    let path = dir.path(name)
    guard let file = gzopen(path, "wb") else { throw TestFailure("gzopen failed for \(path)") }
    let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
    guard gzclose(file) == Z_OK, written == Int32(bytes.count) else { throw TestFailure("gzwrite failed") }
    return path
  }

  private var ubyteFile: [UInt8] {
    idxBytes(type: 0x08, dims: [2, 2, 3], payload: [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255])
  }

  private var floatFile: [UInt8] {
    idxBytes(type: 0x0D, dims: [3], payload: [Float(1.5), -2, 1e-3].flatMap { bigEndianBytes($0.bitPattern) })
  }

  // MARK: - Plain and gzip

  func testUByte() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let expected = DataArray(shape: [2, 2, 3], values: [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255])
    let plain = try dir.write("images-idx3-ubyte", ubyteFile)
    XCTAssertEqual(try IDXReader.read(path: plain), expected)
    let packed = try writeGzip(dir, "images.bin", ubyteFile)  // detected by magic, not by name
    XCTAssertEqual(try IDXReader.read(path: packed), expected)
    XCTAssertEqual(try DataLoader.load(path: plain), expected)
  }

  func testFloat() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let expected = DataArray(shape: [3], values: [1.5, -2, 1e-3])
    XCTAssertEqual(try IDXReader.read(path: try dir.write("v.idx", floatFile)), expected)
    XCTAssertEqual(try IDXReader.read(path: try writeGzip(dir, "v.idx.gz", floatFile)), expected)
    XCTAssertEqual(try DataLoader.load(path: dir.root + "/v.idx.gz"), expected)
  }

  func testOtherTypes() throws {
    let bytes = idxBytes(type: 0x09, dims: [2], payload: [0xFF, 0x7F])
    XCTAssertEqual(try IDXReader.parse(bytes, name: "b").values, [-1, 127])
    let shorts = idxBytes(type: 0x0B, dims: [2], payload: [Int16(-300), 300].flatMap(bigEndianBytes))
    XCTAssertEqual(try IDXReader.parse(shorts, name: "s").values, [-300, 300])
    let ints = idxBytes(type: 0x0C, dims: [1, 2], payload: [Int32(-70_000), 1 << 20].flatMap(bigEndianBytes))
    XCTAssertEqual(try IDXReader.parse(ints, name: "i"), DataArray(shape: [1, 2], values: [-70_000, 1_048_576]))
    let doubles = idxBytes(type: 0x0E, dims: [2], payload: [0.25, -8.0].flatMap { bigEndianBytes($0.bitPattern) })
    XCTAssertEqual(try IDXReader.parse(doubles, name: "d").values, [0.25, -8])
  }

  // MARK: - Errors

  func testTruncated() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let path = try dir.write("short-idx3-ubyte", Array(ubyteFile.dropLast(2)))
    guard let error = captureError({ () throws(DataError) in try IDXReader.read(path: path) }) else { return }
    XCTAssertEqual(error.description, "\(path): truncated data (expected 12 bytes, found 10)")
    let packed = try writeGzip(dir, "short.gz", Array(ubyteFile.dropLast()))
    assertError("\(packed): truncated data (expected 12 bytes, found 11)") { () throws(DataError) in
      try IDXReader.read(path: packed)
    }
    assertError("h: truncated header (expected 16 bytes, found 9)") { () throws(DataError) in
      try IDXReader.parse(Array(ubyteFile.prefix(9)), name: "h")
    }
  }

  func testTruncatedGzipStream() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let packed = try writeGzip(dir, "full.gz", ubyteFile + Array(repeating: 7, count: 5000))
    let bytes = try FileIO.readAll(path: packed)
    let cut = try dir.write("cut.gz", Array(bytes.prefix(bytes.count / 2)))
    assertError("\(cut): truncated gzip data") { () throws(DataError) in try IDXReader.read(path: cut) }
    var corrupt = bytes
    corrupt[12] ^= 0xFF
    corrupt[13] ^= 0xFF
    let bad = try dir.write("bad.gz", corrupt)
    assertError("\(bad): corrupt gzip data") { () throws(DataError) in try IDXReader.read(path: bad) }
  }

  func testBadMagicAndType() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let path = try dir.write("text-ubyte", Array("hello, world".utf8))
    assertError("\(path): not an IDX file (bad magic 0x68 0x65 0x6C 0x6C)") { () throws(DataError) in
      try IDXReader.read(path: path)
    }
    assertError("e: not an IDX file") { () throws(DataError) in try IDXReader.parse([0, 0], name: "e") }
    assertError("t: unknown IDX type code 0x0A") { () throws(DataError) in
      try IDXReader.parse(idxBytes(type: 0x0A, dims: [1], payload: [1]), name: "t")
    }
    assertError("x: 2 unexpected bytes") { () throws(DataError) in
      try IDXReader.parse(idxBytes(type: 0x08, dims: [1], payload: [1, 2, 3]), name: "x")
    }
  }

  // MARK: - Fashion-MNIST

  func testFashionMNISTTestSet() throws {
    let root = "/usr/share/datasets/fashion-mnist/"
    guard fileExists(root + "t10k-images-idx3-ubyte.gz"), fileExists(root + "t10k-labels-idx1-ubyte.gz") else {
      XCTFail("Fashion-MNIST (package dataset-fashion-mnist, a declared dependency) is missing from \(root)")
      return
    }
    let images = try IDXReader.read(path: root + "t10k-images-idx3-ubyte.gz")
    XCTAssertEqual(images.shape, [10_000, 28, 28])
    XCTAssertEqual(images.values.count, 7_840_000)
    XCTAssertEqual(images.values.min(), 0)
    XCTAssertEqual(images.values.max(), 255)
    let labels = try DataLoader.load(path: root + "t10k-labels-idx1-ubyte.gz")
    XCTAssertEqual(labels.shape, [10_000])
    XCTAssertEqual(Array(labels.values.prefix(5)), [9, 2, 1, 1, 6])
    XCTAssertEqual(Set(labels.values), Set((0...9).map(Float.init)))
    let encoded = try oneHot(labels, classes: 10)
    XCTAssertEqual(encoded.shape, [10_000, 10])
    XCTAssertEqual(encoded.values[9], 1)
  }
}
