// HDF5Error.swift: the one error type of PrecastHDF5, and how HDF5's own error stack becomes one line.

import CHDF5
import PrecastCore
import Glibc

// MARK: - Public error type

/// An error reading or writing an HDF5 file.
///
/// `description` is a single human-readable line, normally starting with the file's path,
/// e.g. `model.h5: not an HDF5 file`.
public struct HDF5Error: Error, CustomStringConvertible, Sendable, Equatable {
  /// The message, always on one line.
  public var message: String

  /// Creates an error; line breaks and other control characters in `message` are escaped (`oneLine`).
  public init(_ message: String) {
    self.message = oneLine(message)
  }

  /// The message (one line).
  public var description: String { message }

  /// The same error with `"<path>: "` in front of the message.
  func prefixed(with path: String) -> HDF5Error {
    HDF5Error("\(path): \(message)")
  }
}

// MARK: - HDF5 error stack

/// Silencing and summarising the HDF5 library's error stack (which is per thread).
/// Debian's libhdf5 is the serial build, which is not thread-safe, and the trainer writes its epoch checkpoint on a
/// background thread while the main thread may write a callback's checkpoint: every use of the library from Precast
/// holds this lock.
enum HDF5Lock {
  nonisolated(unsafe) private static var mutex: pthread_mutex_t = {
    var attributes = pthread_mutexattr_t()
    pthread_mutexattr_init(&attributes)
    pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))  // a locked call may call another
    var mutex = pthread_mutex_t()
    pthread_mutex_init(&mutex, &attributes)
    return mutex
  }()

  static func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    if HDF5Sandbox.isChild { return try body() }  // a forked reader: one thread, and the copied mutex is not its own
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return try body()
  }
}

enum HDF5Diagnostics {
  /// Stops HDF5 from printing error stacks to stderr on the calling thread.
  static func silence() {
    H5Eset_auto2(swh5_E_DEFAULT(), nil, nil)
  }

  /// A short summary of the calling thread's HDF5 error stack ("outer problem (inner cause)"),
  /// or "" if the stack is empty. Clears the stack.
  static func takeSummary() -> String {
    let descriptions = currentDescriptions()
    H5Eclear2(swh5_E_DEFAULT())
    return summarize(descriptions)
  }

  /// Clears the calling thread's error stack, e.g. after an expected failure of a probe.
  static func clear() {
    H5Eclear2(swh5_E_DEFAULT())
  }

  private final class Collector {
    var descriptions: [String] = []
  }

  /// The descriptions on the stack, outermost (API call) first.
  private static func currentDescriptions() -> [String] {
    let collector = Collector()
    let context = Unmanaged.passRetained(collector)
    defer { context.release() }
    _ = H5Ewalk2(swh5_E_DEFAULT(), H5E_WALK_DOWNWARD, { _, entry, data in
      guard let entry, let data else { return 0 }
      let box = Unmanaged<Collector>.fromOpaque(data).takeUnretainedValue()
      if let desc = entry.pointee.desc {
        let text = String(cString: desc)
        if !text.isEmpty { box.descriptions.append(text) }
      }
      return 0
    }, context.toOpaque())
    return collector.descriptions
  }

  private static func summarize(_ descriptions: [String]) -> String {
    guard let outer = descriptions.first else { return "" }
    guard let inner = descriptions.last, inner != outer else { return outer }
    return "\(outer) (\(inner))"
  }
}

// MARK: - Status checks

extension HDF5Error {
  /// An error for a failed HDF5 call: `what`, followed by HDF5's own summary when it has one.
  static func library(_ what: String) -> HDF5Error {
    let detail = HDF5Diagnostics.takeSummary()
    return HDF5Error(detail.isEmpty ? what : "\(what): \(detail)")
  }
}

/// Returns `id` if it is a valid identifier (>= 0), else throws an error describing `what` failed.
func checkedID(_ id: hid_t, _ what: @autoclosure () -> String) throws(HDF5Error) -> hid_t {
  if id < 0 { throw HDF5Error.library(what()) }
  return id
}

/// Throws an error describing `what` failed if `status` is negative.
func checkStatus(_ status: herr_t, _ what: @autoclosure () -> String) throws(HDF5Error) {
  if status < 0 { throw HDF5Error.library(what()) }
}
