// HDF5SandboxTests.swift: reads run in a child process; its crash or hang is one error, its values come back intact.

import Foundation
import Glibc
import XCTest

@testable import PrecastHDF5

final class HDF5SandboxTests: XCTestCase {
  func testValuesComeBackIntact() throws {
    let weights = LoadedWeights(
      format: .kerasWeights, values: [[1, -2.5, .infinity], [], [Float.leastNonzeroMagnitude]],
      extras: ["feature_mean": [3, 4], "feature_std": []], classNames: ["cat", "dög", ""])
    let back = try HDF5Sandbox.run(bytes: 0) { () throws(HDF5Error) in weights }
    XCTAssertEqual(back.format, weights.format)
    XCTAssertEqual(back.values, weights.values)
    XCTAssertEqual(back.extras, weights.extras)
    XCTAssertEqual(back.classNames, weights.classNames)

    let slot = OptimizerVariables.Slot(name: "m", shape: [2, 1], values: [0.5, -0.25])
    let optimizer = OptimizerVariables(name: "adam", iterations: 123_456_789_012, learningRate: 0.001, slots: [slot])
    XCTAssertEqual(try HDF5Sandbox.run(bytes: 0) { () throws(HDF5Error) in SandboxOptimizer(optimizer) }.value, optimizer)
    XCTAssertNil(try HDF5Sandbox.run(bytes: 0) { () throws(HDF5Error) in SandboxOptimizer(nil) }.value)
    let texts = try HDF5Sandbox.run(bytes: 0) { () throws(HDF5Error) in SandboxTexts(nil, "{\"a\": 1}") }
    XCTAssertNil(texts.first)
    XCTAssertEqual(texts.second, "{\"a\": 1}")
  }

  func testTheReadRunsInAnotherProcess() throws {
    let parent = getpid()
    let child = try HDF5Sandbox.run(bytes: 0) { () throws(HDF5Error) in SandboxTexts(String(getpid()), nil) }
    XCTAssertNotEqual(try XCTUnwrap(child.first), String(parent))
  }

  func testAnErrorInTheChildIsThrownHere() {
    XCTAssertThrowsError(try HDF5Sandbox.run(bytes: 0) { () throws(HDF5Error) -> SandboxTexts in throw HDF5Error("not a Keras weights file") }) {
      XCTAssertEqual(($0 as? HDF5Error)?.message, "not a Keras weights file")
    }
  }

  func testACrashIsOneError() {
    XCTAssertThrowsError(try HDF5Sandbox.run(bytes: 0) { () throws(HDF5Error) -> SandboxTexts in
      raise(SIGSEGV)
      return SandboxTexts(nil, nil)
    }) {
      XCTAssertEqual(($0 as? HDF5Error)?.message, "damaged HDF5 file: the HDF5 library crashed reading it (Segmentation fault)")
    }
  }

  func testAHangIsOneErrorAfterTheTimeLimit() {
    setenv("PRECAST_HDF5_TIME_LIMIT", "1", 1)
    defer { unsetenv("PRECAST_HDF5_TIME_LIMIT") }
    let start = Date()
    XCTAssertThrowsError(try HDF5Sandbox.run(bytes: 0) { () throws(HDF5Error) -> SandboxTexts in
      while true { sleep(100) }
    }) {
      XCTAssertEqual(($0 as? HDF5Error)?.message, "damaged HDF5 file? the HDF5 library did not finish reading it within 1 s")
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 5)
  }

  func testTimeLimitGrowsWithTheFile() {
    XCTAssertEqual(HDF5Sandbox.timeLimit(bytes: 0), 5)
    XCTAssertEqual(HDF5Sandbox.timeLimit(bytes: 160 << 20), 15)
  }

  /// Files that crashed (SIGSEGV in H5HG_read) or hung (H5HG__cache_heap_deserialize) Debian's libhdf5 1.10: damaged
  /// copies of a Precast-written pima.h5 / pima.weights.h5 found by Scripts/corrupt-weights.py. Each is one error.
  func testFilesThatCrashOrHangLibhdf5AreOneError() throws {
    setenv("PRECAST_HDF5_TIME_LIMIT", "2", 1)
    defer { unsetenv("PRECAST_HDF5_TIME_LIMIT") }
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fuzz/Regressions/hdf5").standardized.path
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("libhdf5-") }.sorted()
    XCTAssertGreaterThanOrEqual(names.count, 4)
    for name in names {
      let path = folder + "/" + name
      XCTAssertThrowsError(try KerasWeightFile.read(path: path, layers: Models.tab())) {
        let message = ($0 as? HDF5Error)?.message ?? ""
        XCTAssertTrue(message.hasPrefix(path + ": damaged HDF5 file"), message)
      }
    }
  }
}
