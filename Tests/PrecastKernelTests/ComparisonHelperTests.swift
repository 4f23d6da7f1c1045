// ComparisonHelperTests.swift: the shared comparison helpers (PrecastTestSupport) cannot pass on NaN.
import PrecastTestSupport
import XCTest

final class ComparisonHelperTests: XCTestCase {
  func testNaNIsTheWorstDifference() {
    XCTAssertTrue(maxAbsDifference([1, .nan, 2], [1, 1, 2]).isNaN)
    XCTAssertTrue(maxAbsDifference([.nan, 1], [1, 1]).isNaN)
    XCTAssertTrue(worse(0.5, Double.nan).isNaN)
    XCTAssertEqual(maxAbsDifference([1, 2], [1.5, 2]), 0.5)
  }
}
