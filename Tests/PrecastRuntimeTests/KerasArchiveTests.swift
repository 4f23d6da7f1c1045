// KerasArchiveTests.swift: `.keras` archives read (Keras's fixtures, deflated members), written (config.json with the
// compile config, metadata.json, weights with optimizer state and class names), and refused with one-line errors.
import Foundation
import PimaModel
import PrecastRuntime
import PrecastTestSupport
import XCTest

final class KerasArchiveTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "keras-archive-\(getpid())-\(name.filter(\.isLetter))/"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  // MARK: Reading

  /// Keras writes its members stored; a `.keras` re-zipped with deflate (Python's ZIP_DEFLATED) reads the same.
  func testDeflatedArchiveGivesKerasPredictions() throws {
    let x = try CSVReader.read(path: fixture("tab.input.csv")), expected = try CSVReader.read(path: fixture("tab.output.csv"))
    for name in ["tab.keras", "tab.deflated.keras"] {
      let model = Pima(maxBatch: 8)
      try model.loadWeights(path: fixture(name))
      let y = model.predictAll(x)
      try assertClose(y.values, expected.values, tolerance: 1e-5, name)
    }
  }

  /// The optimizer state inside Keras's `.keras` (Adam after one step) is what `--resume` restores.
  func testKerasArchiveOptimizerStateIsRead() throws {
    let source = try KerasArchive.weightsSource(path: fixture("tab.keras"))
    let state = try XCTUnwrap(try KerasWeightFile.readOptimizer(source))
    XCTAssertEqual(state.iterations, 1)
    XCTAssertEqual(state.slots.count, 12)  // m and v of 6 variables
  }

  // MARK: Writing

  /// Precast's `.keras` holds metadata.json, config.json (the model config plus Keras 3's compile_config) and
  /// model.weights.h5 with weights, optimizer state, preprocessing and class names, all read back exactly.
  func testWrittenArchiveRoundTrips() throws {
    let model = Pima(maxBatch: 4)
    model.initializeParameters(seed: 5)
    let preprocessing = Preprocessing(
      standardizer: Standardizer(mean: Array(repeating: 1, count: 8), std: Array(repeating: 2, count: 8)), classNames: ["neg", "pos"])
    let trainer = Trainer(model: model, preprocessing: preprocessing, optimizer: .sgd(learningRate: 0.05, momentum: 0.9))
    var rng = Random(seed: 1)
    let x = (0..<32).map { Float($0 % 7) / 7 }, y: [Float] = [0, 1, 1, 0]
    _ = trainer.trainOnBatch(x, targets: y, count: 4, rng: &rng)
    let path = directory + "pima.keras"
    try model.saveWeights(path: path, format: weightFormat(forPath: path), preprocessing: preprocessing, optimizer: trainer.optimizer)

    let archive = try ZipArchive.read(path: path)
    XCTAssertEqual(archive.members.map(\.name), ["metadata.json", "config.json", "model.weights.h5"])
    XCTAssertEqual(archive.members.map(\.method), [0, 0, 0], "Keras stores its members uncompressed")
    let metadata = try jsonObject(try XCTUnwrap(try archive.contents(of: "metadata.json")))
    XCTAssertEqual(metadata["keras_version"] as? String, "3.15.1")
    XCTAssertNotNil((metadata["date_saved"] as? String)?.range(of: #"^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$"#, options: .regularExpression))
    let config = try jsonObject(try XCTUnwrap(try archive.contents(of: "config.json")))
    XCTAssertEqual(config["class_name"] as? String, "Sequential")
    let compile = try XCTUnwrap(config["compile_config"] as? [String: Any])
    XCTAssertEqual(compile["loss"] as? String, "binary_crossentropy")
    XCTAssertEqual(compile["metrics"] as? [String], ["accuracy"])
    let optimizer = try XCTUnwrap(compile["optimizer"] as? [String: Any])
    XCTAssertEqual(optimizer["class_name"] as? String, "SGD")
    let optimizerConfig = try XCTUnwrap(optimizer["config"] as? [String: Any])
    XCTAssertEqual(optimizerConfig["momentum"] as? Double ?? .nan, 0.9, accuracy: 1e-7)
    XCTAssertEqual(optimizerConfig["learning_rate"] as? Double ?? .nan, 0.05, accuracy: 1e-7)

    let copy = Pima(maxBatch: 4)
    XCTAssertEqual(try copy.loadWeights(path: path), preprocessing)
    XCTAssertEqual(parameters(copy), parameters(model))
    let resumed = Trainer(model: Pima(maxBatch: 4), preprocessing: Preprocessing(), optimizer: .sgd(learningRate: 0.05, momentum: 0.9))
    XCTAssertEqual(try resumed.resume(from: path).epoch, 0)
    XCTAssertEqual(resumed.optimizer.iterations, 1)
    XCTAssertEqual(resumed.preprocessing.classNames, ["neg", "pos"])
    XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp\(getpid())"), "the temporary file is renamed into place")
  }

  // MARK: Bad archives

  /// Every broken `.keras` is one line naming the file and what is wrong with it.
  func testBadArchivesAreOneLineErrors() throws {
    let good = try Data(contentsOf: URL(fileURLWithPath: fixture("tab.keras")))
    let cases: [(String, Data, String)] = [
      ("not-zip.keras", Data("hello, I am not a zip archive at all".utf8), "not a zip archive"),
      ("truncated.keras", good.prefix(good.count / 2), "truncated zip archive"),
      ("no-weights.keras", try rezip(dropping: "model.weights.h5"), "no model.weights.h5 in the archive"),
      ("bzip2.keras", try withMethod(12, member: "model.weights.h5", in: good), "uses compression method 12"),
      ("bad-config.keras", try rezip(replacing: "config.json", with: Data("{\"class_name\": \"Sequential\", ".utf8)), "config.json is not JSON"),
      ("bad-crc.keras", try flipped(good, inside: "model.weights.h5"), "fails its CRC-32 check"),
    ]
    for (name, bytes, problem) in cases {
      let path = directory + name
      try bytes.write(to: URL(fileURLWithPath: path))
      XCTAssertThrowsError(try Pima(maxBatch: 1).loadWeights(path: path), name) { error in
        let message = "\(error)"
        XCTAssertTrue(message.hasPrefix(path + ": ") && message.contains(problem), "\(name): \(message)")
        XCTAssertFalse(message.contains("\n"), name)
      }
    }
  }

  /// A `.keras` of another architecture names the layer and both shapes, as for every weights file.
  func testArchiveOfAnotherArchitectureNamesTheLayer() {
    XCTAssertThrowsError(try Pima(maxBatch: 1).loadWeights(path: fixture("mlp.keras"))) { error in
      let message = "\(error)"
      XCTAssertTrue(message.hasPrefix(fixture("mlp.keras") + "/model.weights.h5: "), message)
      XCTAssertTrue(message.contains("[784, 512]") && message.contains("[8, 12]"), message)
    }
  }

  // MARK: Helpers

  private func parameters<M: CompiledModel>(_ model: M) -> [Float] {
    Array(UnsafeBufferPointer(start: model.parameters, count: M.info.parameterCount))
  }

  private func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
    try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
  }

  /// tab.keras with one member dropped or replaced, written by Precast's own zip writer.
  private func rezip(dropping: String? = nil, replacing: String? = nil, with replacement: Data = Data()) throws -> Data {
    let archive = try ZipArchive.read(path: fixture("tab.keras"))
    var members: [(name: String, bytes: [UInt8])] = []
    for member in archive.members where member.name != dropping {
      members.append((member.name, member.name == replacing ? Array(replacement) : try XCTUnwrap(try archive.contents(of: member.name))))
    }
    return Data(try ZipWriter.archive(members, modified: .now()))
  }

  /// `archive` with `member`'s compression method set to `method` in its local header and central directory entry.
  private func withMethod(_ method: UInt16, member: String, in archive: Data) throws -> Data {
    var bytes = [UInt8](archive)
    let entry = try XCTUnwrap(try ZipArchive(bytes: bytes, name: "x").member(member))
    bytes[entry.localHeaderOffset + 8] = UInt8(method & 0xFF)
    let name = Array(member.utf8)
    for i in 0..<(bytes.count - 46 - name.count) where bytes[i..<(i + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02]) && Array(bytes[(i + 46)..<(i + 46 + name.count)]) == name {
      bytes[i + 10] = UInt8(method & 0xFF)
    }
    return Data(bytes)
  }

  /// `data` with one byte inside `member`'s stored contents changed.
  private func flipped(_ data: Data, inside member: String) throws -> Data {
    var bytes = [UInt8](data)
    let entry = try XCTUnwrap(try ZipArchive(bytes: bytes, name: "x").member(member))
    bytes[entry.localHeaderOffset + 30 + member.utf8.count + entry.compressedSize / 2] ^= 0x5A
    return Data(bytes)
  }
}

/// Fails unless every pair is within `tolerance` (NaN anywhere fails).
func assertClose(_ got: [Float], _ expected: [Float], tolerance: Float, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
  XCTAssertEqual(got.count, expected.count, label, file: file, line: line)
  var worst: Float = 0
  for (a, b) in zip(got, expected) {
    let difference = abs(a - b)
    guard difference <= tolerance else {
      return XCTFail("\(label): \(a) vs \(b) (|Δ| \(difference) > \(tolerance))", file: file, line: line)
    }
    worst = max(worst, difference)
  }
  print("\(label): max |Δ| = \(worst)")
}
