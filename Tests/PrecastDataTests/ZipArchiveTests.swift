// ZipArchiveTests.swift: the zip reader and writer behind `.keras` files: round trips, deflate, and damaged archives
// (every truncation and every single-byte change) that must be errors, never crashes or wrong contents.

import CZlib
import XCTest

@testable import PrecastData

final class ZipArchiveTests: XCTestCase {
  private let members: [(name: String, bytes: [UInt8])] = [
    ("metadata.json", Array(#"{"keras_version": "3.15.1"}"#.utf8)),
    ("empty", []),
    ("model.weights.h5", (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }),
  ]
  private let stamp = ZipWriter.Timestamp(year: 2026, month: 12, day: 4, hour: 13, minute: 5, second: 58)

  func testWrittenArchiveReadsBack() throws {
    let bytes = try ZipWriter.archive(members, modified: stamp)
    let archive = try ZipArchive(bytes: bytes, name: "a.keras")
    XCTAssertEqual(archive.members.map(\.name), members.map(\.name))
    for member in members {
      XCTAssertEqual(try archive.contents(of: member.name), member.bytes, member.name)
    }
    XCTAssertNil(try archive.contents(of: "config.json"))
    XCTAssertTrue(ZipArchive.looksLikeZip(bytes))
  }

  /// zlib's CRC-32, the value every zip tool computes for "hello".
  func testCRC32() {
    XCTAssertEqual(crc32Checksum(Array("hello".utf8)), 0x3610_A686)
    XCTAssertEqual(crc32Checksum([]), 0)
  }

  /// A member deflated by zlib (raw stream, as zip stores it) inflates to the original bytes.
  func testDeflatedMember() throws {
    let original = Array(String(repeating: "precast keras zip ", count: 50).utf8)
    let deflated = rawDeflate(original)
    XCTAssertLessThan(deflated.count, original.count)
    var bytes = try ZipWriter.archive([("text", deflated)], modified: stamp)
    // Turn the stored entry into a deflated one: method 8, the original size and CRC in both headers.
    let archive = try ZipArchive(bytes: bytes, name: "d.zip")
    let directory = bytes.count - 22 - (46 + 4)
    for header in [0, directory] {
      let methodAt = header == 0 ? 8 : 10, crcAt = header == 0 ? 14 : 16, sizeAt = header == 0 ? 22 : 24
      bytes[header + methodAt] = 8
      put32(&bytes, header + crcAt, crc32Checksum(original))
      put32(&bytes, header + sizeAt, UInt32(original.count))
    }
    XCTAssertEqual(archive.members.count, 1)
    XCTAssertEqual(try ZipArchive(bytes: bytes, name: "d.zip").contents(of: "text"), original)
  }

  func testNotAZip() {
    XCTAssertThrowsError(try ZipArchive(bytes: Array("an HDF5 file, say".utf8), name: "m.keras")) { error in
      XCTAssertEqual("\(error)", "m.keras: not a zip archive")
    }
    XCTAssertThrowsError(try ZipArchive(bytes: [], name: "m.keras"))
  }

  /// Every prefix of an archive is refused with a message (the end record is gone).
  func testEveryTruncationIsAnError() throws {
    let bytes = try ZipWriter.archive(members, modified: stamp)
    for cut in 0..<bytes.count {
      XCTAssertThrowsError(try ZipArchive(bytes: Array(bytes[..<cut]), name: "t.keras"), "cut at \(cut)")
    }
  }

  /// Changing any single byte gives an error or the original contents (a changed timestamp is harmless), never other
  /// bytes and never a crash: offsets are bounds-checked, contents CRC-checked.
  func testEverySingleByteChangeIsCaught() throws {
    let bytes = try ZipWriter.archive(members, modified: stamp)
    for index in bytes.indices {
      var damaged = bytes
      damaged[index] ^= 0xA5
      guard let archive = try? ZipArchive(bytes: damaged, name: "x") else { continue }
      for member in members {
        if let contents = try? archive.contents(of: member.name) {
          XCTAssertEqual(contents, member.bytes, "byte \(index) changed, member \(member.name)")
        }
      }
    }
  }

  func testUnknownCompressionMethodAndEncryptionAreNamed() throws {
    var bytes = try ZipWriter.archive([("w", [1, 2, 3])], modified: stamp)
    let directory = bytes.count - 22 - (46 + 1)
    bytes[directory + 10] = 14  // LZMA
    XCTAssertThrowsError(try ZipArchive(bytes: bytes, name: "z.keras").contents(of: "w")) { error in
      XCTAssertEqual("\(error)", "z.keras: member 'w' uses compression method 14 (only stored and deflate are read)")
    }
    bytes[directory + 10] = 0
    bytes[directory + 8] = 1
    XCTAssertThrowsError(try ZipArchive(bytes: bytes, name: "z.keras").contents(of: "w")) { error in
      XCTAssertEqual("\(error)", "z.keras: member 'w' is encrypted")
    }
  }

  // MARK: Helpers

  private func put32(_ bytes: inout [UInt8], _ at: Int, _ value: UInt32) {
    for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
  }
}

/// `bytes` as a raw deflate stream (no zlib or gzip header), as zip members store it.
func rawDeflate(_ bytes: [UInt8]) -> [UInt8] {
  var stream = z_stream()
  precondition(deflateInit2_(&stream, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
  defer { deflateEnd(&stream) }
  var input = bytes
  var output = [UInt8](repeating: 0, count: bytes.count + 64)
  let produced = input.withUnsafeMutableBufferPointer { inBuffer in
    output.withUnsafeMutableBufferPointer { outBuffer in
      stream.next_in = inBuffer.baseAddress
      stream.avail_in = UInt32(inBuffer.count)
      stream.next_out = outBuffer.baseAddress
      stream.avail_out = UInt32(outBuffer.count)
      precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
      return outBuffer.count - Int(stream.avail_out)
    }
  }
  return Array(output[..<produced])
}
