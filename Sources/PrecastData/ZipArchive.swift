// ZipArchive.swift: reading and writing the zip archives Keras 3 saves models in (`.keras`), in memory.
//
// Only what `.keras` files need: one disk, no ZIP64, no encryption; members stored or deflated (read), stored (written).
// Every offset and size is checked against the buffer before it is used, and every member against its CRC-32, so a
// truncated or damaged archive is an error naming the problem, never a read past the end. (libzip is in Debian, but
// the format subset here is ~250 lines over zlib, which Precast already links for gzip.)

import CZlib
import Glibc

// MARK: - Reading

/// A zip archive held in memory: its central directory, and each member's bytes on request.
public struct ZipArchive: Sendable {
  /// One entry of the central directory.
  public struct Member: Sendable, Equatable {
    public var name: String
    /// 0 stored, 8 deflate (the only two read).
    public var method: UInt16
    public var flags: UInt16
    public var crc32: UInt32
    public var compressedSize: Int
    public var uncompressedSize: Int
    /// Where the member's local header starts.
    public var localHeaderOffset: Int
  }

  /// The name used in messages (the file's path).
  public let name: String
  public let members: [Member]
  private let bytes: [UInt8]
  /// Where the central directory starts: member data must end before it.
  private let directoryOffset: Int

  /// Reads the archive at `path`.
  /// - Throws: `DataError` naming `path`: not a zip archive, truncated, damaged, or a zip feature not supported.
  public static func read(path: String) throws(DataError) -> ZipArchive {
    try ZipArchive(bytes: try FileIO.readAll(path: path), name: path)
  }

  /// Whether `bytes` start like a zip archive (a local file header, or the end record of an empty archive).
  public static func looksLikeZip(_ bytes: some Collection<UInt8>) -> Bool {
    let head = Array(bytes.prefix(4))
    return head == [0x50, 0x4B, 0x03, 0x04] || head == [0x50, 0x4B, 0x05, 0x06]
  }

