// SyntheticReviews.swift: a seeded movie-review corpus whose labels hinge on word order (negations), for the text examples.
import Glibc
import PrecastData
import PrecastCore

/// A stand-in for the IMDB reviews, which no package on these machines ships: short positive or negative
/// "reviews" of 1–4 opinion phrases in filler text. Each phrase says what the review thinks, plainly ("very good")
/// or by negating the opposite ("not boring", 30% of phrases); the label is 1 for a positive review.
///
/// Order is what decides: a negator also appears away from any opinion word ("i did not see the trailer"),
/// so a bag of words knows which opinion words occur and that some negator occurs, but not which opinion it
/// flips: it is misled by every negated phrase. Models that read the sequence (LSTM, Conv1D) can learn the
/// negations; a multi-hot MLP cannot.
///
/// Tokens follow the Keras IMDB convention: 0 is padding, word indices start at 1 and rank by frequency
/// (common words first), and there are exactly `vocabularySize − 1` words, so every index fits
/// `Embedding(vocabularySize, …)` and `vectorize_sequences(…, vocabularySize)`.
public enum SyntheticReviews {
  /// Indices run 1..<vocabularySize (the tutorial's `num_words=10000`).
  public static let vocabularySize = 10_000
  /// The longest review, in tokens (the examples pad to this length).
  public static let maxLength = 100

  /// Positive opinion words.
  public static let positive = [
    "good", "great", "excellent", "wonderful", "brilliant", "superb", "enjoyable", "fun", "moving", "beautiful",
    "charming", "clever", "delightful", "fantastic", "funny", "gripping", "impressive", "lovely", "memorable", "perfect",
    "powerful", "remarkable", "satisfying", "smart", "stunning", "terrific", "touching", "witty", "engaging", "thoughtful",
  ]
  /// Negative opinion words.
  public static let negative = [
    "bad", "awful", "boring", "dull", "terrible", "horrible", "weak", "poor", "stupid", "tedious",
    "messy", "forgettable", "lifeless", "painful", "pointless", "predictable", "silly", "slow", "bland", "clumsy",
    "confusing", "disappointing", "flat", "lame", "mediocre", "shallow", "annoying", "ridiculous", "unwatchable", "overlong",
  ]
  /// Words that flip the opinion word after them (an intensifier may come between).
  public static let negators = ["not", "never", "hardly", "barely"]
  /// Words that may come before an opinion word without changing it.
  public static let intensifiers = ["very", "really", "so", "quite", "truly", "extremely"]
  static let fillers = [
    "the", "a", "and", "of", "to", "is", "it", "in", "i", "this", "that", "was", "as", "with", "for", "movie", "but",
    "film", "on", "you", "he", "his", "are", "have", "be", "one", "at", "all", "they", "by", "an", "who", "from", "like",
    "her", "just", "about", "out", "if", "has", "some", "there", "what", "can", "more", "when", "up", "time", "my", "even",
    "she", "which", "only", "story", "see", "well", "also", "would", "had", "me", "first", "we", "been", "do", "other",
    "how", "than", "could", "into", "much", "most", "made", "get", "make", "plot", "acting", "characters", "people",
    "scene", "scenes", "watch", "way", "think", "its", "director", "ending", "actors", "script", "music", "end", "show",
    "cast", "two", "seen", "years", "character", "thing", "life", "work", "man", "little", "still", "trailer", "expect",
    "saw", "felt", "found", "thought", "part", "book", "series", "role", "screen", "minutes", "hour", "night", "friends",
    "family", "world", "day", "actor", "actress", "camera", "dialogue", "effects", "version", "sequel", "original",
  ]

