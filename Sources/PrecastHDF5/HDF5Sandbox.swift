// HDF5Sandbox.swift: every read of a user's HDF5 file runs in a child process, so a damaged file that crashes or
// hangs libhdf5 costs one error line, not the program.

import CHDF5
import Glibc

// MARK: - Sandbox

/// libhdf5 trusts the bytes it parses. Of 300 randomly damaged copies of a weights file, two crashed Debian's
/// libhdf5 1.10 with SIGSEGV (`H5HG_read`, on variable-length string attributes) and one made it loop forever.
/// Precast checks what it asks for (counts, sizes, shapes) but cannot check the library's own parsing, so a read
/// runs in a forked child: it opens the file, reads what Precast needs and writes the values back through a pipe;
/// the parent decodes them. A child that dies by a signal or outlives its time limit becomes one `HDF5Error`.
///
/// The child is a copy of the caller (the file image, the layer list, libhdf5's state), so nothing is set up
/// again; it costs one `fork` (≈ 0.2 ms for a small binary) and the copy through the pipe (≈ 3 ms per 10 MB).
/// The caller holds `HDF5Lock`, so no other thread is inside libhdf5 while the process is copied.
enum HDF5Sandbox {
  /// Set in the child: it skips `HDF5Lock` (a copied mutex held by the parent's thread would never be released).
  nonisolated(unsafe) static var isChild = false

  /// Seconds a read may take before it is taken as a hang: 5 s plus 1 s per 16 MB of file (a 100 MB file
  /// gets 11 s; reading it from a cold disk takes about 1 s). `PRECAST_HDF5_TIME_LIMIT` (seconds) overrides it.
  static func timeLimit(bytes: Int) -> Double {
    if let text = getenv("PRECAST_HDF5_TIME_LIMIT").map({ String(cString: $0) }), let seconds = Double(text), seconds > 0 {
      return seconds
    }
    return 5 + Double(bytes) / Double(16 << 20)
  }

  /// Runs `body` in a child process and returns its value, or throws its error; a crash or hang of the child is
  /// thrown as a damaged file. `bytes` (the file's size) sets the time limit. Runs `body` here when inside a
  /// child already or when the system cannot fork.
  static func run<T: SandboxValue>(bytes: Int, _ body: () throws(HDF5Error) -> T) throws(HDF5Error) -> T {
    if isChild { return try body() }
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return try body() }
    let (readEnd, writeEnd) = (ends[0], ends[1])
    let child = fork()
    if child < 0 {
      close(readEnd)
      close(writeEnd)
      return try body()
    }
    if child == 0 {
      close(readEnd)
      runChild(writeEnd, body)
    }
    close(writeEnd)
    defer { close(readEnd) }
    let limit = timeLimit(bytes: bytes)
    guard let output = collect(readEnd, child: child, seconds: limit) else {
      kill(child, SIGKILL)
      _ = reap(child)
      throw HDF5Error("damaged HDF5 file? the HDF5 library did not finish reading it within \(Int(limit)) s")
    }
    let status = reap(child)
    let signal = status & 0x7f
    if signal != 0 && signal != 0x7f {
      let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
      throw HDF5Error("damaged HDF5 file: the HDF5 library crashed reading it (\(name))")
    }
    var reader = SandboxReader(output)
    switch try reader.byte() {
    case 0: return try T(from: &reader)
    case 1: throw HDF5Error(try reader.string())
    default: throw HDF5Error("the HDF5 reading process ended without a result (exit status \((status >> 8) & 0xff))")
    }
  }

  /// The child's side: quiet, no core file, default signal actions (no backtracer), then `body`'s outcome on `fd`.
  private static func runChild<T: SandboxValue>(_ fd: Int32, _ body: () throws(HDF5Error) -> T) -> Never {
    isChild = true
    for number in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] { signal(number, nil) }
    silenceSanitizerReports()
    var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
    setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
    let null = open("/dev/null", O_WRONLY)
    if null >= 0 { dup2(null, 1); dup2(null, 2) }
    var writer = SandboxWriter()
    do throws(HDF5Error) {
      let value = try body()
      writer.byte(0)
      value.encode(to: &writer)
    } catch {
      writer = SandboxWriter()
      writer.byte(1)
      writer.string(error.message)
    }
    writer.bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        offset += n
      }
    }
    _exit(0)
  }

  /// Under AddressSanitizer and libFuzzer (`Scripts/fuzz.sh`) a fault of libhdf5 in the child would be reported as
  /// the fuzzer's own (a crash file written by the child); there the child just ends, as it does in a normal build.
  /// No-op in a normal build (the sanitizer's symbol is absent).
  private static func silenceSanitizerReports() {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "__sanitizer_set_death_callback") else { return }
    typealias SetDeathCallback = @convention(c) ((@convention(c) () -> Void)?) -> Void
    unsafeBitCast(symbol, to: SetDeathCallback.self)({ _exit(70) })
  }

  /// Everything the child writes until it closes the pipe, or nil when that takes longer than `seconds`.
  private static func collect(_ fd: Int32, child: pid_t, seconds: Double) -> [UInt8]? {
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    let deadline = monotonicSeconds() + seconds
    while true {
      let remaining = deadline - monotonicSeconds()
      if remaining <= 0 { return nil }
      var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&entry, 1, Int32(min(remaining * 1000, 1000)) + 1)
      if ready < 0 && errno != EINTR { return output }
      if ready <= 0 { continue }
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n == 0 { return output }
      if n < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        return output
      }
      output.append(contentsOf: chunk[0..<n])
    }
  }

  /// Waits for `child` (which has closed its end of the pipe, so is exiting) and returns its wait status.
  private static func reap(_ child: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 {
      if errno != EINTR { return 0 }
    }
    return status
  }

  private static func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }
}

