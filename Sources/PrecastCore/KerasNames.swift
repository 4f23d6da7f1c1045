// KerasNames.swift: the names Keras derives from class names (snake_case, automatic numbering, cells,
// Bidirectional's inner layers), and the layer classes the weight files lay out their own way.

/// Names Keras derives from layer classes, shared by the compiler (layer names, configs) and the weight files.
public enum KerasNames {
  // MARK: snake_case

  /// Keras's `keras.src.utils.naming.to_snake_case`:
  /// drop non-word characters, then `(.)([A-Z][a-z]+)` → `\1_\2`, then `([a-z])([A-Z])` → `\1_\2`, then lowercase.
  /// `MaxPooling2D` → `max_pooling2d`, `SimpleRNN` → `simple_rnn`, `LSTM` → `lstm`.
  public static func snakeCase(_ name: String) -> String {
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

  /// A class name in the form any of Keras's spellings of it share: snake_case without underscores
  /// (`GlorotUniform`, `glorot_uniform` → `glorotuniform`; `L1L2`, `l1_l2` → `l1l2`).
  public static func looseName(_ name: String) -> String {
    snakeCase(name).filter { $0 != "_" }
  }

  private static func isASCIIUpper(_ c: Character) -> Bool { c.isASCII && ("A"..."Z").contains(c) }
  private static func isASCIILower(_ c: Character) -> Bool { c.isASCII && ("a"..."z").contains(c) }

  // MARK: Automatic names

  /// Keras's automatic numbering of names (`keras.src.backend.common.global_state` name uids): the first use of a
  /// base name is the name itself, the next ones `base_1`, `base_2`, … Layers are named this way (`dense`,
  /// `dense_1`) and so are the groups of a `.weights.h5` file.
  public struct Numbering: Sendable {
    private var uses: [String: Int] = [:]

    public init() {}

    /// The next name for `base`.
    public mutating func next(_ base: String) -> String {
      let count = uses[base, default: 0]
      uses[base] = count + 1
      return count == 0 ? base : "\(base)_\(count)"
    }
  }

  // MARK: Recurrent cells and Bidirectional

  /// The recurrent layer classes: Keras keeps their variables under their `cell`.
  public static let recurrentClassNames: Set<String> = ["LSTM", "GRU", "SimpleRNN"]

  /// The wrapper that runs a recurrent layer forwards and backwards.
  public static let bidirectionalClassName = "Bidirectional"

  /// The Keras name of a recurrent layer's cell, e.g. "lstm_cell".
  public static func cellName(_ className: String) -> String {
    snakeCase(className) + "_cell"
  }

  /// The inner layer's name on one side of a Bidirectional: `forward_lstm`, `backward_gru`.
  public static func bidirectionalLayerName(side: String, wrapped className: String) -> String {
    "\(side)_\(snakeCase(className))"
  }

  /// A Bidirectional weight's full name: `forward_lstm/lstm_cell/kernel`.
  public static func bidirectionalWeightName(side: String, wrapped className: String, variable: String) -> String {
    "\(bidirectionalLayerName(side: side, wrapped: className))/\(cellName(className))/\(variable)"
  }

  /// The parts of a Bidirectional weight's name (`forward_lstm`, `lstm_cell`, `kernel`), or nil for another name.
  public static func bidirectionalParts(_ weightName: String) -> (layer: String, cell: String, variable: String)? {
    let parts = weightName.split(separator: "/").map(String.init)
    guard parts.count == 3 else { return nil }
    return (parts[0], parts[1], parts[2])
  }
}
