// CSVReader.swift: a fast reader for numbers-only CSV files (no quoting, one sample per line).

import Glibc

// MARK: - Public API

/// Reads numbers-only CSV data into a 2-D ``DataArray`` of shape `[rows, columns]`.
public enum CSVReader {
  /// Reads a numbers-only CSV file.
  ///
  /// Fields are comma separated, with optional spaces or tabs around them. Blank lines, a trailing
  /// newline, CRLF line ends and a UTF-8 byte order mark are accepted. A first line whose fields are
  /// not all numbers is treated as a header and skipped only if `allowHeader` is true.
  /// Every row must have the same number of columns as the first data row (or `expectedColumns`).
  ///
  /// - Throws: ``DataError`` such as `FILE:LINE: expected 9 columns, found 8`,
  ///   `FILE:LINE: column 3: 'abc' is not a number`, `FILE:LINE: column 3: 'nan' is not a finite number`
  ///   or `FILE: no data rows`.
  public static func read(
    path: String, expectedColumns: Int? = nil, allowHeader: Bool = false
  ) throws(DataError) -> DataArray {
    let bytes = try FileIO.readAll(path: path)
    return try parse(bytes, name: path, expectedColumns: expectedColumns, allowHeader: allowHeader)
  }

  /// Parses CSV data from a byte buffer; `name` is used in error messages (for example `<stdin>`).
  public static func parse(
    _ bytes: [UInt8], name: String, expectedColumns: Int? = nil, allowHeader: Bool = false
  ) throws(DataError) -> DataArray {
    if let expectedColumns, expectedColumns < 1 {
      throw DataError(file: name, "expected column count must be positive, got \(expectedColumns)")
    }
    var terminated = bytes
    terminated.append(0)  // strtof needs a NUL-terminated buffer.
    let outcome = terminated.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        var parser = CSVParser(
          text: chars.baseAddress!, length: bytes.count, name: name,
          expectedColumns: expectedColumns, allowHeader: allowHeader)
        return parser.run()
      }
    }
    return try outcome.get()
  }

  /// Reads all of standard input as CSV (errors name the file `<stdin>`).
  public static func readStandardInput(expectedColumns: Int? = nil) throws(DataError) -> DataArray {
    let bytes = try FileIO.readStandardInput()
    return try parse(bytes, name: "<stdin>", expectedColumns: expectedColumns)
  }
}

// MARK: - Parser

/// A single-pass CSV scanner over a NUL-terminated buffer.
private struct CSVParser {
  let text: UnsafePointer<CChar>
  let length: Int
  let name: String
  var columns: Int?
  var allowHeader: Bool
  var values: [Float] = []
  var rows = 0
  var position = 0
  var lineNumber = 0

  init(text: UnsafePointer<CChar>, length: Int, name: String, expectedColumns: Int?, allowHeader: Bool) {
    self.text = text
    self.length = length
    self.name = name
    self.columns = expectedColumns
    self.allowHeader = allowHeader
  }

  /// Parses every line and returns the array (or the first error).
  mutating func run() -> Result<DataArray, DataError> {
    skipByteOrderMark()
    var isFirstLine = true
    while position < length {
      lineNumber += 1
      let lineStart = position
      let lineEnd = endOfLine(from: lineStart)
      position = lineEnd + 1
      guard !isBlank(lineStart, lineEnd) else { continue }
      let mark = values.count
      if let problem = parseLine(lineStart, lineEnd) {
        if isFirstLine && allowHeader && problem.isField {
          values.removeSubrange(mark...)
          isFirstLine = false
          continue
        }
        return .failure(problem.error)
      }
      isFirstLine = false
      rows += 1
      if columns == nil { columns = values.count - mark }
    }
    guard rows > 0, let columns else { return .failure(DataError(file: name, "no data rows")) }
    return .success(DataArray(shape: [rows, columns], values: values))
  }

  // MARK: Lines

  /// Skips a UTF-8 byte order mark at the start of the buffer.
  mutating func skipByteOrderMark() {
    if length >= 3 && byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF { position = 3 }
  }

