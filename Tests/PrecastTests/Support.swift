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
  return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

extension Float {
  /// swift-numerics style tolerance check.
  func isApproximatelyEqual(to other: Float, absoluteTolerance: Float, relativeTolerance: Float = 0) -> Bool {
    abs(self - other) <= max(absoluteTolerance, relativeTolerance * max(abs(self), abs(other)))
  }
}
