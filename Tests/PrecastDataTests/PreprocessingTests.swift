// PreprocessingTests.swift: tests of DataArray slicing, DataLoader dispatch, Standardizer and oneHot.

import XCTest

@testable import PrecastData

final class PreprocessingTests: XCTestCase {
  // MARK: - DataArray

  func testCountAndSampleSize() {
    XCTAssertEqual(DataArray(shape: [4, 2, 3], values: Array(repeating: 0, count: 24)).sampleSize, 6)
    XCTAssertEqual(DataArray(shape: [4], values: [1, 2, 3, 4]).sampleSize, 1)
    XCTAssertEqual(DataArray(shape: [], values: [5]).count, 0)
  }

  func testRowsAndColumns() {
    let array = DataArray(shape: [3, 2, 2], values: (0..<12).map(Float.init))
    XCTAssertEqual(array.rows(1..<3), DataArray(shape: [2, 2, 2], values: (4..<12).map(Float.init)))
    XCTAssertEqual(array.rows(2..<10), DataArray(shape: [1, 2, 2], values: (8..<12).map(Float.init)))
    XCTAssertEqual(array.rows(5..<9).shape, [0, 2, 2])
    let table = DataArray(shape: [2, 4], values: [1, 2, 3, 4, 5, 6, 7, 8])
    XCTAssertEqual(table.columns(0..<3), DataArray(shape: [2, 3], values: [1, 2, 3, 5, 6, 7]))
    XCTAssertEqual(table.columns(3..<4), DataArray(shape: [2, 1], values: [4, 8]))
    XCTAssertEqual(table.columns(3..<99), DataArray(shape: [2, 1], values: [4, 8]))
    XCTAssertEqual(array.columns(1..<2), DataArray(shape: [3, 1], values: [1, 5, 9]))
  }

  func testSlicingInconsistentArraysDoesNotCrash() {
    let short = DataArray(shape: [4, 3], values: [1, 2, 3, 4, 5])
    XCTAssertEqual(short.rows(0..<4).values, [1, 2, 3, 4, 5])
    XCTAssertEqual(short.columns(0..<1).values, [1])
    let negative = DataArray(shape: [2, -3], values: [1, 2])
    XCTAssertEqual(negative.sampleSize, 0)
    XCTAssertEqual(negative.rows(0..<2).values, [])
    XCTAssertEqual(DataArray(shape: [1, Int.max, 4], values: []).sampleSize, 0)
    XCTAssertEqual(DataArray(shape: [], values: [5]).rows(0..<1), DataArray(shape: [0], values: []))
  }

  // MARK: - DataLoader

  func testLoaderFormats() {
    XCTAssertEqual(DataLoader.format(of: "a/b.CSV"), .csv)
    XCTAssertEqual(DataLoader.format(of: "x.txt"), .csv)
    XCTAssertEqual(DataLoader.format(of: "x.npy"), .npy)
    XCTAssertEqual(DataLoader.format(of: "train-images-idx3-ubyte.gz"), .idx)
    XCTAssertEqual(DataLoader.format(of: "train-labels-idx1-ubyte"), .idx)
    XCTAssertEqual(DataLoader.format(of: "data/labels.idx1"), .idx)
    XCTAssertEqual(DataLoader.format(of: "x.idx"), .idx)
    XCTAssertEqual(DataLoader.format(of: "x.csv.gz"), .gzipCSV)
    XCTAssertEqual(DataLoader.format(of: "x.npy.gz"), .gzipNPY)
    XCTAssertNil(DataLoader.format(of: "model.h5"))
    XCTAssertNil(DataLoader.format(of: "dir.csv/README"))
  }

  func testLoaderUnknownExtension() {
    assertError("model.h5: unsupported file type '.h5' (supported: .csv, .txt, .npy, .idx, .gz") {
      () throws(DataError) in try DataLoader.load(path: "model.h5")
    }
  }

