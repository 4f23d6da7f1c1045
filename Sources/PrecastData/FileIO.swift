// FileIO.swift: whole-file reads and writes, standard input, and in-memory gzip decompression.

import CZlib
import Glibc

// MARK: - Reading

/// Reads raw bytes from files and standard input.
/// The text of a UTF-8 file.
public func readTextFile(_ path: String) throws(DataError) -> String {
  String(decoding: try FileIO.readAll(path: path), as: UTF8.self)
}

public enum FileIO {
  /// Size of each `read` when the total size is unknown (pipes, standard input).
  static let chunkSize = 1 << 20

  /// All bytes of the file at `path`.
  static func readAll(path: String) throws(DataError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw DataError(file: path, "cannot open (\(systemMessage()))") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw DataError(file: path, "cannot stat (\(systemMessage()))") }
    guard info.st_mode & 0o170000 != 0o040000 else { throw DataError(file: path, "is a directory") }
    let isRegular = info.st_mode & 0o170000 == 0o100000
    return try readAll(fd: fd, name: path, sizeHint: isRegular ? Int(info.st_size) : 0)
  }

  /// All bytes of standard input.
  static func readStandardInput() throws(DataError) -> [UInt8] {
    try readAll(fd: STDIN_FILENO, name: "<stdin>", sizeHint: 0)
  }

  /// Reads `fd` to its end, starting with a buffer of `sizeHint` bytes (+1 to detect growth).
  static func readAll(fd: Int32, name: String, sizeHint: Int) throws(DataError) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: max(sizeHint + 1, 4096))
    var used = 0
    while true {
      if used == buffer.count {
        buffer.append(contentsOf: repeatElement(0, count: max(buffer.count, chunkSize)))
      }
      let room = buffer.count - used
      let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + used, room) }
      if got < 0 {
        if errno == EINTR { continue }
        throw DataError(file: name, "read failed (\(systemMessage()))")
      }
      if got == 0 { break }
      used += got
    }
    buffer.removeSubrange(used...)
    return buffer
  }

  /// The text of the current `errno`.
  public static func systemMessage() -> String {
    String(cString: strerror(errno))
  }
}

// MARK: - Writing

extension FileIO {
  /// Writes `bytes` to `path`, replacing any existing file.
  public static func write(_ bytes: [UInt8], path: String) throws(DataError) {
    guard let file = fopen(path, "wb") else {
      throw DataError(file: path, "cannot create (\(systemMessage()))")
    }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let writeFailed = written != bytes.count
    let closeFailed = fclose(file) != 0
    if writeFailed || closeFailed {
      throw DataError(file: path, "write failed (\(systemMessage()))")
    }
  }
}

// MARK: - Gzip

/// In-memory gzip decompression with zlib.
enum Gzip {
  /// Whether `bytes` start with the gzip magic number `1f 8b`.
  static func isCompressed(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// Decompresses every gzip member in `bytes` (bytes after the last member are ignored).
  static func decompress(_ bytes: [UInt8], name: String) throws(DataError) -> [UInt8] {
    let outcome = bytes.withUnsafeBytes { input -> Result<[UInt8], DataError> in
      guard let inflater = Inflater(input: input) else {
        return .failure(DataError(file: name, "cannot initialise zlib"))
      }
      var output = [UInt8](unsafeUninitializedCapacity: initialCapacity(for: bytes)) { buffer, initialized in
        initialized = inflater.run(into: UnsafeMutableRawBufferPointer(buffer))
      }
      while inflater.problem == nil && !inflater.finished {
        output += [UInt8](unsafeUninitializedCapacity: max(output.count, 1 << 20)) { buffer, initialized in
          initialized = inflater.run(into: UnsafeMutableRawBufferPointer(buffer))
        }
      }
      if let problem = inflater.problem { return .failure(DataError(file: name, problem)) }
      return .success(output)
    }
    return try outcome.get()
  }

  /// A first output capacity from the gzip trailer (ISIZE, the size modulo 2^32), limited by the
  /// maximum deflate ratio and 1 GiB. The memory is reserved, not touched, so an overestimate is cheap.
  private static func initialCapacity(for bytes: [UInt8]) -> Int {
    guard bytes.count >= 18 else { return 4096 }
    let isize = Int(readLittleEndian(bytes, at: bytes.count - 4, as: UInt32.self))
    return max(4096, min(isize + 1, bytes.count * 1032, 1 << 30))
  }
}

// MARK: - Inflater

/// A zlib inflate stream over one input buffer, filling caller-provided output buffers.
private final class Inflater {
  /// The stream lives on the heap: zlib's state points back to it, so it must not move.
  private let stream: UnsafeMutablePointer<z_stream>
  private let input: UnsafeRawBufferPointer
  private var consumed = 0
  /// Why decompression failed, if it did.
  private(set) var problem: String?
  /// Whether the last gzip member has ended.
  private(set) var finished = false

  init?(input: UnsafeRawBufferPointer) {
    self.input = input
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    // 15 + 32: maximum window, automatic gzip/zlib header detection.
    guard inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      stream.deallocate()
      return nil
    }
  }

  deinit {
    inflateEnd(stream)
    stream.deallocate()
  }

  /// Inflates into `output` until it is full, the data ends, or an error occurs; returns the bytes written.
  func run(into output: UnsafeMutableRawBufferPointer) -> Int {
    var produced = 0
    while problem == nil && !finished && produced < output.count {
      let availableIn = min(input.count - consumed, Int(UInt32.max))
      let room = min(output.count - produced, Int(UInt32.max))
      stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        .map { $0 + consumed }
      stream.pointee.avail_in = UInt32(availableIn)
      stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self) + produced
      stream.pointee.avail_out = UInt32(room)
      let status = inflate(stream, Z_NO_FLUSH)
      consumed += availableIn - Int(stream.pointee.avail_in)
      produced += room - Int(stream.pointee.avail_out)
      handle(status)
    }
    return produced
  }

  /// Updates `finished` / `problem` after one `inflate` call.
  private func handle(_ status: Int32) {
    switch status {
    case Z_STREAM_END:
      if hasAnotherMember() { inflateReset(stream) } else { finished = true }
    case Z_OK:
      break
    case Z_BUF_ERROR where consumed == input.count:
      problem = "truncated gzip data"
    case Z_BUF_ERROR:
      break
    default:
      let detail = stream.pointee.msg.map { String(cString: $0) } ?? "code \(status)"
      problem = "corrupt gzip data (\(detail))"
    }
  }

  /// Whether another gzip member starts after the one that just ended.
  private func hasAnotherMember() -> Bool {
    consumed + 2 <= input.count && input[consumed] == 0x1F && input[consumed + 1] == 0x8B
  }
}
