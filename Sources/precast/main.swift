// main.swift: the `precast` command: list the built-in examples, generate a model package.
import ArgumentParser
import Foundation
import Precast
import PrecastData

struct PrecastCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "precast",
    abstract: "Compile Keras-style Swift models into specialized SwiftPM packages (trainer + inference binary).",
    subcommands: [List.self, Generate.self, Summary.self, Regenerate.self, MakeDataset.self])
}

struct List: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List the built-in example models.")
  func run() {
    for model in Examples.all {
      print("\(model.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(model.summary)")
    }
  }
}

struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Generate the package of a built-in example (by name) or of your own model file (NAME.swift).",
    discussion: """
      A model file is Swift that defines `let model = Sequential(…) { … }.compile(…)` at top level
      (several models: `let models = [ … ]`). It is compiled against Precast once to evaluate it.
      """)

  @Argument(help: "An example name (see `precast list`) or a .swift model file.")
  var model: String
  @Option(help: "Output directory (default: Generated/<model name> in the Precast checkout).")
  var output: String?
  @Flag(help: "Only check the model and print its summary; write nothing.")
  var check = false

  func run() throws {
    do {
      if model.hasSuffix(".swift") {
        try ModelFileRunner.generate(file: model, output: output, check: check)
        return
      }
      guard let example = Examples.named(model) else {
        throw SpecError("unknown model '\(model)'; built-in examples: \(Examples.all.map(\.name).joined(separator: ", ")), or pass a .swift file")
      }
      try generate(example, source: model, output: output, check: check)
    } catch let error as SpecError {
      FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
      throw ExitCode.failure
    } catch let error as ExitCodeError {
      throw ExitCode(error.status)
    }
  }
}

struct Summary: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print a built-in example's layer table (Keras's model.summary()).")
  @Argument var model: String
  func run() throws {
    guard let example = Examples.named(model) else { throw ValidationError("unknown model '\(model)'") }
    do {
      print(try summaryText(example))
    } catch let error as SpecError {
      FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
      throw ExitCode.failure
    }
  }
}

struct Regenerate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Regenerate the golden output: every example under Generated/ and the check models under Tests/Models/.")
  func run() throws {
    let generator = try Generator(templatesDirectory: PrecastPaths.templates)
    let files = try allGeneratedFiles(generator: generator)
    try Generator.write(files, to: PrecastPaths.root)
    print("Regenerated \(files.count) files in \(PrecastPaths.root)")
  }
}

struct MakeDataset: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dataset",
    abstract: "Write the seeded review corpus the text examples train on (imdb-mlp, text-lstm, text-conv1d).",
    discussion: """
      No IMDB copy ships on these machines, so the text examples use reviews of 1 or 3 opinion phrases in filler \
      text whose sentiment depends on word order ("not very good"). Writes train.txt / test.txt (one review per \
      line, word indices as in Keras's imdb.load_data), train-labels.csv / test-labels.csv (0 or 1) and words.txt \
      (line i is the word of index i).
      """)

  @Argument(help: "The corpus to write (only 'reviews').")
  var name: String
  @Option(help: "Output directory.")
  var output: String
  @Option(help: "Training reviews.")
  var train = 20_000
  @Option(help: "Test reviews (from another seed).")
  var test = 5_000
  @Option(help: "Seed of the training reviews (the test reviews use seed + 1).")
  var seed: UInt64 = 1

  func validate() throws {
    guard name == "reviews" else { throw ValidationError("unknown dataset '\(name)'; the only one is 'reviews'") }
    guard train > 0, test > 0 else { throw ValidationError("--train and --test must be positive") }
  }

  func run() throws {
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    for (part, count, partSeed) in [("train", train, seed), ("test", test, seed &+ 1)] {
      let corpus = SyntheticReviews.generate(count: count, seed: partSeed)
      let reviews = corpus.reviews.map { $0.map(String.init).joined(separator: " ") + "\n" }.joined()
      try Data(reviews.utf8).write(to: URL(fileURLWithPath: "\(output)/\(part).txt"))
      try Data(corpus.labels.map { "\($0)\n" }.joined().utf8).write(to: URL(fileURLWithPath: "\(output)/\(part)-labels.csv"))
      let positive = corpus.labels.reduce(0, +)
      print("\(part): \(count) reviews, \(positive) positive (\(String(format: "%.1f", 100 * Double(positive) / Double(count)))%)")
      if part == "train" {
        for i in 0..<2 { print("  [\(corpus.labels[i])] \(SyntheticReviews.decode(corpus.reviews[i]))") }
      }
    }
    try Data(SyntheticReviews.words.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: "\(output)/words.txt"))
    print("wrote \(output)/{train,test}.txt, {train,test}-labels.csv and words.txt (\(SyntheticReviews.words.count) words)")
  }
}

PrecastCommand.main()
