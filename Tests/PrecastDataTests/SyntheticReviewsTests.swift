// SyntheticReviewsTests.swift: the seeded review corpus is reproducible, fits the examples' shapes and needs word order.
import PrecastCatalogue
import PrecastData
import XCTest

final class SyntheticReviewsTests: XCTestCase {
  /// Same seed, same corpus; indices fit Embedding(10000, …); no review is longer than the examples' padding.
  func testCorpusIsReproducibleAndFitsTheExamples() {
    let a = SyntheticReviews.generate(count: 500, seed: 7), b = SyntheticReviews.generate(count: 500, seed: 7)
    XCTAssertEqual(a.reviews, b.reviews)
    XCTAssertEqual(a.labels, b.labels)
    XCTAssertNotEqual(a.reviews, SyntheticReviews.generate(count: 500, seed: 8).reviews)
    XCTAssertEqual(SyntheticReviews.words.count, SyntheticReviews.vocabularySize - 1)
    XCTAssertEqual(Set(SyntheticReviews.words).count, SyntheticReviews.words.count, "words are unique")
    for review in a.reviews {
      XCTAssertLessThanOrEqual(review.count, SyntheticReviews.maxLength)
      XCTAssertTrue(review.allSatisfy { $0 >= 1 && $0 < SyntheticReviews.vocabularySize })
    }
    let positive = Double(a.labels.reduce(0, +)) / 500
    XCTAssertEqual(positive, 0.5, accuracy: 0.08)
  }

  /// Counting opinion words (what a bag of words can do) is right for most reviews but not all: the negated
  /// phrases mislead it. Reading "not" before the opinion word (order) gets every review right.
  func testLabelsNeedWordOrder() {
    let corpus = SyntheticReviews.generate(count: 2000, seed: 3)
    let index = Dictionary(uniqueKeysWithValues: SyntheticReviews.words.enumerated().map { ($1, $0 + 1) })
    let opinion = Set(SyntheticReviews.positive.map { index[$0]! }), negative = Set(SyntheticReviews.negative.map { index[$0]! })
    let negators = Set(SyntheticReviews.negators.map { index[$0]! }), intensifiers = Set(SyntheticReviews.intensifiers.map { index[$0]! })
    var counted = 0, ordered = 0
    for (review, label) in zip(corpus.reviews, corpus.labels) {
      var count = 0, score = 0
      for (i, token) in review.enumerated() where opinion.contains(token) || negative.contains(token) {
        let sign = opinion.contains(token) ? 1 : -1
        count += sign
        var j = i - 1
        if j >= 0 && intensifiers.contains(review[j]) { j -= 1 }
        score += j >= 0 && negators.contains(review[j]) ? -sign : sign
      }
      if (count > 0 ? 1 : 0) == label { counted += 1 }
      if (score > 0 ? 1 : 0) == label { ordered += 1 }
    }
    XCTAssertEqual(ordered, corpus.reviews.count, "negation rule explains every label")
    XCTAssertLessThan(Double(counted) / 2000, 0.85)
    XCTAssertGreaterThan(Double(counted) / 2000, 0.6)
  }
}
