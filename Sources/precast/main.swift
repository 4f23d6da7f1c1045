// main.swift: the `precast` command: list the built-in examples, generate a model package.
import PrecastCatalogue
import ArgumentParser
import Foundation
import Precast
import PrecastData
import PrecastHDF5

struct PrecastCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "precast",
    abstract: "Compile Keras-style Swift models into specialized SwiftPM packages (trainer + inference binary).",
    subcommands: [List.self, Generate.self, Import.self, Summary.self, Regenerate.self, MakeDataset.self])
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

struct Import: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import a Keras model (.keras, legacy .h5 with model_config, or a model.to_json() file): write its Swift model file and generate its package.",
    discussion: """
      Sequential models and functional models that are a plain chain import; the model file uses the builder's own \
      language (only non-default arguments), and `<name>-infer --weights MODEL.keras` then predicts as Keras does. \
      Loss, optimizer and metrics come from the file's compile config (a to_json() file has none: pass --loss).
      """)

  @Argument(help: "The Keras model file: .keras, .h5 (model.save) or .json (model.to_json()).")
  var file: String
  @Option(help: "Model (and package) name (default: the file's name, e.g. 'tab' for tab.keras).")
  var name: String?
  @Option(help: "Where to write the Swift model file (default: ./<name>.swift).")
  var swift: String?
  @Option(help: "Package output directory (default: Generated/<name> in the Precast checkout).")
  var output: String?
  @Option(help: "Keras loss name when the file has no compile config (e.g. binary_crossentropy).")
  var loss: String?

  func run() throws {
    do {
      let stem = URL(fileURLWithPath: file).lastPathComponent.components(separatedBy: ".").first ?? "model"
      let modelName = name ?? stem.lowercased().replacingOccurrences(of: "_", with: "-")
      let (config, compile) = try KerasImport.configs(file: file)
      let model = try KerasImport.model(config: config, compile: compile, name: modelName, loss: loss)
      let swiftFile = swift ?? "\(modelName).swift"
      let text = try model.swiftModelFile(header: [
        "\(URL(fileURLWithPath: swiftFile).lastPathComponent): the '\(modelName)' model, imported by `precast import \(file)`.",
        "Edit it like any model file; `precast generate \(URL(fileURLWithPath: swiftFile).lastPathComponent)` regenerates the package.",
      ])
      try Data(text.utf8).write(to: URL(fileURLWithPath: swiftFile), options: .atomic)
      print("Wrote \(swiftFile)")
      // The model file is now the model's source: `precast generate` of it writes this same package.
      try generate(model, source: URL(fileURLWithPath: swiftFile).lastPathComponent, output: output, check: false)
    } catch let error as SpecError {
      FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
      throw ExitCode.failure
    }
  }
}

extension KerasImport {
  /// The model config and compile config of a Keras file, by its kind: a `.keras` zip (config.json), an HDF5 `.h5`
  /// (model_config, training_config) or a JSON text file.
  static func configs(file: String) throws(SpecError) -> (model: JSON, compile: JSON?) {
    if ZipArchive.isZipFile(path: file) {
      let contents: [UInt8]?
      do { contents = try ZipArchive.read(path: file).contents(of: "config.json") } catch { throw SpecError("\(error)") }
      guard let bytes = contents else { throw SpecError("\(file): no config.json in the archive") }
      return try configs(modelConfig: String(decoding: bytes, as: UTF8.self), compileConfig: nil, file: file)
    }
    if let head = FileHandle(forReadingAtPath: file)?.readData(ofLength: 8), head.starts(with: [0x89, 0x48, 0x44, 0x46]) {
      let attributes: (model: String?, training: String?)
      do { attributes = try KerasWeightFile.modelConfigAttributes(path: file) } catch { throw SpecError("\(error)") }
      guard let model = attributes.model else { throw SpecError("\(file): no model_config (a weights-only file has no architecture)") }
      return try configs(modelConfig: model, compileConfig: attributes.training, file: file)
    }
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) else { throw SpecError("\(file): no such file") }
      throw SpecError(isFolder.boolValue ? "\(file): is a folder, not a Keras model file" : "\(file): cannot read the file (not UTF-8 text?)")
    }
    return try configs(modelConfig: text, compileConfig: nil, file: file)
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
    abstract: "Write a seeded dataset: the review corpus of the text examples, or the picture folders of cats-vs-dogs.",
    discussion: """
      reviews: no IMDB copy ships on these machines, so the text examples use reviews of 1 or 3 opinion phrases in \
      filler text whose sentiment depends on word order ("not very good"). Writes train.txt / test.txt (one review \
      per line, word indices as in Keras's imdb.load_data), train-labels.csv / test-labels.csv (0 or 1) and words.txt \
      (line i is the word of index i).

      pictures: no photo set ships either, so the cats-vs-dogs example learns Fashion-MNIST bags and trousers \
      (from Debian's dataset-fashion-mnist), enlarged to 120–200 pixels, placed and coloured at random, half PNG and \
      half JPEG, in the tutorial's layout: train/, validation/ and test/, each with bags/ and trousers/ \
      (--train, --validation and --test pictures per class: 1000, 500, 500).
      """)

  @Argument(help: "The dataset to write: 'reviews' or 'pictures'.")
  var name: String
  @Option(help: "Output directory.")
  var output: String
  @Option(help: "Training reviews (20000), or training pictures per class (1000).")
  var train: Int?
  @Option(help: "Validation pictures per class (500).")
  var validation: Int?
  @Option(help: "Test reviews (5000; from another seed), or test pictures per class (500).")
  var test: Int?
  @Option(help: "Seed of the training reviews (the test reviews use seed + 1), or of the pictures.")
  var seed: UInt64 = 1
  @Option(help: "Fashion-MNIST's training images and labels, for 'pictures'.")
  var fashion = "/usr/share/datasets/fashion-mnist"

  func validate() throws {
    guard ["reviews", "pictures"].contains(name) else { throw ValidationError("unknown dataset '\(name)'; use 'reviews' or 'pictures'") }
    guard (train ?? 1) > 0, (test ?? 1) > 0, (validation ?? 0) >= 0 else { throw ValidationError("--train and --test must be positive") }
    if validation != nil && name == "reviews" { throw ValidationError("--validation is for 'pictures'") }
  }

  func run() throws {
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    if name == "pictures" {
      let counts = (train: train ?? 1000, validation: validation ?? 500, test: test ?? 500)
      let written = try SyntheticPictures.write(
        images: fashion + "/train-images-idx3-ubyte.gz", labels: fashion + "/train-labels-idx1-ubyte.gz", to: output, counts: counts, seed: seed)
      print("\(output): \(written) pictures in train/, validation/ and test/ (\(counts.train), \(counts.validation), \(counts.test) per class: "
        + SyntheticPictures.classes.map(\.name).joined(separator: ", ") + ")")
      return
    }
    for (part, count, partSeed) in [("train", train ?? 20_000, seed), ("test", test ?? 5_000, seed &+ 1)] {
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

// ArgumentParser's `main`, except that a usage error is one line (`error: … (see precast --help)`, exit 64).
do {
  var command = try PrecastCommand.parseAsRoot()
  try command.run()
} catch {
  let code = PrecastCommand.exitCode(for: error)
  if code == .success || error is ExitCode { PrecastCommand.exit(withError: error) }
  let message = PrecastCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
  FileHandle.standardError.write(Data("error: \(message) (see precast --help)\n".utf8))
  exit(code.rawValue)
}