extension HDF5Source {
  /// The number of bytes to read (for the sandbox's time limit); 0 when the file cannot be examined.
  var byteCount: Int {
    switch self {
    case .image(let bytes, _): return bytes.count
    case .file(let path):
      var info = stat()
      return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
  }
}

// MARK: - Values through the pipe

/// A value a sandboxed read returns: written by the child, read back by the parent.
protocol SandboxValue {
  func encode(to writer: inout SandboxWriter)
  init(from reader: inout SandboxReader) throws(HDF5Error)
}

/// Little-endian integers, length-prefixed strings and float arrays.
struct SandboxWriter {
  var bytes: [UInt8] = []

  mutating func byte(_ value: UInt8) { bytes.append(value) }

  mutating func int(_ value: Int) {
    withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func string(_ value: String) {
    int(value.utf8.count)
    bytes.append(contentsOf: value.utf8)
  }

  mutating func floats(_ values: [Float]) {
    int(values.count)
    values.withUnsafeBytes { bytes.append(contentsOf: $0) }
  }

  mutating func strings(_ values: [String]) {
    int(values.count)
    for value in values { string(value) }
  }

  mutating func optional<T>(_ value: T?, _ write: (inout SandboxWriter, T) -> Void) {
    byte(value == nil ? 0 : 1)
    if let value { write(&self, value) }
  }
}

/// Reads what `SandboxWriter` wrote; a short or inconsistent stream throws.
struct SandboxReader {
  private let bytes: [UInt8]
  private var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  private static let truncated = HDF5Error("the HDF5 reading process returned an incomplete result")

  mutating func byte() throws(HDF5Error) -> UInt8 {
    guard offset < bytes.count else { throw Self.truncated }
    offset += 1
    return bytes[offset - 1]
  }

