// Support.swift: helpers shared by every test target: the repository's fixture paths and NaN-safe comparisons.
// A plain library target with no dependencies (not even XCTest or Foundation), so a test target that uses it
// builds nothing more; its own test, `ComparisonHelperTests`, is in PrecastKernelTests.

/// The repository root (this file is `Tests/PrecastTestSupport/Support.swift`).
public let repositoryRoot: String = {
  var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
  parts.removeLast(3)
  return parts.joined(separator: "/")
}()

/// A vendored Keras fixture file: `Tests/Fixtures/keras/NAME` (see its README.md).
public func fixture(_ name: String) -> String { repositoryRoot + "/Tests/Fixtures/keras/" + name }

/// A vendored image fixture: `Tests/Fixtures/images/NAME` (written by `Tests/keras/image_fixture.py`).
public func imageFixture(_ name: String) -> String { repositoryRoot + "/Tests/Fixtures/images/" + name }

/// Largest absolute difference between two equally long arrays (NaN if any difference is NaN).
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
  return zip(a, b).reduce(0) { worse($0, abs($1.0 - $1.1)) }
}

/// The larger of two error figures, NaN winning: one NaN difference makes the worst NaN, which fails every `<=`
/// check (`max` and `Sequence.max()` would drop it and let a broken run pass).
public func worse<T: FloatingPoint>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }

extension Float {
  /// swift-numerics style tolerance check.
  public func isApproximatelyEqual(to other: Float, absoluteTolerance: Float, relativeTolerance: Float = 0) -> Bool {
    abs(self - other) <= max(absoluteTolerance, relativeTolerance * max(abs(self), abs(other)))
  }
}