  /// The index of the `\n` ending the line that starts at `start` (or `length`).
  func endOfLine(from start: Int) -> Int {
    guard let found = memchr(text + start, 0x0A, length - start) else { return length }
    return text.distance(to: found.assumingMemoryBound(to: CChar.self))
  }

  /// Whether `[start, end)` holds only whitespace.
  func isBlank(_ start: Int, _ end: Int) -> Bool {
    var index = start
    while index < end && isSpace(byte(index)) { index += 1 }
    return index == end
  }

  /// Why a line was rejected: a field that is not a number (`isField`, which marks a header line) or its width.
  struct LineProblem {
    var error: DataError
    var isField: Bool
  }

  /// Parses the fields of one line, appending them to `values`; returns the first problem.
  mutating func parseLine(_ start: Int, _ end: Int) -> LineProblem? {
    var index = start
    var column = 0
    while true {
      column += 1
      if let limit = columns, column > limit {
        return columnCountError(start, end, expected: limit)
      }
      while index < end && isSpace(byte(index)) { index += 1 }
      let fieldStart = index
      switch parseNumber(at: &index, end: end) {
      case .number(let value): values.append(value)
      case .notFinite: return fieldError(column, fieldStart, end, "is not a finite number")
      case .invalid: return fieldError(column, fieldStart, end, "is not a number")
      }
      while index < end && isSpace(byte(index)) { index += 1 }
      if index == end { break }
      guard byte(index) == UInt8(ascii: ",") else {
        return fieldError(column, fieldStart, end, "is not a number")
      }
      index += 1
    }
    if let limit = columns, column != limit {
      return columnCountError(start, end, expected: limit)
    }
    return nil
  }

  // MARK: Fields

  /// The result of scanning one field.
  enum Field {
    case number(Float)
    case notFinite
    case invalid
  }

  /// Scans a number with `strtof`, advancing `index` past it.
  func parseNumber(at index: inout Int, end: Int) -> Field {
    guard index < end, startsNumber(byte(index)) else { return .invalid }
    var stop: UnsafeMutablePointer<CChar>? = nil
    let value = strtof(text + index, &stop)
    guard let stop else { return .invalid }
    let next = text.distance(to: UnsafePointer(stop))
    guard next > index, next <= end else { return .invalid }
    index = next
    return value.isFinite ? .number(value) : .notFinite
  }

  /// Whether `strtof` may start scanning at `byte` (never whitespace, which it would skip across lines).
  func startsNumber(_ byte: UInt8) -> Bool {
    byte != UInt8(ascii: ",") && byte != 0 && !isSpace(byte) && byte != 0x0A && byte != 0x0B && byte != 0x0C
  }

  /// Space, tab or carriage return.
  func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D
  }

  /// The byte at `index`.
  func byte(_ index: Int) -> UInt8 {
    UInt8(bitPattern: text[index])
  }

  // MARK: Errors

  /// `FILE:LINE: column N: 'text' <problem>`, quoting the field up to the next comma.
  func fieldError(_ column: Int, _ fieldStart: Int, _ lineEnd: Int, _ problem: String) -> LineProblem {
    var stop = fieldStart
    while stop < lineEnd && byte(stop) != UInt8(ascii: ",") { stop += 1 }
    while stop > fieldStart && isSpace(byte(stop - 1)) { stop -= 1 }
    let field = quoted(fieldStart, stop)
    let error = DataError(file: name, line: lineNumber, "column \(column): '\(field)' \(problem)")
    return LineProblem(error: error, isField: true)
  }

  /// `FILE:LINE: expected N columns, found M`.
  func columnCountError(_ start: Int, _ end: Int, expected: Int) -> LineProblem {
    var found = 1
    for index in start..<end where byte(index) == UInt8(ascii: ",") { found += 1 }
    let error = DataError(file: name, line: lineNumber, "expected \(expected) columns, found \(found)")
    return LineProblem(error: error, isField: false)
  }

  /// The field text for a message, shortened to 40 characters.
  func quoted(_ start: Int, _ end: Int) -> String {
    let limit = 40
    let stop = min(end, start + limit)
    let bytes = UnsafeRawBufferPointer(start: text + start, count: stop - start)
    let text = String(decoding: bytes, as: UTF8.self)
    return end - start > limit ? text + "…" : text
  }
}