  /// Whether the file at `path` starts like a zip archive (false when it cannot be read).
  public static func isZipFile(path: String) -> Bool {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var head = [UInt8](repeating: 0, count: 4)
    let got = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4) }
    return got == 4 && looksLikeZip(head)
  }

  /// Parses the end-of-central-directory record and the central directory of `bytes`.
  public init(bytes: [UInt8], name: String) throws(DataError) {
    self.bytes = bytes
    self.name = name
    let end = try Self.endRecord(bytes, name: name)
    let reader = ByteReader(bytes: bytes)
    let diskNumber = reader.u16(end + 4), directoryDisk = reader.u16(end + 6)
    let entriesHere = reader.u16(end + 8), entries = reader.u16(end + 10)
    let directorySize = Int(reader.u32(end + 12)), directoryOffset = Int(reader.u32(end + 16))
    if entries == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
      throw DataError(file: name, "ZIP64 archives are not supported")
    }
    guard diskNumber == 0, directoryDisk == 0, entriesHere == entries else {
      throw DataError(file: name, "multi-part zip archives are not supported")
    }
    guard directoryOffset + directorySize <= end else {
      throw DataError(file: name, "truncated or damaged zip archive (the central directory lies outside the file)")
    }
    self.directoryOffset = directoryOffset
    var members: [Member] = []
    var position = directoryOffset
    for index in 0..<Int(entries) {
      guard position + 46 <= end, reader.u32(position) == 0x0201_4B50 else {
        throw DataError(file: name, "damaged zip archive (central directory entry \(index + 1) of \(entries) is invalid)")
      }
      let nameLength = Int(reader.u16(position + 28)), extraLength = Int(reader.u16(position + 30))
      let commentLength = Int(reader.u16(position + 32))
      let next = position + 46 + nameLength + extraLength + commentLength
      guard next <= end else { throw DataError(file: name, "damaged zip archive (central directory entry \(index + 1) runs past its end)") }
      members.append(Member(
        name: String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self),
        method: reader.u16(position + 10), flags: reader.u16(position + 8), crc32: reader.u32(position + 16),
        compressedSize: Int(reader.u32(position + 20)), uncompressedSize: Int(reader.u32(position + 24)),
        localHeaderOffset: Int(reader.u32(position + 42))))
      position = next
    }
    self.members = members
  }

  /// The offset of the end-of-central-directory record (searched backwards over the largest possible comment).
  private static func endRecord(_ bytes: [UInt8], name: String) throws(DataError) -> Int {
    let reader = ByteReader(bytes: bytes)
    if bytes.count >= 22 {
      let lowest = max(0, bytes.count - 22 - 0xFFFF)
      for position in stride(from: bytes.count - 22, through: lowest, by: -1) where reader.u32(position) == 0x0605_4B50 {
        // The comment must end exactly at the end of the file, or this is a signature inside member data.
        if position + 22 + Int(reader.u16(position + 20)) == bytes.count { return position }
      }
    }
    if looksLikeZip(bytes) {
      throw DataError(file: name, "truncated zip archive (no end-of-central-directory record)")
    }
    throw DataError(file: name, "not a zip archive")
  }

  /// The member called `memberName`, or nil.
  public func member(_ memberName: String) -> Member? { members.first { $0.name == memberName } }

  /// The uncompressed bytes of `memberName` (nil when the archive has no such member), checked against its CRC-32.
  /// - Throws: `DataError` for an encrypted member, an unknown compression method, data outside the archive,
  ///   corrupt deflate data, or a CRC mismatch.
  public func contents(of memberName: String) throws(DataError) -> [UInt8]? {
    guard let member = member(memberName) else { return nil }
    let what = "member '\(memberName)'"
    guard member.flags & 1 == 0 else { throw DataError(file: name, "\(what) is encrypted") }
    let reader = ByteReader(bytes: bytes)
    let local = member.localHeaderOffset
    guard local + 30 <= directoryOffset, reader.u32(local) == 0x0403_4B50 else {
      throw DataError(file: name, "damaged zip archive (\(what) has no local header at offset \(local))")
    }
    let dataStart = local + 30 + Int(reader.u16(local + 26)) + Int(reader.u16(local + 28))
    guard dataStart + member.compressedSize <= directoryOffset else {
      throw DataError(file: name, "truncated zip archive (\(what) runs past the end of its data)")
    }
    let data = bytes[dataStart..<(dataStart + member.compressedSize)]
    let contents: [UInt8]
    switch member.method {
    case 0:
      guard member.compressedSize == member.uncompressedSize else {
        throw DataError(file: name, "damaged zip archive (stored \(what) has two different sizes)")
      }
      contents = Array(data)
    case 8:
      contents = try inflateRaw(data, size: member.uncompressedSize, what: what)
    default:
      throw DataError(file: name, "\(what) uses compression method \(member.method) (only stored and deflate are read)")
    }
    guard crc32Checksum(contents) == member.crc32 else {
      throw DataError(file: name, "damaged zip archive (\(what) fails its CRC-32 check)")
    }
    return contents
  }

  /// Inflates a raw deflate stream that must produce exactly `size` bytes.
  private func inflateRaw(_ data: ArraySlice<UInt8>, size: Int, what: String) throws(DataError) -> [UInt8] {
    // deflate expands at most 1032:1; a larger declared size is a damaged (or hostile) header.
    guard size <= data.count * 1032 + 64 else {
      throw DataError(file: name, "damaged zip archive (\(what) declares \(size) bytes from \(data.count) compressed)")
    }
    var output = [UInt8](repeating: 0, count: size)
    var stream = z_stream()
    guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw DataError(file: name, "cannot initialise zlib")
    }
    defer { inflateEnd(&stream) }
    var input = Array(data)
    let status = input.withUnsafeMutableBufferPointer { inBuffer in
      output.withUnsafeMutableBufferPointer { outBuffer in
        stream.next_in = inBuffer.baseAddress
        stream.avail_in = UInt32(inBuffer.count)
        stream.next_out = outBuffer.baseAddress
        stream.avail_out = UInt32(outBuffer.count)
        return inflate(&stream, Z_FINISH)
      }
    }
    guard status == Z_STREAM_END, Int(stream.total_out) == size else {
      throw DataError(file: name, "damaged zip archive (\(what): corrupt deflate data or wrong size)")
    }
    return output
  }
}