  func testLoaderReadsCSVWithHeaderAndNPY() throws {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let csv = try dir.write("t.csv", text: "x,y\n1,2\n3,4\n")
    let expected = DataArray(shape: [2, 2], values: [1, 2, 3, 4])
    XCTAssertEqual(try DataLoader.load(path: csv), expected)
    let npy = dir.path("t.npy")
    try NPYWriter.write(expected, path: npy)
    XCTAssertEqual(try DataLoader.load(path: npy), expected)
  }

  // MARK: - Standardizer

  func testStandardizerKnownStatistics() {
    let x = DataArray(shape: [4, 2], values: [1, 10, 2, 20, 3, 30, 4, 40])
    let scaler = Standardizer.fit(x)
    XCTAssertEqual(scaler.mean, [2.5, 25])
    XCTAssertEqual(scaler.std[0], 1.118034, accuracy: 1e-6)  // population std of 1...4 = sqrt(1.25)
    XCTAssertEqual(scaler.std[1], 11.18034, accuracy: 1e-5)
    var y = x
    scaler.apply(to: &y)
    let expected: [Float] = [-1.341641, -0.447214, 0.447214, 1.341641]
    for row in 0..<4 {
      XCTAssertEqual(y.values[2 * row], expected[row], accuracy: 1e-5)
      XCTAssertEqual(y.values[2 * row + 1], expected[row], accuracy: 1e-5)
    }
  }

  func testStandardizerZeroVarianceColumn() {
    let x = DataArray(shape: [3, 2], values: [0.1, 1, 0.1, 2, 0.1, 3])
    let scaler = Standardizer.fit(x)
    XCTAssertEqual(scaler.mean[0], 0.1)
    XCTAssertEqual(scaler.std[0], 1)
    var y = x
    scaler.apply(to: &y)
    XCTAssertEqual([y.values[0], y.values[2], y.values[4]], [0, 0, 0])
    XCTAssertEqual(y.values[3], 0)
  }

  func testStandardizerImageShapeAndMismatch() {
    let x = DataArray(shape: [2, 1, 2], values: [0, 4, 2, 8])
    let scaler = Standardizer.fit(x)
    XCTAssertEqual(scaler, Standardizer(mean: [1, 6], std: [1, 2]))
    var wrong = DataArray(shape: [1, 3], values: [1, 2, 3])
    scaler.apply(to: &wrong)
    XCTAssertEqual(wrong.values, [1, 2, 3])
    XCTAssertEqual(Standardizer.fit(DataArray(shape: [0, 2], values: [])), Standardizer(mean: [0, 0], std: [1, 1]))
  }

  // MARK: - oneHot

  func testOneHotValues() throws {
    let encoded = try oneHot(DataArray(shape: [3, 1], values: [2, 0, 1]), classes: 3)
    XCTAssertEqual(encoded, DataArray(shape: [3, 3], values: [0, 0, 1, 1, 0, 0, 0, 1, 0]))
  }

  func testOneHotErrors() {
    let labels = DataArray(shape: [6], values: [0, 1, 2, 3, 4, 11])
    guard let error = captureError({ () throws(DataError) in try oneHot(labels, classes: 10) }) else { return }
    XCTAssertEqual(error.description, "label 11 at row 5 is outside 0..<10")
    assertError("label -1 at row 0 is outside 0..<10") { () throws(DataError) in
      try oneHot(DataArray(shape: [1], values: [-1]), classes: 10)
    }
    assertError("label 1.5 at row 1 is not a whole number") { () throws(DataError) in
      try oneHot(DataArray(shape: [2], values: [0, 1.5]), classes: 10)
    }
    assertError("labels must hold one value per sample") { () throws(DataError) in
      try oneHot(DataArray(shape: [1, 2], values: [0, 1]), classes: 10)
    }
    assertError("the number of classes must be positive") { () throws(DataError) in
      try oneHot(DataArray(shape: [1], values: [0]), classes: 0)
    }
  }
}
