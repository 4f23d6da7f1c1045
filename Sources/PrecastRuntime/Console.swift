// Console.swift: number formatting, stderr/stdout writing and the clock, without Foundation.
import Glibc
import PrecastCore

/// A one-line user-facing error. Commands print it as `error: <message>` and exit non-zero.
public struct PrecastError: Error, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = oneLine(message) }
  public var description: String { message }
}

/// Formats `x` with a fixed number of decimals (printf "%.Nf").
public func formatFixed(_ x: Double, _ decimals: Int) -> String {
  var buffer = [CChar](repeating: 0, count: 64)
  let written = withVaList([Int32(decimals), x]) { vsnprintf(&buffer, 64, "%.*f", $0) }
  guard written >= 0 else { return String(x) }
  return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Writes to standard error (unbuffered).
public func printError(_ message: String) {
  var line = message
  line.append("\n")
  fflush(nil)  // keep the order with what was printed to stdout
  var bytes = Array(line.utf8)
  _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
}

/// Writes a string to standard output without a newline and flushes (progress bars).
public func writeOut(_ text: String) {
  print(text, terminator: "")
  fflush(nil)
}

/// True when standard output is a terminal (progress bars are drawn only then, as Keras does).
public var stdoutIsTerminal: Bool { isatty(1) != 0 }

/// Monotonic seconds.
public func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Wall-clock seconds since the epoch (for default seeds).
public func wallClockSeed() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_REALTIME, &ts)
  return UInt64(ts.tv_sec) &* 1_000_003 &+ UInt64(ts.tv_nsec)
}

/// Writes `text` to `path` atomically: a temporary file beside it, then rename(2).
public func writeTextFileAtomically(_ text: String, to path: String) throws(PrecastError) {
  try writeBinaryFileAtomically(Array(text.utf8), to: path)
}

/// Writes `bytes` to `path` atomically (`writeFileAtomically`: temporary file, fsync, rename, folder fsync).
public func writeBinaryFileAtomically(_ bytes: [UInt8], to path: String) throws(PrecastError) {
  if let failure = writeFileAtomically(bytes, to: path) { throw PrecastError("\(path): \(failure)") }
}

/// A CSV log written whole once (atomically), then appended a row at a time, as Keras's CSVLogger does: the
/// per-epoch cost stays the same however long training runs. Each row is flushed to the file before `append` returns.
final class HistoryLog {
  private let path: String
  private let file: UnsafeMutablePointer<FILE>

  init(path: String, contents: String) throws(PrecastError) {
    try writeTextFileAtomically(contents, to: path)
    guard let file = fopen(path, "a") else {
      throw PrecastError("\(path): cannot write (\(String(cString: strerror(errno))))")
    }
    self.path = path
    self.file = file
  }

  deinit { fclose(file) }

  func append(_ row: String) throws(PrecastError) {
    let bytes = Array(row.utf8)
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    guard written == bytes.count, fflush(file) == 0 else {
      throw PrecastError("\(path): cannot write (\(String(cString: strerror(errno))))")
    }
  }
}

/// Removes the "<path>.tmp<pid>" files (the atomic writers' temporaries) that a run killed mid-write left beside
/// `path`: those whose process is gone. A live writer's file stays. Returns the paths removed.
@discardableResult
public func removeStaleTemporaryFiles(of path: String) -> [String] {
  let slash = path.lastIndex(of: "/")
  let directory = slash.map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
  let prefix = String(slash.map { path[path.index(after: $0)...] } ?? path[...]) + ".tmp"
  guard let handle = opendir(directory) else { return [] }
  defer { closedir(handle) }
  var removed: [String] = []
  while let entry = readdir(handle) {
    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)), pid > 0 else { continue }
    guard kill(pid, 0) == -1, errno == ESRCH else { continue }  // its writer still runs
    let stale = directory == "." && slash == nil ? name : "\(directory)/\(name)"
    if unlink(stale) == 0 { removed.append(stale) }
  }
  return removed
}
