// DataError.swift: the single error type of PrecastData, with one-line human-readable messages.

import PrecastCore

// MARK: - DataError

/// An error raised while reading, converting or encoding data.
///
/// The ``description`` is a single human-readable line that starts with the file name
/// (and the 1-based line number where one applies), for example
/// `data.csv:4: column 3: 'abc' is not a number`.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file the error refers to, if any.
  public var file: String?
  /// The 1-based line number within ``file``, if it applies.
  public var line: Int?
  /// What went wrong, without the file/line prefix.
  public var message: String

  /// Creates an error for `file` (and optionally `line`) with a message.
  public init(file: String?, line: Int? = nil, _ message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  /// `FILE:LINE: message`, `FILE: message`, or just `message`.
  public var description: String {
    guard let file else { return oneLine(message) }
    guard let line else { return oneLine("\(file): \(message)") }
    return oneLine("\(file):\(line): \(message)")
  }
}

// MARK: - Helpers

extension DataError {
  /// A CSV row with the wrong number of columns (`expected N columns, found M`): no reading of its last column as a
  /// text label explains it.
  public var isColumnCountMismatch: Bool { message.hasPrefix("expected ") && message.contains(" columns, found ") }

  /// An error for a payload that is shorter than its header declares.
  static func truncated(_ file: String, expected: Int, found: Int) -> DataError {
    DataError(file: file, "truncated data (expected \(expected) bytes, found \(found))")
  }

  /// An error for bytes left over after the declared payload.
  static func trailing(_ file: String, extra: Int, expected: Int) -> DataError {
    DataError(file: file, "\(extra) unexpected bytes after the \(expected) bytes of data the header declares")
  }
}

/// The product of `dims`, or `nil` if a dimension is negative or the product overflows.
func checkedProduct(_ dims: [Int]) -> Int? {
  var product = 1
  for dim in dims {
    guard dim >= 0 else { return nil }
    let (result, overflow) = product.multipliedReportingOverflow(by: dim)
    guard !overflow else { return nil }
    product = result
  }
  return product
}

/// `[2, 3]` formatted as `(2, 3)`.
func formatShape(_ shape: [Int]) -> String {
  "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
