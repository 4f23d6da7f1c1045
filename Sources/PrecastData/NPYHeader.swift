// NPYHeader.swift: parsing the Python-literal dictionary of a .npy header.

// MARK: - Header

/// The fields of a .npy header: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NPYHeader: Equatable {
  var descr: String
  var fortranOrder: Bool
  var shape: [Int]

  /// Parses the header text; `name` is the file name for error messages.
  static func parse(_ text: [UInt8], name: String) throws(DataError) -> NPYHeader {
    var parser = PythonLiteralParser(bytes: text)
    guard let literal = parser.parseValue(), parser.atEnd(), case .dict(let entries) = literal else {
      throw DataError(file: name, "malformed .npy header: \(preview(text))")
    }
    return try fromEntries(entries, name: name)
  }

  /// Extracts and checks `descr`, `fortran_order` and `shape`.
  private static func fromEntries(_ entries: [(String, PythonLiteral)], name: String) throws(DataError) -> NPYHeader {
    func value(_ key: String) -> PythonLiteral? { entries.first { $0.0 == key }?.1 }
    let descr: String
    switch value("descr") {
    case .string(let text): descr = text
    case .list?, .tuple?: throw DataError(file: name, "structured (record) dtypes are not supported")
    default: throw DataError(file: name, "malformed .npy header: missing 'descr'")
    }
    guard case .bool(let fortranOrder) = value("fortran_order") else {
      throw DataError(file: name, "malformed .npy header: missing 'fortran_order'")
    }
    guard case .tuple(let items) = value("shape") else {
      throw DataError(file: name, "malformed .npy header: missing 'shape'")
    }
    var shape: [Int] = []
    for item in items {
      guard case .int(let dim) = item, dim >= 0 else {
        throw DataError(file: name, "malformed .npy header: bad 'shape'")
      }
      shape.append(dim)
    }
    return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
  }

  /// The header text for messages, shortened.
  private static func preview(_ text: [UInt8]) -> String {
    let trimmed = String(decoding: text.prefix(80), as: UTF8.self)
    return trimmed.split(whereSeparator: { $0 == "\n" }).first.map(String.init) ?? ""
  }
}

// MARK: - Python literals

/// The subset of Python literals that appears in .npy headers.
indirect enum PythonLiteral {
  case string(String)
  case int(Int)
  case bool(Bool)
  case none
  case tuple([PythonLiteral])
  case list([PythonLiteral])
  case dict([(String, PythonLiteral)])
}

/// A recursive-descent parser for ``PythonLiteral``; returns `nil` on malformed input.
private struct PythonLiteralParser {
  let bytes: [UInt8]
  var index = 0
  var depth = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  /// Whether only whitespace is left.
  mutating func atEnd() -> Bool {
    skipSpace()
    return index == bytes.count
  }

  /// Parses one value.
  mutating func parseValue() -> PythonLiteral? {
    skipSpace()
    guard index < bytes.count, depth < 32 else { return nil }
    switch bytes[index] {
    case UInt8(ascii: "'"), UInt8(ascii: "\""): return parseString().map(PythonLiteral.string)
    case UInt8(ascii: "("): return parseSequence(close: UInt8(ascii: ")")).map(PythonLiteral.tuple)
    case UInt8(ascii: "["): return parseSequence(close: UInt8(ascii: "]")).map(PythonLiteral.list)
    case UInt8(ascii: "{"): return parseDict()
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): return parseInt()
    default: return parseWord()
    }
  }

  /// `'text'` or `"text"` (no escapes are needed in .npy headers).
  mutating func parseString() -> String? {
    let quote = bytes[index]
    index += 1
    let start = index
    while index < bytes.count && bytes[index] != quote { index += 1 }
    guard index < bytes.count else { return nil }
    defer { index += 1 }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  /// A decimal integer, with an optional Python 2 `L` suffix.
  mutating func parseInt() -> PythonLiteral? {
    var negative = false
    if bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
    var value = 0
    var digits = 0
    while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
      let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = scaled.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
      guard !overflow1 && !overflow2 else { return nil }
      value = sum
      digits += 1
      index += 1
    }
    guard digits > 0 else { return nil }
    if index < bytes.count && (bytes[index] == UInt8(ascii: "L") || bytes[index] == UInt8(ascii: "l")) { index += 1 }
    return .int(negative ? -value : value)
  }

  /// `True`, `False` or `None`.
  mutating func parseWord() -> PythonLiteral? {
    for (word, value) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)] {
      let utf8 = Array(word.utf8)
      if bytes.count - index >= utf8.count && Array(bytes[index..<(index + utf8.count)]) == utf8 {
        index += utf8.count
        return value
      }
    }
    return nil
  }

  /// Comma-separated values up to `close` (a trailing comma is allowed).
  mutating func parseSequence(close: UInt8) -> [PythonLiteral]? {
    index += 1
    depth += 1
    defer { depth -= 1 }
    var items: [PythonLiteral] = []
    while true {
      skipSpace()
      guard index < bytes.count else { return nil }
      if bytes[index] == close { index += 1; return items }
      guard let item = parseValue() else { return nil }
      items.append(item)
      guard consumeSeparator(close: close) else { return nil }
    }
  }

  /// `{'key': value, ...}` with string keys.
  mutating func parseDict() -> PythonLiteral? {
    index += 1
    depth += 1
    defer { depth -= 1 }
    var entries: [(String, PythonLiteral)] = []
    let close = UInt8(ascii: "}")
    while true {
      skipSpace()
      guard index < bytes.count else { return nil }
      if bytes[index] == close { index += 1; return .dict(entries) }
      guard case .string(let key)? = parseValue() else { return nil }
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
      index += 1
      guard let value = parseValue() else { return nil }
      entries.append((key, value))
      guard consumeSeparator(close: close) else { return nil }
    }
  }

  /// After an item: a comma, or (without consuming it) the closing bracket.
  mutating func consumeSeparator(close: UInt8) -> Bool {
    skipSpace()
    guard index < bytes.count else { return false }
    if bytes[index] == UInt8(ascii: ",") { index += 1; return true }
    return bytes[index] == close
  }

  /// Skips spaces, tabs and newlines.
  mutating func skipSpace() {
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
  }
}