/// zlib's CRC-32 of `bytes` (the zip and gzip checksum).
public func crc32Checksum(_ bytes: [UInt8]) -> UInt32 {
  bytes.withUnsafeBufferPointer { buffer in
    var crc: UInt = crc32(0, nil, 0)
    var offset = 0
    while offset < buffer.count {  // zlib takes 32-bit lengths
      let chunk = min(buffer.count - offset, 1 << 30)
      crc = crc32(crc, buffer.baseAddress! + offset, UInt32(chunk))
      offset += chunk
    }
    return UInt32(truncatingIfNeeded: crc)
  }
}

/// Little-endian reads at offsets the caller has bounds-checked.
private struct ByteReader {
  let bytes: [UInt8]
  func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
  func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
}

// MARK: - Writing

/// Writes zip archives of stored (uncompressed) members, as Keras writes `.keras` files.
public enum ZipWriter {
  /// A member's modification time, in the archive's MS-DOS format (local time, 2-second resolution).
  public struct Timestamp: Sendable, Equatable {
    public var year, month, day, hour, minute, second: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
      (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// The current local time.
    public static func now() -> Timestamp {
      var seconds = time(nil)
      var parts = tm()
      localtime_r(&seconds, &parts)
      return Timestamp(
        year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
        hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec))
    }

    var dosTime: UInt16 { UInt16(hour << 11 | minute << 5 | second / 2) }
    var dosDate: UInt16 { UInt16(max(0, min(year - 1980, 127)) << 9 | month << 5 | day) }
  }

  /// The bytes of an archive holding `members` in order, each stored with its CRC-32.
  /// - Throws: `DataError` when a member or the archive would need ZIP64 (4 GiB or more, 65,535 members).
  public static func archive(_ members: [(name: String, bytes: [UInt8])], modified: Timestamp) throws(DataError) -> [UInt8] {
    guard members.count < 0xFFFF else { throw DataError(file: nil, "a zip archive holds at most 65,534 members here") }
    var out: [UInt8] = []
    out.reserveCapacity(members.reduce(22) { $0 + $1.bytes.count + 2 * $1.name.utf8.count + 76 })
    var directory: [UInt8] = []
    for member in members {
      let name = Array(member.name.utf8), size = member.bytes.count, offset = out.count
      guard size < 0xFFFF_FFFF, offset < 0xFFFF_FFFF, name.count < 0xFFFF else {
        throw DataError(file: nil, "member '\(member.name)' is too large for a zip archive without ZIP64")
      }
      let crc = crc32Checksum(member.bytes)
      // Local header: version 2.0, no flags (UTF-8 names are ASCII here), method 0 (stored).
      out.append(u32: 0x0403_4B50)
      out.append(u16: 20, 0, 0, modified.dosTime, modified.dosDate)
      out.append(u32: crc, UInt32(size), UInt32(size))
      out.append(u16: UInt16(name.count), 0)
      out += name
      out += member.bytes
      // Central directory entry: made by Unix (3) version 2.0, permissions rw------- as Keras's files have.
      directory.append(u32: 0x0201_4B50)
      directory.append(u16: 3 << 8 | 20, 20, 0, 0, modified.dosTime, modified.dosDate)
      directory.append(u32: crc, UInt32(size), UInt32(size))
      directory.append(u16: UInt16(name.count), 0, 0, 0, 0)
      directory.append(u32: 0o600 << 16, UInt32(offset))
      directory += name
    }
    let directoryOffset = out.count
    guard directoryOffset + directory.count < 0xFFFF_FFFF else { throw DataError(file: nil, "the archive is too large without ZIP64") }
    out += directory
    out.append(u32: 0x0605_4B50)
    out.append(u16: 0, 0, UInt16(members.count), UInt16(members.count))
    out.append(u32: UInt32(directory.count), UInt32(directoryOffset))
    out.append(u16: 0)
    return out
  }
}

extension Array where Element == UInt8 {
  fileprivate mutating func append(u16 values: UInt16...) {
    for v in values { append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8)]) }
  }

  fileprivate mutating func append(u32 values: UInt32...) {
    for v in values { append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]) }
  }
}
