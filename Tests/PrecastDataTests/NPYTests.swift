// NPYTests.swift: tests of the .npy reader and writer.

import PrecastTestSupport
import XCTest

@testable import PrecastData

final class NPYTests: XCTestCase {
  // MARK: - Round trip

  func testWriteReadRoundTrip() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let path = dir.path("round.npy")
    let array = DataArray(shape: [2, 3, 2], values: (0..<12).map { Float($0) * 0.75 - 3 })
    try NPYWriter.write(array, path: path)
    XCTAssertEqual(try NPYReader.read(path: path), array)
    let vector = DataArray(shape: [4], values: [1, -2, .greatestFiniteMagnitude, .leastNonzeroMagnitude])
    try NPYWriter.write(vector, path: path)
    XCTAssertEqual(try NPYReader.read(path: path), vector)
  }

  func testWriterHeaderIsAlignedVersion1() throws {
    let bytes = try NPYWriter.encode(DataArray(shape: [3], values: [1, 2, 3]), name: "v.npy")
    XCTAssertEqual(Array(bytes[0..<8]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    XCTAssertEqual((10 + headerLength) % 64, 0)
    XCTAssertEqual(bytes.count, 10 + headerLength + 12)
    let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
    XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header)
    XCTAssertTrue(header.hasSuffix(" \n"))
  }

  func testWriterRejectsShapeMismatch() {
    assertError("bad.npy: shape (2, 2) does not match 3 values") { () throws(DataError) in
      try NPYWriter.write(DataArray(shape: [2, 2], values: [1, 2, 3]), path: "bad.npy")
    }
  }

  func testWriteToMissingDirectoryFails() {
    assertError("/nonexistent/precast/out.npy: cannot create") { () throws(DataError) in
      try NPYWriter.write(DataArray(shape: [1], values: [1]), path: "/nonexistent/precast/out.npy")
    }
  }

  // MARK: - Hand-made files

  func testFloat64() throws {
    let payload = [1.5, -2.25, 1e300, 0].flatMap { littleEndianBytes($0.bitPattern) }
    let array = try NPYReader.parse(npyBytes(descr: "<f8", shape: "(2, 2)", payload: payload), name: "f8.npy")
    XCTAssertEqual(array, DataArray(shape: [2, 2], values: [1.5, -2.25, .infinity, 0]))
  }

  func testUInt8AndInt8() throws {
    let u1 = try NPYReader.parse(npyBytes(descr: "|u1", shape: "(3,)", payload: [0, 128, 255]), name: "u1.npy")
    XCTAssertEqual(u1, DataArray(shape: [3], values: [0, 128, 255]))
    let i1 = try NPYReader.parse(npyBytes(descr: "|i1", shape: "(3,)", payload: [0, 128, 255]), name: "i1.npy")
    XCTAssertEqual(i1.values, [0, -128, -1])
  }

  func testInt32AndOtherIntegers() throws {
    let payload = [Int32(-7), 0, 123_456, Int32.min].flatMap(littleEndianBytes)
    let i4 = try NPYReader.parse(npyBytes(descr: "<i4", shape: "(4, 1)", payload: payload), name: "i4.npy")
    XCTAssertEqual(i4, DataArray(shape: [4, 1], values: [-7, 0, 123_456, -2_147_483_648]))
    let i8 = try NPYReader.parse(
      npyBytes(descr: "<i8", shape: "(2,)", payload: [Int64(-3), 1 << 40].flatMap(littleEndianBytes)), name: "i8.npy")
    XCTAssertEqual(i8.values, [-3, 1_099_511_627_776])
    let u4 = try NPYReader.parse(
      npyBytes(descr: "=u4", shape: "(1,)", payload: littleEndianBytes(UInt32.max)), name: "u4.npy")
    XCTAssertEqual(u4.values, [4_294_967_296])
    let f4 = try NPYReader.parse(
      npyBytes(descr: "<f4", shape: "()", payload: littleEndianBytes(Float(2.5).bitPattern)), name: "s.npy")
    XCTAssertEqual(f4, DataArray(shape: [], values: [2.5]))
  }

  func testVersion2And3Headers() throws {
    let payload = [Float(1), 2, 3].flatMap { littleEndianBytes($0.bitPattern) }
    for major: UInt8 in [2, 3] {
      let bytes = npyBytes(descr: "<f4", shape: "(1, 3)", major: major, payload: payload)
      let array = try NPYReader.parse(bytes, name: "v\(major).npy")
      XCTAssertEqual(array, DataArray(shape: [1, 3], values: [1, 2, 3]))
    }
  }

  func testPython2StyleShapeAndKeyOrder() throws {
    var header = Array("{'shape': (2L,), 'fortran_order': False, 'descr': '|u1'}".utf8)
    while (10 + header.count + 1) % 16 != 0 { header.append(0x20) }
    header.append(0x0A)
    let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0] + littleEndianBytes(UInt16(header.count)) + header + [4, 5]
    XCTAssertEqual(try NPYReader.parse(bytes, name: "py2.npy"), DataArray(shape: [2], values: [4, 5]))
  }

  // MARK: - Errors

  func testFortranOrderRejected() {
    assertError("fortran.npy: Fortran-order arrays are not supported") { () throws(DataError) in
      try NPYReader.parse(
        npyBytes(descr: "<f4", shape: "(2, 2)", fortran: true, payload: Array(repeating: 0, count: 16)),
        name: "fortran.npy")
    }
  }

  func testBigEndianRejected() {
    assertError("be.npy: big-endian dtype '>f4' is not supported") { () throws(DataError) in
      try NPYReader.parse(npyBytes(descr: ">f4", shape: "(1,)", payload: [0, 0, 0, 0]), name: "be.npy")
    }
  }

  func testUnsupportedDtypeRejected() {
    assertError("c.npy: unsupported dtype '<c8'") { () throws(DataError) in
      try NPYReader.parse(npyBytes(descr: "<c8", shape: "(1,)", payload: Array(repeating: 0, count: 8)), name: "c.npy")
    }
  }

  func testTruncatedRejected() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let payload = [Float(1), 2, 3].flatMap { littleEndianBytes($0.bitPattern) }
    let path = try dir.write("short.npy", npyBytes(descr: "<f4", shape: "(2, 2)", payload: payload))
    guard let error = captureError({ () throws(DataError) in try NPYReader.read(path: path) }) else { return }
    XCTAssertEqual(error.description, "\(path): truncated data (expected 16 bytes, found 12)")
    let full = npyBytes(descr: "<f4", shape: "(2, 2)", payload: payload)
    assertError("cut.npy: truncated header") { () throws(DataError) in
      try NPYReader.parse(Array(full.prefix(40)), name: "cut.npy")
    }
  }

  func testTrailingBytesRejected() {
    assertError("long.npy: 1 unexpected bytes") { () throws(DataError) in
      try NPYReader.parse(npyBytes(descr: "|u1", shape: "(2,)", payload: [1, 2, 3]), name: "long.npy")
    }
  }

  func testBadMagicAndMalformedHeader() {
    assertError("x.npy: not a .npy file (bad magic)") { () throws(DataError) in
      try NPYReader.parse(Array("hello world, not numpy".utf8), name: "x.npy")
    }
    assertError("x.npy: not a .npy file") { () throws(DataError) in try NPYReader.parse([], name: "x.npy") }
    assertError("x.npy: malformed .npy header") { () throws(DataError) in
      try NPYReader.parse(npyBytes(descr: "<f4", shape: "(2, ", payload: []), name: "x.npy")
    }
    assertError("x.npy: unsupported .npy version 9.0") { () throws(DataError) in
      try NPYReader.parse(npyBytes(descr: "<f4", shape: "(1,)", major: 9, payload: [0, 0, 0, 0]), name: "x.npy")
    }
  }

  // MARK: - Fixture

  func testKerasFixtureNPY() throws {
    let path = fixture("tab.input.npy")
    guard fileExists(path) else {
      XCTFail("missing vendored fixture \(path)")
      return
    }
    let array = try NPYReader.read(path: path)
    XCTAssertEqual(array.shape, [8, 8])
    XCTAssertEqual(array.values[0], 1.16897559, accuracy: 1e-7)
  }
}