  mutating func int() throws(HDF5Error) -> Int {
    guard bytes.count - offset >= 8 else { throw Self.truncated }
    var value: Int64 = 0
    withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + 8)]) }
    offset += 8
    return Int(Int64(littleEndian: value))
  }

  /// A count of `width`-byte items that fits in what is left.
  private mutating func count(width: Int) throws(HDF5Error) -> Int {
    let count = try int()
    guard count >= 0, count <= (bytes.count - offset) / max(width, 1) else { throw Self.truncated }
    return count
  }

  mutating func string() throws(HDF5Error) -> String {
    let count = try count(width: 1)
    defer { offset += count }
    return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
  }

  mutating func floats() throws(HDF5Error) -> [Float] {
    let count = try count(width: 4)
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBytes { $0.copyBytes(from: bytes[offset..<(offset + 4 * count)]) }
    offset += 4 * count
    return values
  }

  mutating func strings() throws(HDF5Error) -> [String] {
    let count = try count(width: 8)
    var values: [String] = []
    for _ in 0..<count { values.append(try string()) }
    return values
  }

  mutating func optional<T>(_ read: (inout SandboxReader) throws(HDF5Error) -> T) throws(HDF5Error) -> T? {
    try byte() == 0 ? nil : try read(&self)
  }
}

extension LoadedWeights: SandboxValue {
  func encode(to writer: inout SandboxWriter) {
    writer.string(format.rawValue)
    writer.int(values.count)
    for array in values { writer.floats(array) }
    let names = extras.keys.sorted()
    writer.strings(names)
    for name in names { writer.floats(extras[name]!) }
    writer.optional(classNames) { $0.strings($1) }
  }

  init(from reader: inout SandboxReader) throws(HDF5Error) {
    guard let format = KerasWeightFormat(rawValue: try reader.string()) else {
      throw HDF5Error("the HDF5 reading process returned an unknown format")
    }
    var values: [[Float]] = []
    for _ in 0..<max(0, try reader.int()) { values.append(try reader.floats()) }
    var extras: [String: [Float]] = [:]
    for name in try reader.strings() { extras[name] = try reader.floats() }
    let classNames = try reader.optional { (reader: inout SandboxReader) throws(HDF5Error) in try reader.strings() }
    self.init(format: format, values: values, extras: extras, classNames: classNames)
  }
}

/// `OptimizerVariables?`: a file may have no optimizer state.
struct SandboxOptimizer: SandboxValue {
  var value: OptimizerVariables?

  init(_ value: OptimizerVariables?) { self.value = value }

  func encode(to writer: inout SandboxWriter) {
    writer.optional(value) { writer, value in
      writer.string(value.name)
      writer.int(value.iterations)
      writer.floats([value.learningRate])
      writer.int(value.slots.count)
      for slot in value.slots {
        writer.string(slot.name)
        writer.int(slot.shape.count)
        for dim in slot.shape { writer.int(dim) }
        writer.floats(slot.values)
      }
    }
  }

  init(from reader: inout SandboxReader) throws(HDF5Error) {
    value = try reader.optional { (reader: inout SandboxReader) throws(HDF5Error) in
      let name = try reader.string()
      let iterations = try reader.int()
      let learningRate = try reader.floats().first ?? 0
      var slots: [OptimizerVariables.Slot] = []
      for _ in 0..<max(0, try reader.int()) {
        let slotName = try reader.string()
        var shape: [Int] = []
        for _ in 0..<max(0, try reader.int()) { shape.append(try reader.int()) }
        slots.append(OptimizerVariables.Slot(name: slotName, shape: shape, values: try reader.floats()))
      }
      return OptimizerVariables(name: name, iterations: iterations, learningRate: learningRate, slots: slots)
    }
  }
}

/// Two optional texts (a legacy `.h5`'s `model_config` and `training_config`).
struct SandboxTexts: SandboxValue {
  var first: String?
  var second: String?

  init(_ first: String?, _ second: String?) {
    self.first = first
    self.second = second
  }

  func encode(to writer: inout SandboxWriter) {
    writer.optional(first) { $0.string($1) }
    writer.optional(second) { $0.string($1) }
  }

  init(from reader: inout SandboxReader) throws(HDF5Error) {
    first = try reader.optional { (reader: inout SandboxReader) throws(HDF5Error) in try reader.string() }
    second = try reader.optional { (reader: inout SandboxReader) throws(HDF5Error) in try reader.string() }
  }
}
