// InferCommand.swift: the generated inference binary's command line (`<model>-infer`), generic over the model.
import ArgumentParser
import Glibc
import PrecastRuntime

/// `<model>-infer`: Keras weights + CSV/NPY/IDX input (or CSV on stdin) → one CSV row of outputs per sample.
public struct InferCommand<Model: CompiledModel>: ParsableCommand {
  public static var configuration: CommandConfiguration {
    let info = Model.info
    return CommandConfiguration(
      commandName: "\(info.name)-infer",
      abstract: "Predict with the '\(info.name)' model: input \(info.inputShape) → \(info.outputSize) output(s) per sample.",
      discussion: """
        Input rows hold \(info.inputSize) features (CSV rows, NPY/IDX samples); with no file, or '-', CSV is read
        from standard input. Preprocessing saved with the weights (--normalize, --standardize) is applied.
        """)
  }

  @Option(help: "Weights file (Precast- or Keras-written: .h5, .weights.h5, tf-keras .h5, .keras).")
  var weights: String?
  @Argument(help: "Input files (.csv, .npy, .idx, .gz, .pgm/.ppm images, CIFAR-10 .bin); none or '-' reads CSV from stdin.")
  var inputs: [String] = []
  @Flag(help: "Print the class (threshold 0.5 for one sigmoid unit, argmax otherwise): its name when the weights carry class names, else its index.")
  var classes = false
  @Option(help: "Inputs are integer sequences, one per line (as the trainer's --sequences): 'pad' or 'multi-hot'.")
  var sequences: String?
  @Option(help: "pad_sequences: pad 'pre' (default) or 'post'.")
  var padding = "pre"
  @Option(help: "pad_sequences: cut long sequences 'pre' (keep the end; default) or 'post'.")
  var truncating = "pre"
  @Flag(help: "CSV rows also hold the target column(s) at the end: ignore them.")
  var targetsIncluded = false
  @Option(help: "Samples per forward pass.")
  var batchSize: Int = 256
  @Option(help: "Write predictions to this .npy or .csv file instead of stdout.")
  var output: String?
  @Option(help: "OpenBLAS threads (default: all cores).")
  var threads: Int?
  @Flag(help: "Measure batch-1 latency and batch-1000 throughput instead of predicting.")
  var benchmark = false
  @Flag(help: "Print Keras's model.summary() table and exit.")
  var summary = false

  public init() {}

  public func validate() throws {
    if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    if weights == nil && !summary { throw ValidationError("--weights is required") }
    if sequences != nil && encoding == nil {
      throw ValidationError("--sequences must be pad or multi-hot, --padding and --truncating pre or post")
    }
  }

  public func run() throws {
    do {
      if summary { return print(Model.info.summary) }
      configureBlas(threads: threads, sleepingWorkers: false)
      if benchmark { return try runBenchmark() }
      try predict()
    } catch {
      printError("error: \(error.message)")
      throw ExitCode.failure
    }
  }

  private func predict() throws(PrecastError) {
    // The model is allocated once the first input's row count is known: one prediction needs a batch-1 arena,
    // not --batch-size rows of zeroed activations (their page faults were a third of the start-up).
    var loaded: (model: Model, preprocessing: Preprocessing)?
    let sources = inputs.isEmpty ? ["-"] : inputs
    for source in sources {
      var x: DataArray
      if let encoding {
        do { x = encoding.encode(try encoding.read(path: source == "-" ? "/dev/stdin" : source, info: Model.info), size: Model.info.inputSize) } catch {
          throw PrecastError("\(error)")
        }
      } else {
        x = try readFeatures(source, targetsIncluded: targetsIncluded, info: Model.info)
      }
      if loaded == nil {
        let model = Model(maxBatch: max(1, min(batchSize, x.count)))
        loaded = (model, try model.loadWeights(path: weights!))
      }
      let (model, preprocessing) = loaded!
      preprocessing.apply(to: &x)
      var y = model.predictAll(x)
      preprocessing.restore(&y)  // a standardized forecast back in the data's units
      try emit(y, names: preprocessing.classNames)
    }
  }

  /// --sequences/--padding/--truncating as an encoding (nil without --sequences or when they are invalid).
  private var encoding: Dataset.SequenceEncoding? {
    sequences.flatMap { Dataset.SequenceEncoding(sequences: $0, padding: padding, truncating: truncating) }
  }

  private func emit(_ y: DataArray, names: [String]?) throws(PrecastError) {
    if let output, output.hasSuffix(".npy") {
      do { try NPYWriter.write(y, path: output) } catch { throw PrecastError("\(error)") }
      return
    }
    let text = formatPredictions(y, classes: classes, names: names)
    if let output {
      try writeTextFileAtomically(text, to: output)
    } else {
      writeOut(text)
    }
  }

  private func runBenchmark() throws(PrecastError) {
    let info = Model.info
    let model = Model(maxBatch: 1000)
    try model.loadWeights(path: weights!)
    var rng = Random(seed: 3)
    let x = (0..<(1000 * info.inputSize)).map { _ in rng.nextUnitFloat() }
    x.withUnsafeBufferPointer { xs in
      let one = measure { _ = model.predict(xs.baseAddress!, count: 1) }
      let thousand = measure { _ = model.predict(xs.baseAddress!, count: 1000) }
      print("BLAS: \(blasCoreName), \(blasThreads) thread(s)")
      print("batch-1 latency: \(formatFixed(one * 1e6, 1)) µs")
      print("batch-1000: \(formatFixed(thousand * 1e3, 2)) ms - \(formatFixed(1000 / thousand, 0)) samples/s")
    }
  }
}

/// The feature rows of an input file (CSV, NPY, IDX, PGM/PPM, CIFAR .bin) or standard input ('-'), as [n, inputSize];
/// with `targetsIncluded`, trailing target columns of a CSV are dropped.
func readFeatures(_ source: String, targetsIncluded: Bool, info: ModelInfo) throws(PrecastError) -> DataArray {
  let raw: DataArray
  do {
    let columns = targetsIncluded ? nil : info.inputSize
    if source == "-" {
      raw = try CSVReader.readStandardInput(expectedColumns: columns)
    } else if source.hasSuffix(".csv") || source.hasSuffix(".txt") {
      raw = try CSVReader.readFeatures(path: source, expectedColumns: columns, dropTextLabels: targetsIncluded)
    } else {
      raw = try DataLoader.load(path: source)
    }
  } catch {
    throw PrecastError("\(error)")
  }
  if source.hasSuffix(".pgm") || source.hasSuffix(".ppm") || source.hasSuffix(".pnm") {
    let image = Array(raw.shape.dropFirst())
    let expected = Augmentation.imageShape(info.inputShape).map { [$0.height, $0.width, $0.channels] } ?? info.inputShape
    guard image == expected else {
      let show = { (s: [Int]) in s.map(String.init).joined(separator: "×") }
      throw PrecastError("\(source): the image is \(show(image)) (height×width×channels), the model expects \(show(expected))")
    }
  }
  let name = source == "-" ? "<stdin>" : source
  if targetsIncluded, raw.shape.count == 2, raw.shape[1] > info.inputSize {
    let x = raw.columns(0..<info.inputSize)
    try Dataset.checkIndices(x, path: name, info: info)
    return x
  }
  return try Dataset.flattenedFeatures(raw, path: name, info: info)
}
