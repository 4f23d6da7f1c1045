// AtomicWriteTests.swift: writes go through "<path>.tmp<pid>" + fsync + rename and leave no temporary file behind.

import Foundation
import XCTest

@testable import PrecastHDF5

final class AtomicWriteTests: XCTestCase {
  private var directory: TemporaryDirectory!

  override func setUpWithError() throws { directory = try TemporaryDirectory() }
  override func tearDown() { directory.remove() }

  private let layers = [Models.dense("dense", 2, 1)]
  private let values: [[Float]] = [[0.5, -0.5], [0.25]]

  private func write(_ path: String, _ format: KerasWeightFormat, values: [[Float]]? = nil) throws {
    try KerasWeightFile.write(
      path: path, format: format, modelName: "m", layers: layers, values: values ?? self.values, modelConfig: nil,
      extras: ["feature_mean": [1, 2]])
  }

  func testWriteIntoMissingDirectoryThrowsAndLeavesNoTempFile() {
    let path = directory.file("missing/model.h5")
    for format in [KerasWeightFormat.legacyModel, .kerasWeights] {
      assertHDF5Error(["\(path): cannot write (No such file or directory)"]) { try write(path, format) }
    }
    XCTAssertEqual(try directory.contents(), [])
  }

  func testSuccessfulWriteLeavesOnlyTheTarget() throws {
    for format in [KerasWeightFormat.legacyModel, .kerasWeights] {
      try write(directory.file("model.\(format.rawValue)"), format)
    }
    XCTAssertEqual(try directory.contents(), ["model.h5", "model.weights.h5"])
  }

  func testOverwriteReplacesAndFailedWriteKeepsOldFile() throws {
    let path = directory.file("model.h5")
    try write(path, .legacyModel)
    try write(path, .legacyModel, values: [[1, 2], [3]])
    XCTAssertEqual(try KerasWeightFile.read(path: path, layers: layers).values, [[1, 2], [3]])
    assertHDF5Error(["got 1 value arrays for 2 weights"]) { try write(path, .legacyModel, values: [[9, 9]]) }
    XCTAssertEqual(try KerasWeightFile.read(path: path, layers: layers).values, [[1, 2], [3]])
    XCTAssertEqual(try directory.contents(), ["model.h5"])
  }

  /// The trainer writes its epoch checkpoint on a background thread while a callback may write another file: the
  /// serial libhdf5 is used by one thread at a time (both used to build an "in-memory.h5" at once and fail).
  func testConcurrentWritersDoNotCollide() throws {
    let failures = Failures()
    let (layers, folder) = (self.layers, directory.file(""))
    DispatchQueue.concurrentPerform(iterations: 4) { thread in
      for round in 0..<25 {
        do {
          try KerasWeightFile.write(
            path: folder + "t\(thread)-\(round % 3).h5", format: thread % 2 == 0 ? .legacyModel : .kerasWeights, modelName: "m",
            layers: layers, values: [[Float(thread), 1], [Float(round)]], modelConfig: nil, extras: [:])
        } catch {
          failures.add("\(error)")
        }
      }
    }
    XCTAssertEqual(failures.all, [])
    XCTAssertEqual(try KerasWeightFile.read(path: directory.file("t2-0.h5"), layers: layers).values, [[2, 1], [24]])
  }

  private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
  }

  func testRenameFailureRemovesTempFile() throws {
    // A directory at the target path makes rename(2) fail after the temporary file was written.
    let path = directory.file("occupied.h5")
    try FileManager.default.createDirectory(atPath: path + "/child", withIntermediateDirectories: true)
    assertHDF5Error(["occupied.h5: cannot rename the temporary file into place"]) { try write(path, .kerasWeights) }
    XCTAssertEqual(try directory.contents(), ["occupied.h5"])
  }
}