  /// The words of indices 1, 2, … (`words[i]` is index i + 1): negators, intensifiers and opinion words among the
  /// common words, then made-up rare words (two syllables) up to `vocabularySize − 1` words.
  public static let words: [String] = {
    var words = Array(fillers.prefix(20)) + negators + intensifiers + positive.prefix(10) + negative.prefix(10)
    words += fillers.dropFirst(20) + positive.dropFirst(10) + negative.dropFirst(10)
    let onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "sh", "br", "tr", "pl", "gr"]
    let vowels = ["a", "e", "i", "o", "u"]
    let syllables = onsets.flatMap { onset in vowels.map { onset + $0 } }  // 100 syllables
    var taken = Set(words)
    for k in 0..<(syllables.count * syllables.count) where words.count < vocabularySize - 1 {
      let word = syllables[k / syllables.count] + syllables[k % syllables.count]
      if taken.insert(word).inserted { words.append(word) }  // "ma" + "de" is already a word
    }
    return words
  }()

  /// The generated reviews: token sequences (indices into `words`, plus one) and their 0/1 labels.
  public struct Corpus: Sendable {
    public var reviews: [[Int]]
    public var labels: [Int]
  }

  /// `count` reviews from `seed`, a fraction `negation` of their phrases negated; the same seed gives the same
  /// corpus on every machine.
  public static func generate(count: Int, seed: UInt64, negation: Double = 0.3) -> Corpus {
    var random = Random(seed: seed)
    let sampler = Sampler()
    var corpus = Corpus(reviews: [], labels: [])
    for _ in 0..<count {
      let (review, label) = sampler.review(&random, negation: negation)
      corpus.reviews.append(review)
      corpus.labels.append(label)
    }
    return corpus
  }

  /// The tokens of each word class and the Zipf-distributed filler sampler.
  struct Sampler {
    let positive: [Int], negative: [Int], negators: [Int], intensifiers: [Int]
    /// Every other word, in frequency order, with the cumulative Zipf weights (rank + 2)^−1.3.
    let filler: [Int], cumulative: [Double]

    init() {
      var index: [String: Int] = [:]
      for (i, word) in SyntheticReviews.words.enumerated() { index[word] = i + 1 }
      positive = SyntheticReviews.positive.map { index[$0]! }
      negative = SyntheticReviews.negative.map { index[$0]! }
      negators = SyntheticReviews.negators.map { index[$0]! }
      intensifiers = SyntheticReviews.intensifiers.map { index[$0]! }
      let special = Set(positive + negative + negators + intensifiers)
      filler = (1..<SyntheticReviews.vocabularySize).filter { !special.contains($0) }
      var total = 0.0
      cumulative = filler.indices.map { rank in
        total += pow(Double(rank + 2), -1.3)
        return total
      }
    }

    func pick(_ tokens: [Int], _ random: inout Random) -> Int { tokens[Int(random.next() % UInt64(tokens.count))] }

    /// A filler word, common words far more often than rare ones.
    func fillerWord(_ random: inout Random) -> Int {
      let target = random.nextUnitDouble() * cumulative[cumulative.count - 1]
      var low = 0, high = cumulative.count - 1
      while low < high {
        let middle = (low + high) / 2
        if cumulative[middle] < target { low = middle + 1 } else { high = middle }
      }
      return filler[low]
    }

    /// 2–14 filler words; with probability 0.3 one of them is a negator that negates nothing.
    func fillerRun(_ random: inout Random, into review: inout [Int]) {
      let length = 2 + Int(random.next() % 13)
      let distractor = random.nextUnitDouble() < 0.3 ? Int(random.next() % UInt64(length - 1)) : -1  // never right before the phrase
      for i in 0..<length {
        review.append(i == distractor ? pick(negators, &random) : fillerWord(&random))
      }
    }

    /// One review: its sentiment, then 1–4 opinion phrases in filler that all express it, each either plainly
    /// ("very good") or, with probability `negation`, by negating the opposite ("not boring").
    func review(_ random: inout Random, negation: Double) -> ([Int], Int) {
      let isPositive = random.nextUnitDouble() < 0.5
      let phrases = 1 + Int(random.next() % 4)
      var review: [Int] = []
      for _ in 0..<phrases {
        fillerRun(&random, into: &review)
        let negated = random.nextUnitDouble() < negation
        if negated { review.append(pick(negators, &random)) }
        if random.nextUnitDouble() < 0.4 { review.append(pick(intensifiers, &random)) }
        review.append(pick(isPositive != negated ? positive : negative, &random))
      }
      let tail = Int(random.next() % 8)
      for _ in 0..<tail { review.append(fillerWord(&random)) }
      return (review, isPositive ? 1 : 0)
    }
  }

  /// A review as text, for showing examples.
  public static func decode(_ review: [Int]) -> String {
    review.map { $0 >= 1 && $0 <= words.count ? words[$0 - 1] : "?" }.joined(separator: " ")
  }
}
