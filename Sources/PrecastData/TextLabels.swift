// TextLabels.swift: CSV files whose class column holds names (`R`/`M`, `Iris-setosa`, …), and scikit-learn's
// `LabelEncoder` that turns the names into class indices as the tutorials do before training.

// MARK: - Reading

/// A CSV table whose last column holds text labels: the numeric features before it (nil for a one-column labels
/// file) and each row's label with its line number, for messages.
public struct TextLabeledTable: Sendable, Equatable {
  public var features: DataArray?
  public var labels: [String]
  public var lines: [Int]
}

extension CSVReader {
  /// Reads a CSV file whose last column is text: every other column must be a number (errors name the file, line and
  /// column as `read` does). A one-column file is a list of labels, one per line. A first line whose features are not
  /// numbers is a header and skipped. Labels are trimmed, and surrounding double quotes removed.
  public static func readTextLabeled(path: String) throws(DataError) -> TextLabeledTable {
    let bytes = try FileIO.readAll(path: path)
    var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var prefixes: [UInt8] = []  // the feature part of every line, line breaks kept, so parse errors keep line numbers
    var labels: [String] = [], lines: [Int] = []
    var lineNumber = 0, oneColumn: Bool?
    while start < bytes.count {
      lineNumber += 1
      let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
      let line = bytes[start..<end]
      start = end + 1
      guard line.contains(where: { !isBlank($0) }) else {
        prefixes.append(0x0A)
        continue
      }
      let comma = line.lastIndex(of: UInt8(ascii: ","))
      if oneColumn == nil { oneColumn = comma == nil }
      if oneColumn == true, comma != nil {
        throw DataError(file: path, line: lineNumber, "expected 1 column (a label), found \(line.filter { $0 == UInt8(ascii: ",") }.count + 1)")
      }
      if oneColumn == false, comma == nil {
        throw DataError(file: path, line: lineNumber, "expected the features and a label, found 1 column")
      }
      labels.append(label(comma.map { line[($0 + 1)...] } ?? line))
      lines.append(lineNumber)
      if let comma { prefixes += line[..<comma] }
      prefixes.append(0x0A)
    }
    guard !labels.isEmpty else { throw DataError(file: path, "no data rows") }
    guard oneColumn == false else { return TextLabeledTable(features: nil, labels: labels, lines: lines) }
    let features = try parse(prefixes, name: path, allowHeader: true)
    if features.count == labels.count - 1 {  // the first line was a header
      labels.removeFirst()
      lines.removeFirst()
    }
    return TextLabeledTable(features: features, labels: labels, lines: lines)
  }

  /// A CSV of features (`read`); with `dropTextLabels`, a file whose last column holds class names is read without
  /// that column (the inference binary's --targets-included on a file with text labels).
  public static func readFeatures(path: String, expectedColumns: Int?, dropTextLabels: Bool) throws(DataError) -> DataArray {
    do {
      return try read(path: path, expectedColumns: expectedColumns)
    } catch {
      guard dropTextLabels, !error.isColumnCountMismatch, let table = try? readTextLabeled(path: path), let features = table.features else {
        throw error
      }
      return features
    }
  }

  private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

  /// A label field: trimmed, without surrounding double quotes.
  private static func label(_ field: ArraySlice<UInt8>) -> String {
    var text = field.drop { isBlank($0) }
    while let last = text.last, isBlank(last) { text = text.dropLast() }
    if text.count >= 2, text.first == UInt8(ascii: "\""), text.last == UInt8(ascii: "\"") { text = text.dropFirst().dropLast() }
    return String(decoding: text, as: UTF8.self)
  }
}

// MARK: - LabelEncoder

/// scikit-learn's `LabelEncoder`: the sorted distinct labels are classes 0…k−1 (sorted by code point, as NumPy sorts
/// strings).
public struct LabelEncoding: Sendable, Equatable {
  /// The class names; index i is class i.
  public var classes: [String]

  public init(classes: [String]) { self.classes = classes }

  /// Fits the classes to `labels` (`LabelEncoder().fit(labels)`).
  public init(fitting labels: [String]) {
    classes = Set(labels).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// Each label's class index (`transform`); a label outside the classes is an error naming its line.
  /// Labels that mix numbers and names are refused: a stray word in a numeric column is more likely than a class
  /// named "1".
  public func encode(_ table: TextLabeledTable, path: String) throws(DataError) -> [Float] {
    let isNumber = { (text: String) in Float(text) != nil }
    if table.labels.contains(where: isNumber), let i = table.labels.firstIndex(where: { !isNumber($0) }) {
      throw DataError(file: path, line: table.lines[i], "label '\(table.labels[i])' is not a number, but other labels are")
    }
    var index: [String: Int] = [:]
    for (i, name) in classes.enumerated() { index[name] = i }
    var encoded: [Float] = []
    encoded.reserveCapacity(table.labels.count)
    for (label, line) in zip(table.labels, table.lines) {
      guard let k = index[label] else {
        throw DataError(file: path, line: line, "label '\(label)' is not one of the training classes (\(classes.joined(separator: ", ")))")
      }
      encoded.append(Float(k))
    }
    return encoded
  }
}
