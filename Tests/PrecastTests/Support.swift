// Support.swift: shared helpers for the Precast tests: fixture paths, approximate comparison.
import Foundation
import PrecastRuntime
import XCTest

/// The repository root (from this file's path).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

/// A vendored Keras fixture file.
func fixture(_ name: String) -> String { repositoryRoot + "/Tests/Fixtures/keras/" + name }

/// Largest absolute difference between two equally long arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
  return zip(a, b).reduce(0) { worse($0, abs($1.0 - $1.1)) }
}

/// The larger of two error figures, NaN winning: one NaN difference makes the worst NaN, which fails every `<=`
/// check (`max` and `Sequence.max()` would drop it and let a broken run pass).
func worse<T: FloatingPoint>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }

extension Float {
  /// swift-numerics style tolerance check.
  func isApproximatelyEqual(to other: Float, absoluteTolerance: Float, relativeTolerance: Float = 0) -> Bool {
    abs(self - other) <= max(absoluteTolerance, relativeTolerance * max(abs(self), abs(other)))
  }
}

/// The comparison helpers cannot pass on NaN.
final class ComparisonHelperTests: XCTestCase {
  func testNaNIsTheWorstDifference() {
    XCTAssertTrue(maxAbsDifference([1, .nan, 2], [1, 1, 2]).isNaN)
    XCTAssertTrue(maxAbsDifference([.nan, 1], [1, 1]).isNaN)
    XCTAssertTrue(worse(0.5, Double.nan).isNaN)
    XCTAssertEqual(maxAbsDifference([1, 2], [1.5, 2]), 0.5)
  }
}
