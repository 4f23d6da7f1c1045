// TextLabelTests.swift: CSV class columns with names, encoded as LabelEncoder does (sorted → 0…k−1; one-hot for
// categorical crossentropy, one column for binary), kept with the weights and printed by name.
import CheckModels
import Foundation
import PimaModel
import PrecastRuntime
import XCTest

final class TextLabelTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "text-labels-\(getpid())-\(name.filter(\.isLetter))/"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

  private func write(_ name: String, _ text: String) throws -> String {
    let path = directory + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  private func row(_ i: Int, _ label: String, features: Int) -> String {
    (0..<features).map { "\(Double(i * features + $0) / 10)" }.joined(separator: ",") + ",\(label)\n"
  }

  /// Iris-like names with a header: classes sorted, one-hot targets for categorical crossentropy; validation data
  /// takes the training classes (even when it lacks one), and an unseen name is an error naming its line.
  func testCategoricalNamesAreOneHotInSortedOrder() throws {
    let names = ["Iris-virginica", "Iris-setosa", "Iris-versicolor", "Iris-setosa"]
    let path = try write("iris.csv", "a,b,c,d,e,species\n" + names.enumerated().map { row($0, $1, features: 5) }.joined())
    let data = try Dataset.load(features: path, labels: nil, info: CheckCceProbabilities.info)
    XCTAssertEqual(data.classNames, ["Iris-setosa", "Iris-versicolor", "Iris-virginica"])
    XCTAssertEqual(data.y.shape, [4, 3])
    XCTAssertEqual(data.y.values, [0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0])
    XCTAssertEqual(data.x.values[5], 0.5)

    let validation = try write("val.csv", row(0, "Iris-virginica", features: 5) + "\n" + row(1, "Iris-virginica", features: 5))
    let v = try Dataset.load(features: validation, labels: nil, info: CheckCceProbabilities.info, classNames: data.classNames)
    XCTAssertEqual(v.y.values, [0, 0, 1, 0, 0, 1])
    let unseen = try write("unseen.csv", row(0, "Iris-setosa", features: 5) + row(1, "Iris-rose", features: 5))
    XCTAssertThrowsError(try Dataset.load(features: unseen, labels: nil, info: CheckCceProbabilities.info, classNames: data.classNames)) {
      XCTAssertEqual("\($0)", "\(unseen):2: label 'Iris-rose' is not one of the training classes (Iris-setosa, Iris-versicolor, Iris-virginica)")
    }
  }

  /// Sonar's R/M with one sigmoid output: one column, M = 0, R = 1; a sparse model gets the index column.
  func testBinaryAndSparseNames() throws {
    let path = try write("sonar.csv", ["R", "M", "R"].enumerated().map { row($0, $1, features: 8) }.joined())
    let binary = try Dataset.load(features: path, labels: nil, info: Pima.info)
    XCTAssertEqual(binary.classNames, ["M", "R"])
    XCTAssertEqual(binary.y.shape, [3, 1])
    XCTAssertEqual(binary.y.values, [1, 0, 1])
    let labels = try write("labels.csv", "\"cat\"\ndog\n bird \n\ncat\n")
    let features = try write("x.csv", (0..<4).map { i in (0..<5).map { "\(i + $0)" }.joined(separator: ",") + "\n" }.joined())
    let sparse = try Dataset.load(features: features, labels: labels, info: CheckSparseProbabilities.info)
    XCTAssertEqual(sparse.classNames, ["bird", "cat", "dog"])
    XCTAssertEqual(sparse.y.values, [1, 2, 0, 1])
  }

  /// Errors stay one line with the file, line and column: a bad feature, too many classes, a word among numbers,
  /// and names for a regression model (whose targets must be numbers).
  func testErrorsNameFileLineAndColumn() throws {
    let badFeature = try write("bad.csv", row(0, "R", features: 8) + "1,2,x,4,5,6,7,8,M\n")
    XCTAssertThrowsError(try Dataset.load(features: badFeature, labels: nil, info: Pima.info)) {
      XCTAssertEqual("\($0)", "\(badFeature):2: column 3: 'x' is not a number")
    }
    let three = try write("three.csv", ["a", "b", "c"].enumerated().map { row($0, $1, features: 8) }.joined())
    XCTAssertThrowsError(try Dataset.load(features: three, labels: nil, info: Pima.info)) {
      XCTAssertEqual("\($0)", "\(three): 3 classes (a, b, c) for a model with 1 output(s), which takes at most 2")
    }
    let mixed = try write("mixed.csv", ["0", "1", "yes"].enumerated().map { row($0, $1, features: 8) }.joined())
    XCTAssertThrowsError(try Dataset.load(features: mixed, labels: nil, info: Pima.info)) {
      XCTAssertEqual("\($0)", "\(mixed):3: label 'yes' is not a number, but other labels are")
    }
    let regression = try write("reg.csv", row(0, "high", features: 5) + row(1, "low", features: 5))
    XCTAssertThrowsError(try Dataset.load(features: regression, labels: nil, info: CheckMse.info)) {
      XCTAssertEqual("\($0)", "\(regression):2: column 6: 'low' is not a number")
    }
  }

  /// The class names travel with the weights (`.h5`, `.weights.h5`, `.keras`) and name the predicted classes.
  func testClassNamesAreSavedAndPrinted() throws {
    let model = Pima(maxBatch: 2)
    model.initializeParameters(seed: 2)
    for name in ["names.h5", "names.weights.h5", "names.keras"] {
      let path = directory + name
      try model.saveWeights(path: path, format: weightFormat(forPath: path), preprocessing: Preprocessing(classNames: ["M", "R"]))
      XCTAssertEqual(try Pima(maxBatch: 1).loadWeights(path: path).classNames, ["M", "R"], name)
    }
    let y = DataArray(shape: [3, 1], values: [0.2, 0.7, 0.5])
    XCTAssertEqual(formatPredictions(y, classes: true, names: ["M", "R"]), "M\nR\nM\n")
    XCTAssertEqual(formatPredictions(y, classes: true, names: nil), "0\n1\n0\n")
    let softmax = DataArray(shape: [2, 3], values: [0.1, 0.7, 0.2, 0.5, 0.2, 0.3])
    XCTAssertEqual(formatPredictions(softmax, classes: true, names: ["a", "b", "c"]), "b\na\n")
  }

  /// Starting weights saved with other classes are refused: the labels would be numbered differently.
  func testStartingWeightsWithOtherClassesAreRefused() {
    var preprocessing = Preprocessing(classNames: ["M", "R"])
    XCTAssertThrowsError(try preprocessing.adoptClassNames(["M", "R", "X"], weightsPath: "w.h5")) {
      XCTAssertEqual("\($0)", "w.h5 was trained on the classes M, R; the data's labels are M, R, X")
    }
    XCTAssertNoThrow(try preprocessing.adoptClassNames(["M", "R"], weightsPath: "w.h5"))
  }
}
