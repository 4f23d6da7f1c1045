import Foundation
import PrecastRuntime
import XCTest

/// A run removes the temporaries an earlier, killed run of the same output left; a live writer's stays.
final class StaleTemporaryFileTests: XCTestCase {
  func testOnlyDeadWritersTemporariesGo() throws {
    let directory = NSTemporaryDirectory() + "stale-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let output = directory + "/w.h5"
    let dead = output + ".tmp2147483646", live = output + ".tmp\(getpid())", other = output + ".tmpx", neighbour = directory + "/v.h5.tmp2147483646"
    for path in [output, dead, live, other, neighbour] { FileManager.default.createFile(atPath: path, contents: Data([1])) }
    XCTAssertEqual(removeStaleTemporaryFiles(of: output), [dead])
    for path in [output, live, other, neighbour] { XCTAssertTrue(FileManager.default.fileExists(atPath: path), path) }
    XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
  }
}
