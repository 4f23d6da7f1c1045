// FuzzRegressionTests.swift: every reader's seed corpus is read, and every input the fuzzer or the corruption
// script ever found a problem with is answered (a value or a one-line error naming the file), never a crash or hang.
// `FuzzTarget.run` traps on a broken contract, so a regression stops this test.

import Foundation
import PrecastFuzzing
import XCTest

final class FuzzRegressionTests: XCTestCase {
  /// Tests/Fuzz/FOLDER/TARGET's files, sorted.
  private func files(_ folder: String, _ target: FuzzTarget) -> [URL] {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fuzz").appendingPathComponent(folder).appendingPathComponent(target.rawValue)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.sorted().map { directory.appendingPathComponent($0) }
  }

  /// The seeds are real files (a Keras tutorial's CSV, a Fashion-MNIST IDX, a Precast-written pima.h5, …): each reads.
  func testEverySeedIsRead() throws {
    for target in FuzzTarget.allCases {
      let seeds = files("Corpus", target)
      XCTAssertFalse(seeds.isEmpty, "no seed corpus for \(target.rawValue)")
      for seed in seeds {
        XCTAssertEqual(target.run(Array(try Data(contentsOf: seed))), .accepted, "\(target.rawValue): \(seed.lastPathComponent)")
      }
    }
  }

  func testEveryRegressionInputIsAnswered() throws {
    setenv("PRECAST_HDF5_TIME_LIMIT", "2", 1)  // the inputs that hang libhdf5 are stopped sooner
    defer { unsetenv("PRECAST_HDF5_TIME_LIMIT") }
    for target in FuzzTarget.allCases {
      for input in files("Regressions", target) { target.run(Array(try Data(contentsOf: input))) }
    }
    // The findings kept so far (a folder that lost its files would test nothing).
    XCTAssertGreaterThanOrEqual(files("Regressions", .hdf5).count, 5)
    XCTAssertGreaterThanOrEqual(files("Regressions", .npy).count, 1)
  }
}
