// CSVReaderTests.swift: tests of the numbers-only CSV reader.

import Glibc
import PrecastTestSupport
import XCTest

@testable import PrecastData

final class CSVReaderTests: XCTestCase {
  // MARK: - Good input

  func testReadsGoodFile() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let path = try dir.write("good.csv", text: "1,2,3\n4.5,-6e2,0.125\n")
    let array = try CSVReader.read(path: path)
    XCTAssertEqual(array, DataArray(shape: [2, 3], values: [1, 2, 3, 4.5, -600, 0.125]))
    XCTAssertEqual(array.count, 2)
    XCTAssertEqual(array.sampleSize, 3)
  }

  func testNoTrailingNewlineAndBlankLines() throws {
    let array = try CSVReader.parse(Array("\n1,2\n\n   \n3,4".utf8), name: "x.csv")
    XCTAssertEqual(array, DataArray(shape: [2, 2], values: [1, 2, 3, 4]))
  }

  func testCRLFAndWhitespace() throws {
    let text = "\u{FEFF} 1 ,\t2\r\n3,  4  \r\n\r\n"
    let array = try CSVReader.parse(Array(text.utf8), name: "crlf.csv")
    XCTAssertEqual(array, DataArray(shape: [2, 2], values: [1, 2, 3, 4]))
  }

  func testSingleColumn() throws {
    let array = try CSVReader.parse(Array("7\n8\n9\n".utf8), name: "col.csv")
    XCTAssertEqual(array, DataArray(shape: [3, 1], values: [7, 8, 9]))
  }

  func testExactFloat32RoundTrip() throws {
    let array = try CSVReader.parse(Array("1.16897559,-0.373477578,3.40282347e+38,1e-45\n".utf8), name: "f.csv")
    XCTAssertEqual(array.values, [1.16897559, -0.373477578, Float.greatestFiniteMagnitude, Float.leastNonzeroMagnitude])
  }

  // MARK: - Header

  func testHeaderSkippedOnlyWhenAllowed() throws {
    let bytes = Array("a,b,c\r\n1,2,3\r\n".utf8)
    let array = try CSVReader.parse(bytes, name: "h.csv", allowHeader: true)
    XCTAssertEqual(array, DataArray(shape: [1, 3], values: [1, 2, 3]))
    assertError("h.csv:1: column 1: 'a' is not a number") { () throws(DataError) in
      try CSVReader.parse(bytes, name: "h.csv")
    }
  }

  func testNumericFirstLineIsDataEvenWithAllowHeader() throws {
    let array = try CSVReader.parse(Array("1,2\n3,4\n".utf8), name: "n.csv", allowHeader: true)
    XCTAssertEqual(array.shape, [2, 2])
    assertError("n.csv:1: expected 3 columns, found 2") { () throws(DataError) in
      try CSVReader.parse(Array("1,2\n3,4\n".utf8), name: "n.csv", expectedColumns: 3, allowHeader: true)
    }
  }

  func testHeaderOnlyHasNoDataRows() {
    assertError("h.csv: no data rows") { () throws(DataError) in
      try CSVReader.parse(Array("x,y\n".utf8), name: "h.csv", allowHeader: true)
    }
  }

  // MARK: - Errors

  func testWrongColumnCountNamesLine() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let path = try dir.write("cols.csv", text: "1,2,3\n4,5,6\n\n7,8\n")
    guard let error = captureError({ () throws(DataError) in try CSVReader.read(path: path) }) else { return }
    XCTAssertEqual(error.description, "\(path):4: expected 3 columns, found 2")
    XCTAssertEqual(error.line, 4)
    assertError("\(path):2: expected 3 columns, found 4") { () throws(DataError) in
      try CSVReader.parse(Array("1,2,3\n4,5,6,7\n".utf8), name: path)
    }
  }

  func testExpectedColumns() throws {
    XCTAssertEqual(try CSVReader.parse(Array("1,2\n".utf8), name: "e.csv", expectedColumns: 2).shape, [1, 2])
    assertError("e.csv:1: expected 9 columns, found 8") { () throws(DataError) in
      try CSVReader.parse(Array("1,2,3,4,5,6,7,8\n".utf8), name: "e.csv", expectedColumns: 9)
    }
  }

  func testNonNumberNamesLineAndColumn() {
    assertError("bad.csv:2: column 3: 'abc' is not a number") { () throws(DataError) in
      try CSVReader.parse(Array("1,2,3\n4,5, abc ,6\n".utf8), name: "bad.csv")
    }
    assertError("bad.csv:1: column 2: '12x' is not a number") { () throws(DataError) in
      try CSVReader.parse(Array("1,12x\n".utf8), name: "bad.csv")
    }
    assertError("bad.csv:1: column 2: '' is not a number") { () throws(DataError) in
      try CSVReader.parse(Array("1,,3\n".utf8), name: "bad.csv")
    }
    assertError("bad.csv:1: column 3: '' is not a number") { () throws(DataError) in
      try CSVReader.parse(Array("1,2,\n".utf8), name: "bad.csv")
    }
    assertError("bad.csv:1: column 1: '1 2' is not a number") { () throws(DataError) in
      try CSVReader.parse(Array("1 2\n".utf8), name: "bad.csv")
    }
  }

  func testNonFiniteRejected() {
    assertError("f.csv:1: column 3: 'nan' is not a finite number") { () throws(DataError) in
      try CSVReader.parse(Array("1,2,nan\n".utf8), name: "f.csv")
    }
    assertError("f.csv:1: column 1: '-inf' is not a finite number") { () throws(DataError) in
      try CSVReader.parse(Array("-inf,2,3\n".utf8), name: "f.csv")
    }
    assertError("f.csv:1: column 2: '1e999' is not a finite number") { () throws(DataError) in
      try CSVReader.parse(Array("1,1e999\n".utf8), name: "f.csv")
    }
  }

  func testEmptyAndBlankFiles() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let empty = try dir.write("empty.csv", [])
    guard let error = captureError({ () throws(DataError) in try CSVReader.read(path: empty) }) else { return }
    XCTAssertEqual(error.description, "\(empty): no data rows")
    assertError("blank.csv: no data rows") { () throws(DataError) in
      try CSVReader.parse(Array("\n \r\n\n".utf8), name: "blank.csv")
    }
  }

  func testMissingFile() {
    assertError("/nonexistent/precast/missing.csv: cannot open (No such file or directory)") { () throws(DataError) in
      try CSVReader.read(path: "/nonexistent/precast/missing.csv")
    }
    assertError("/tmp: is a directory") { () throws(DataError) in try CSVReader.read(path: "/tmp") }
  }

  func testEmbeddedNulIsRejected() {
    assertError("z.csv:1: column 2: ") { () throws(DataError) in
      try CSVReader.parse([0x31, 0x2C, 0x00, 0x32, 0x0A], name: "z.csv")
    }
  }

  // MARK: - Standard input

  func testStdinStyleParse() throws {
    let array = try CSVReader.parse(Array("0.5,1\n2,3\n".utf8), name: "<stdin>", expectedColumns: 2)
    XCTAssertEqual(array, DataArray(shape: [2, 2], values: [0.5, 1, 2, 3]))
    assertError("<stdin>:2: column 1: 'x' is not a number") { () throws(DataError) in
      try CSVReader.parse(Array("1\nx\n".utf8), name: "<stdin>")
    }
  }

  func testReadStandardInput() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let path = try dir.write("stdin.csv", text: "1,2\n3,4\n")
    let saved = dup(STDIN_FILENO)
    let input = open(path, O_RDONLY)
    XCTAssertGreaterThanOrEqual(saved, 0)
    XCTAssertGreaterThanOrEqual(input, 0)
    dup2(input, STDIN_FILENO)
    close(input)
    defer {
      dup2(saved, STDIN_FILENO)
      close(saved)
    }
    XCTAssertEqual(try CSVReader.readStandardInput(expectedColumns: 2), DataArray(shape: [2, 2], values: [1, 2, 3, 4]))
  }

  // MARK: - Fixtures

  func testKerasFixtureCSVMatchesNPY() throws {
    let csvPath = fixture("tab.input.csv")
    let npyPath = fixture("tab.input.npy")
    guard fileExists(csvPath), fileExists(npyPath) else {
      XCTFail("missing vendored fixtures \(csvPath) / \(npyPath)")
      return
    }
    let csv = try CSVReader.read(path: csvPath)
    let npy = try NPYReader.read(path: npyPath)
    XCTAssertEqual(csv.shape, [8, 8])
    XCTAssertEqual(npy.shape, [8, 8])
    XCTAssertEqual(csv.values.count, npy.values.count)
    for (a, b) in zip(csv.values, npy.values) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    XCTAssertEqual(try DataLoader.load(path: csvPath), try DataLoader.load(path: npyPath))
  }

  // MARK: - Performance

  func testLargeInputParses() throws {
    var text = ""
    for row in 0..<20_000 { text += "\(row),\(Double(row) * 0.5),-1.25e-3\n" }
    let array = try CSVReader.parse(Array(text.utf8), name: "big.csv")
    XCTAssertEqual(array.shape, [20_000, 3])
    XCTAssertEqual(array.values[3 * 19_999 + 1], 9_999.5)
  }
}
