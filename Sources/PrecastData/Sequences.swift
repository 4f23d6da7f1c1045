// Sequences.swift: integer sequences of varying length (tokenised text) and Keras's ways of making them fixed-size.

/// Where `padSequences` pads or cuts: before the sequence (Keras's default) or after it.
public enum SequenceSide: String, Sendable, Equatable {
  case pre, post
}

/// Reads one integer sequence per line (values separated by spaces or commas; an empty line is an empty
/// sequence), e.g. a tokenised review per line. A value that is not a whole number names its line and column.
public func readSequences(path: String) throws(DataError) -> [[Int]] {
  let text = String(decoding: try FileIO.readAll(path: path), as: UTF8.self)
  var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
  if lines.last?.isEmpty == true { lines.removeLast() }  // the file's final newline
  var sequences: [[Int]] = []
  for (number, line) in lines.enumerated() {
    var row: [Int] = []
    for (column, field) in line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\r" }).enumerated() {
      guard let value = Int(field), value >= 0 else {
        throw DataError(file: path, "line \(number + 1), value \(column + 1): '\(field)' is not a non-negative integer")
      }
      row.append(value)
    }
    sequences.append(row)
  }
  return sequences
}

/// Keras's `pad_sequences(sequences, maxlen, padding, truncating, value)`: each sequence cut to its last (`.pre`)
/// or first (`.post`) `maxlen` values, then filled with `value` before (`.pre`) or after (`.post`) → [n, maxlen].
public func padSequences(
  _ sequences: [[Int]], maxlen: Int, padding: SequenceSide = .pre, truncating: SequenceSide = .pre, value: Float = 0
) -> DataArray {
  var values = [Float](repeating: value, count: sequences.count * maxlen)
  for (row, sequence) in sequences.enumerated() {
    let kept = sequence[keptRange(count: sequence.count, maxlen: maxlen, truncating: truncating)]
    let start = row * maxlen + (padding == .pre ? maxlen - kept.count : 0)
    for (i, token) in kept.enumerated() { values[start + i] = Float(token) }
  }
  return DataArray(shape: [sequences.count, maxlen], values: values)
}

/// The positions of a sequence of `count` values that `padSequences` keeps: all of them, or the last (`.pre`) or
/// first (`.post`) `maxlen`.
public func keptRange(count: Int, maxlen: Int, truncating: SequenceSide) -> Range<Int> {
  guard count > maxlen else { return 0..<count }
  return truncating == .pre ? (count - maxlen)..<count : 0..<maxlen
}

/// The IMDB tutorial's `vectorize_sequences(sequences, dimension)`: row i has 1 at every index in sequence i
/// (indices ≥ dimension are dropped; the loaders refuse them first) → [n, dimension], as bytes: 25,000 reviews take 250 MB, not 1 GB of floats.
public func multiHot(_ sequences: [[Int]], dimension: Int) -> ByteArray {
  var values = [UInt8](repeating: 0, count: sequences.count * dimension)
  for (row, sequence) in sequences.enumerated() {
    for token in sequence where token < dimension { values[row * dimension + token] = 1 }
  }
  return ByteArray(shape: [sequences.count, dimension], values: values)
}

// MARK: - Pretrained word vectors

/// Reads word vectors in GloVe's text format (`word v1 v2 …`, one word per line) for the words of `vocabulary`,
/// returning the rows of an embedding matrix [vocabulary.count + 1, dimension] as the Keras tutorial builds it:
/// row i + 1 for vocabulary[i] (index 0 is padding), zeros for words the file does not have. Also returns how
/// many words were found. Every vector must have `dimension` values.
public func gloveMatrix(path: String, vocabulary: [String], dimension: Int) throws(DataError) -> (rows: [Float], found: Int) {
  let text = String(decoding: try FileIO.readAll(path: path), as: UTF8.self)
  var index: [Substring: Int] = [:]
  for (i, word) in vocabulary.enumerated() where index[Substring(word)] == nil { index[Substring(word)] = i + 1 }
  var rows = [Float](repeating: 0, count: (vocabulary.count + 1) * dimension)
  var found = 0
  for (number, line) in text.split(separator: "\n").enumerated() {
    guard let space = line.firstIndex(of: " ") else { continue }
    guard let row = index[line[..<space]] else { continue }
    let values = line[line.index(after: space)...].split(separator: " ").compactMap { Float($0) }
    guard values.count == dimension else {
      throw DataError(file: path, "line \(number + 1): '\(line[..<space])' has \(values.count) values, the Embedding has output_dim \(dimension)")
    }
    for (k, v) in values.enumerated() { rows[row * dimension + k] = v }
    found += 1
    index[line[..<space]] = nil
  }
  return (rows, found)
}
