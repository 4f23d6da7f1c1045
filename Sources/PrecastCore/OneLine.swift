// OneLine.swift: error messages are one line, whatever text from a user's file they quote.

/// `text` with every line break and other control character (tab excepted) written as an escape (`\n`, `\r`,
/// `\u{1B}`), so that a message quoting a damaged file's bytes stays one line on the terminal and in logs.
public func oneLine(_ text: String) -> String {
  guard text.unicodeScalars.contains(where: isControl) else { return text }
  var result = ""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\n": result += "\\n"
    case "\r": result += "\\r"
    case _ where isControl(scalar): result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    default: result.unicodeScalars.append(scalar)
    }
  }
  return result
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
  scalar != "\t" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}")
}
