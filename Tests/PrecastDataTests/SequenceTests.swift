// SequenceTests.swift: Keras's pad_sequences and the IMDB tutorial's vectorize_sequences, and the sequence reader.
@testable import PrecastData
import XCTest

final class SequenceTests: XCTestCase {
  /// pad_sequences([[1, 2, 3], [4, 5, 6, 7, 8], []], maxlen 4) as Keras computes it for each padding/truncating side.
  func testPadSequencesMatchesKeras() {
    let s = [[1, 2, 3], [4, 5, 6, 7, 8], [Int]()]
    XCTAssertEqual(padSequences(s, maxlen: 4).values, [0, 1, 2, 3, 5, 6, 7, 8, 0, 0, 0, 0])
    XCTAssertEqual(padSequences(s, maxlen: 4, padding: .post).values, [1, 2, 3, 0, 5, 6, 7, 8, 0, 0, 0, 0])
    XCTAssertEqual(padSequences(s, maxlen: 4, truncating: .post).values, [0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0])
    XCTAssertEqual(padSequences(s, maxlen: 4, padding: .post, truncating: .post, value: 9).values, [1, 2, 3, 9, 4, 5, 6, 7, 9, 9, 9, 9])
    XCTAssertEqual(padSequences(s, maxlen: 4).shape, [3, 4])
  }

  /// vectorize_sequences: 1 at each index present (repeats count once), indices past the dimension dropped.
  func testMultiHot() {
    let m = multiHot([[0, 3, 3], [9, 1]], dimension: 5)
    XCTAssertEqual(m.shape, [2, 5])
    XCTAssertEqual(m.values, [1, 0, 0, 1, 0, 0, 1, 0, 0, 0])
  }

  /// One sequence per line, spaces or commas; an empty line is an empty sequence; a bad value names line and column.
  func testReadSequences() throws {
    let path = NSTemporaryDirectory() + "sequences.txt"
    try "1 2 3\n4,5\n\n7\n".write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertEqual(try readSequences(path: path), [[1, 2, 3], [4, 5], [], [7]])
    try "1 2\n3 x\n".write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try readSequences(path: path)) { error in
      XCTAssertTrue("\(error)".contains("line 2, value 2: 'x'"), "\(error)")
    }
  }

  /// GloVe text vectors become the tutorial's embedding matrix: row k for the vocabulary's k-th word, row 0 and
  /// missing words zeros; a vector of the wrong length names its line.
  func testGloveMatrix() throws {
    let path = NSTemporaryDirectory() + "glove.txt"
    try "the 0.1 0.2 0.3\ncat -1 0 1\nzebra 5 5 5\n".write(toFile: path, atomically: true, encoding: .utf8)
    let (rows, found) = try gloveMatrix(path: path, vocabulary: ["cat", "dog", "the"], dimension: 3)
    XCTAssertEqual(found, 2)
    XCTAssertEqual(rows, [0, 0, 0, -1, 0, 1, 0, 0, 0, 0.1, 0.2, 0.3])
    XCTAssertThrowsError(try gloveMatrix(path: path, vocabulary: ["cat"], dimension: 4)) { error in
      XCTAssertTrue("\(error)".contains("line 2: 'cat' has 3 values, the Embedding has output_dim 4"), "\(error)")
    }
  }
}
