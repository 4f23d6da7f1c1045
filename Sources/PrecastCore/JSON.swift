// JSON.swift: the JSON Keras's configs are written in (model_config, config.json, metadata.json): a value that keeps its
// keys in order, a deterministic renderer, and a small parser (no Foundation: the runtime links this).
import Glibc

// MARK: - Value

/// A JSON value that keeps its keys in insertion order (Keras's own order), rendered deterministically.
public indirect enum JSON: Sendable, Equatable {
  case null, bool(Bool), int(Int), number(Double), string(String)
  case array([JSON])
  case object([(String, JSON)])

  public static func == (a: JSON, b: JSON) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  /// The compact text, `", "` and `": "` as separators (Python's `json.dumps` defaults, as Keras writes).
  public var rendered: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .number(let d): return "\(d)"
    case .string(let s): return JSON.quoted(s)
    case .array(let items): return "[" + items.map(\.rendered).joined(separator: ", ") + "]"
    case .object(let pairs): return "{" + pairs.map { JSON.quoted($0.0) + ": " + $0.1.rendered }.joined(separator: ", ") + "}"
    }
  }

  /// `s` as a JSON string literal: quote, backslash and control characters escaped.
  static func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  // MARK: Access

  /// The member `key` of an object (nil for other values or a missing key).
  public subscript(key: String) -> JSON? {
    guard case .object(let pairs) = self else { return nil }
    return pairs.first { $0.0 == key }?.1
  }

  /// The string, for `.string`.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The elements, for `.array`.
  public var arrayValue: [JSON]? {
    if case .array(let items) = self { return items }
    return nil
  }

  /// An object with `key` set to `value` (replaced in place, or appended at the end).
  public func setting(_ key: String, to value: JSON) -> JSON {
    guard case .object(var pairs) = self else { return self }
    if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = value } else { pairs.append((key, value)) }
    return .object(pairs)
  }
}

// MARK: - Parsing

/// Why a text is not JSON: a message and the 1-based byte offset where parsing stopped.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable, Equatable {
  public var message: String
  public var offset: Int
  public var description: String { "\(message) at byte \(offset)" }
}

extension JSON {
  /// Parses one JSON value (RFC 8259; surrounding whitespace allowed, nothing else after it). Nesting deeper than
  /// 512 levels is refused rather than recursed into.
  public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSON {
    var parser = JSONParser(bytes: bytes)
    parser.skipSpace()
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
    return value
  }

  public static func parse(_ text: String) throws(JSONSyntaxError) -> JSON { try parse(Array(text.utf8)) }
}

/// A recursive-descent parser over UTF-8 bytes.
private struct JSONParser {
  let bytes: [UInt8]
  var position = 0
  static let maxDepth = 512

  init(bytes: [UInt8]) { self.bytes = bytes }

  func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: position + 1) }

  var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  mutating func skipSpace() {
    while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
  }

  mutating func expect(_ literal: String, _ value: JSON) throws(JSONSyntaxError) -> JSON {
    for b in literal.utf8 {
      guard current == b else { throw error("invalid literal (expected '\(literal)')") }
      position += 1
    }
    return value
  }

  mutating func value(depth: Int) throws(JSONSyntaxError) -> JSON {
    guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
    guard let b = current else { throw error("unexpected end of text") }
    switch b {
    case UInt8(ascii: "{"): return try object(depth: depth)
    case UInt8(ascii: "["): return try array(depth: depth)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try expect("true", .bool(true))
    case UInt8(ascii: "f"): return try expect("false", .bool(false))
    case UInt8(ascii: "n"): return try expect("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    // Python's json writes NaN and Infinity for non-finite floats; Keras configs may hold them.
    case UInt8(ascii: "N"): return try expect("NaN", .number(.nan))
    case UInt8(ascii: "I"): return try expect("Infinity", .number(.infinity))
    default: throw error("unexpected character '\(Character(Unicode.Scalar(b)))'")
    }
  }

  mutating func object(depth: Int) throws(JSONSyntaxError) -> JSON {
    position += 1
    var pairs: [(String, JSON)] = []
    skipSpace()
    if current == UInt8(ascii: "}") {
      position += 1
      return .object(pairs)
    }
    while true {
      skipSpace()
      guard current == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
      let key = try string()
      skipSpace()
      guard current == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
      position += 1
      skipSpace()
      pairs.append((key, try value(depth: depth + 1)))
      skipSpace()
      switch current {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "}"):
        position += 1
        return .object(pairs)
      default: throw error("expected ',' or '}' in an object")
      }
    }
  }

  mutating func array(depth: Int) throws(JSONSyntaxError) -> JSON {
    position += 1
    var items: [JSON] = []
    skipSpace()
    if current == UInt8(ascii: "]") {
      position += 1
      return .array(items)
    }
    while true {
      skipSpace()
      items.append(try value(depth: depth + 1))
      skipSpace()
      switch current {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "]"):
        position += 1
        return .array(items)
      default: throw error("expected ',' or ']' in an array")
      }
    }
  }

  mutating func string() throws(JSONSyntaxError) -> String {
    position += 1
    var scalars = String.UnicodeScalarView()
    var runStart = position
    func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
    while true {
      guard let b = current else { throw error("unterminated string") }
      if b == UInt8(ascii: "\"") {
        flush(position)
        position += 1
        return String(scalars)
      }
      if b < 0x20 { throw error("control character in a string") }
      if b != UInt8(ascii: "\\") {
        position += 1
        continue
      }
      flush(position)
      position += 1
      guard let e = current else { throw error("unterminated string") }
      position += 1
      switch e {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "/"): scalars.append("/")
      case UInt8(ascii: "b"): scalars.append("\u{08}")
      case UInt8(ascii: "f"): scalars.append("\u{0C}")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
      default: throw error("invalid escape in a string")
      }
      runStart = position
    }
  }

  /// The scalar of `\uXXXX` (the `\u` consumed), joining a surrogate pair.
  mutating func unicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
    let high = try hex4()
    if (0xD800..<0xDC00).contains(high) {
      guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
        throw error("unpaired surrogate in a string")
      }
      position += 2
      let low = try hex4()
      guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in a string") }
      return Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (low - 0xDC00))!
    }
    guard let scalar = Unicode.Scalar(high) else { throw error("unpaired surrogate in a string") }
    return scalar
  }

  mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
    guard position + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16) else {
      throw error("invalid \\u escape")
    }
    position += 4
    return v
  }

  mutating func number() throws(JSONSyntaxError) -> JSON {
    let start = position
    if current == UInt8(ascii: "-") {
      position += 1
      if current == UInt8(ascii: "I") { return try expect("Infinity", .number(-.infinity)) }
    }
    func digits() -> Int {
      let from = position
      while let b = current, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { position += 1 }
      return position - from
    }
    let leadingZero = current == UInt8(ascii: "0")
    let integerDigits = digits()
    guard integerDigits > 0, !(leadingZero && integerDigits > 1) else { throw error("invalid number") }
    var isInteger = true
    if current == UInt8(ascii: ".") {
      position += 1
      isInteger = false
      guard digits() > 0 else { throw error("invalid number") }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      position += 1
      isInteger = false
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
      guard digits() > 0 else { throw error("invalid number") }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    if isInteger, let i = Int(text) { return .int(i) }
    return .number(strtod(text, nil))
  }
}
