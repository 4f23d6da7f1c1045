// KerasNaming.swift: Keras's class-name → snake_case rule and the group names of the `.weights.h5` layout.

/// Names Keras derives from layer classes.
enum KerasNaming {
  // MARK: snake_case

  /// Keras's `keras.src.utils.naming.to_snake_case`:
  /// drop non-word characters, then `(.)([A-Z][a-z]+)` → `\1_\2`, then `([a-z])([A-Z])` → `\1_\2`, then lowercase.
  /// `MaxPooling2D` → `max_pooling2d`, `SimpleRNN` → `simple_rnn`, `LSTM` → `lstm`.
  static func snakeCase(_ name: String) -> String {
    let word = name.filter { $0.isLetter || $0.isNumber || $0 == "_" }
    let firstPass = splitBeforeCapitalizedWords(Array(word))
    return splitLowerUpperPairs(Array(firstPass)).lowercased()
  }

  /// `re.sub("(.)([A-Z][a-z]+)", r"\1_\2", s)`: scans left to right, non-overlapping.
  private static func splitBeforeCapitalizedWords(_ chars: [Character]) -> String {
    var out = ""
    var index = 0
    while index < chars.count {
      let wordEnd = lowercaseRunEnd(chars, from: index + 2)
      if index + 1 < chars.count, isASCIIUpper(chars[index + 1]), wordEnd > index + 2 {
        out.append(chars[index])
        out.append("_")
        out.append(contentsOf: chars[(index + 1)..<wordEnd])
        index = wordEnd
      } else {
        out.append(chars[index])
        index += 1
      }
    }
    return out
  }

  /// `re.sub("([a-z])([A-Z])", r"\1_\2", s)`.
  private static func splitLowerUpperPairs(_ chars: [Character]) -> String {
    var out = ""
    var index = 0
    while index < chars.count {
      if index + 1 < chars.count, isASCIILower(chars[index]), isASCIIUpper(chars[index + 1]) {
        out.append(chars[index])
        out.append("_")
        out.append(chars[index + 1])
        index += 2
      } else {
        out.append(chars[index])
        index += 1
      }
    }
    return out
  }

  /// The end of the run of ASCII lowercase letters starting at `start` (== `start` if none).
  private static func lowercaseRunEnd(_ chars: [Character], from start: Int) -> Int {
    var end = start
    while end < chars.count, isASCIILower(chars[end]) { end += 1 }
    return end
  }

  private static func isASCIIUpper(_ c: Character) -> Bool { c.isASCII && ("A"..."Z").contains(c) }
  private static func isASCIILower(_ c: Character) -> Bool { c.isASCII && ("a"..."z").contains(c) }

  // MARK: .weights.h5 groups

  /// The `layers/<group>` names Keras 3's `save_weights` uses for `classNames` (model order):
  /// the snake_case class name, made unique per class (`dense`, `dropout`, `dense_1`).
  static func weightsGroupNames(_ classNames: [String]) -> [String] {
    var used: [String: Int] = [:]
    return classNames.map { className in
      let base = snakeCase(className)
      if let count = used[base] {
        used[base] = count + 1
        return "\(base)_\(count + 1)"
      }
      used[base] = 0
      return base
    }
  }

  /// Whether Keras keeps this layer's variables under its `cell` (LSTM, GRU, SimpleRNN).
  static func isRecurrent(_ className: String) -> Bool {
    ["LSTM", "GRU", "SimpleRNN"].contains(className)
  }

  /// The Keras name of a recurrent layer's cell, e.g. "lstm_cell".
  static func cellName(_ className: String) -> String {
    snakeCase(className) + "_cell"
  }

  /// Where a layer's variables live in a `.weights.h5` file, e.g. "layers/dense_1/vars".
  static func varsPath(group: String, className: String) -> String {
    isRecurrent(className) ? "layers/\(group)/cell/vars" : "layers/\(group)/vars"
  }

  /// The groups holding a layer's variables and which of its weights each holds (numbered from 0 in it):
  /// one `vars` (`cell/vars` for an RNN), or for a Bidirectional its `forward_layer/cell/vars` (first half)
  /// and `backward_layer/cell/vars` (second half).
  static func variableGroups(group: String, className: String, weightCount: Int) -> [(path: String, weights: Range<Int>)] {
    guard className == "Bidirectional" else { return [(varsPath(group: group, className: className), 0..<weightCount)] }
    let half = weightCount / 2
    return [
      ("layers/\(group)/forward_layer/cell/vars", 0..<half),
      ("layers/\(group)/backward_layer/cell/vars", half..<weightCount),
    ]
  }
}
