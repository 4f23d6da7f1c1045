// InferCommand.swift: the generated inference binary's command line (`<model>-infer`), generic over the model.
import Glibc
import PrecastRuntime

/// `<model>-infer`: Keras weights + CSV/NPY/IDX input (or CSV on stdin) → one CSV row of outputs per sample.
///
/// The command line is read by `CommandLineReader` rather than swift-argument-parser: a prediction's whole run is a
/// few milliseconds, and the parser's reflection and FoundationEssentials were ~1.5 ms of it (Docs/results.md, "Where the time goes").
public struct InferCommand<Model: CompiledModel> {
  static var commandName: String { "\(Model.info.name)-infer" }

  /// The options, their help and how each sets a field: the one home of the inference binary's flags.
  static var options: [CommandLineOption<Self>] {
    [
      .value("weights", "Weights file (Precast- or Keras-written: .h5, .weights.h5, tf-keras .h5, .keras).") { $0.weights = $1 },
      .flag("classes", "Print the class (threshold 0.5 for one sigmoid unit, argmax otherwise): its name when the weights carry class names, else its index.") { $0.classes = true },
      .value("sequences", "Inputs are integer sequences, one per line (as the trainer's --sequences): 'pad' or 'multi-hot'.") {
        $0.sequences = $1
      },
      .value("padding", "pad_sequences: pad 'pre' (default) or 'post'.") { $0.padding = $1 },
      .value("truncating", "pad_sequences: cut long sequences 'pre' (keep the end; default) or 'post'.") { $0.truncating = $1 },
      .flag("targets-included", "CSV rows also hold the target column(s) at the end: ignore them.") { $0.targetsIncluded = true },
      .value("batch-size", "Samples per forward pass (default: 256).") { $0.batchSize = try integer($1, "--batch-size") },
      .value("output", "Write predictions to this .npy or .csv file instead of stdout.") { $0.output = $1 },
      .value("threads", "OpenBLAS threads (default: all cores).") { $0.threads = try integer($1, "--threads") },
      .flag("benchmark", "Measure batch-1 latency and batch-1000 throughput instead of predicting.") { $0.benchmark = true },
      .flag("summary", "Print Keras's model.summary() table and exit.") { $0.summary = true },
      .value("activations", "Convnets: write each Conv2D and pooling layer's feature maps for the one input image into this folder: <layer>.png (channels tiled, each normalised for display) and <layer>.npy ([h, w, channels]).") {
        $0.activations = $1
      },
      .value("filters", "Convnets: the input pattern that excites each filter of this Conv2D layer most (gradient ascent from grey noise), as one PNG grid: --output (default <layer>-filters.png).") {
        $0.filters = $1
      },
      .value("steps", "--filters: gradient ascent steps (default: 40).") { $0.ascent.steps = try integer($1, "--steps") },
      .value("step-size", "--filters: step in pixel units along the RMS-normalised gradient (default: 1).") {
        $0.ascent.stepSize = try number($1, "--step-size")
      },
      .value("max-filters", "--filters: only the first N filters (default: all).") { $0.ascent.maxFilters = try integer($1, "--max-filters") },
      .value("seed", "--filters: seed of the starting noise (default: 1).") { $0.ascent.seed = UInt64(try integer($1, "--seed")) },
      .value("heatmap", "Convnets: write the Grad-CAM class activation heatmap of the one input image at the last Conv2D layer, in jet colours over the image, to this PNG (--class K, default the predicted class).") {
        $0.heatmap = $1
      },
      .value("class", "--heatmap: the class whose output the heatmap explains (default: the predicted class).") { $0.classIndex = try integer($1, "--class") },
    ]
  }

  static var help: String {
    let info = Model.info
    return CommandLineReader.help(
      command: commandName,
      abstract: "Predict with the '\(info.name)' model: input \(info.inputShape) → \(info.outputSize) output(s) per sample.",
      discussion: """
        Input rows hold \(info.inputSize) features (CSV rows, NPY/IDX samples); with no file, or '-', CSV is read
        from standard input. PNG and JPEG images are resized to the model's input (bilinear, as the trainer's
        image folders). Preprocessing saved with the weights (--normalize, --standardize) is applied.
        """,
      arguments: ("inputs", "Input files (.csv, .npy, .idx, .gz, .png/.jpg/.pgm/.ppm images, CIFAR-10 .bin) or folders of PNG/JPEG images (each line then starts with the image's path); none or '-' reads CSV from stdin."),
      options: options)
  }

  var weights: String?
  var inputs: [String] = []
  var classes = false
  var sequences: String?
  var padding = "pre"
  var truncating = "pre"
  var targetsIncluded = false
  var batchSize: Int = 256
  var output: String?
  var threads: Int?
  var benchmark = false
  var summary = false
  var activations: String?
  var filters: String?
  var ascent = FilterAscent()
  var heatmap: String?
  var classIndex: Int?

  public init() {}

  /// Reads the command line, runs, and exits: 0 on success, 1 on an error, 64 on a usage error (as
  /// swift-argument-parser does), each error one line on standard error.
  public static func main() {
    var command = Self()
    do {
      let arguments = Array(CommandLine.arguments.dropFirst())
      if arguments.contains("--help") || arguments.contains("-h") { return print(help, terminator: "") }
      try CommandLineReader.read(arguments, options: options, into: &command) { $0.inputs.append($1) }
      try command.validate()
    } catch {
      printError("error: \(error.message) (see \(commandName) --help)")
      exit(64)
    }
    do {
      try command.run()
    } catch {
      printError("error: \(error.message)")
      exit(1)
    }
  }

  func validate() throws(PrecastError) {
    if batchSize < 1 { throw PrecastError("--batch-size must be at least 1") }
    if let threads, threads < 1 { throw PrecastError("--threads must be at least 1") }
    if weights == nil && !summary { throw PrecastError("--weights is required") }
    if ascent.steps < 1 { throw PrecastError("--steps must be at least 1") }
    if let maxFilters = ascent.maxFilters, maxFilters < 1 { throw PrecastError("--max-filters must be at least 1") }
    if (activations != nil || heatmap != nil) && inputs.count != 1 {
      throw PrecastError("--activations and --heatmap take exactly one input image")
    }
    if sequences != nil && encoding == nil {
      throw PrecastError("--sequences must be pad or multi-hot, --padding and --truncating pre or post")
    }
  }

  func run() throws(PrecastError) {
    if summary { return print(Model.info.summary) }
    configureBlas(threads: threads, sleepingWorkers: false)
    if benchmark { return try runBenchmark() }
    if activations != nil || filters != nil || heatmap != nil { return try inspect() }
    try predict()
  }
  private func predict() throws(PrecastError) {
    // The model is allocated once the first input's row count is known: one prediction needs a batch-1 arena,
    // not --batch-size rows of zeroed activations (their page faults were a third of the start-up).
    var loaded: (model: Model, preprocessing: Preprocessing)?
    let sources = inputs.isEmpty ? ["-"] : inputs
    for source in sources {
      var x: DataArray
      var paths: [String]?
      if let images = try readImages(source, info: Model.info) {
        (x, paths) = (images.x, ImageFolder.isDirectory(source) ? images.paths : nil)
      } else if let encoding {
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
      try emit(y, names: preprocessing.classNames, labels: paths)
    }
  }

  /// --sequences/--padding/--truncating as an encoding (nil without --sequences or when they are invalid).
  private var encoding: Dataset.SequenceEncoding? {
    sequences.flatMap { Dataset.SequenceEncoding(sequences: $0, padding: padding, truncating: truncating) }
  }

  private func emit(_ y: DataArray, names: [String]?, labels: [String]? = nil) throws(PrecastError) {
    if let output, output.hasSuffix(".npy") {
      do { try NPYWriter.write(y, path: output) } catch { throw PrecastError("\(error)") }
      return
    }
    let text = formatPredictions(y, classes: classes, names: names, labels: labels)
    if let output {
      try writeTextFileAtomically(text, to: output)
    } else {
      writeOut(text)
    }
  }

  /// --activations, --filters, --heatmap (any of them, in one run).
  private func inspect() throws(PrecastError) {
    let info = Model.info
    let layers = info.layers
    guard !featureMapLayers(info).isEmpty, Model.self is any InspectableModel.Type else {
      throw PrecastError("--activations, --filters and --heatmap need a convnet (a Conv2D layer over an image input, no BatchNormalization)")
    }
    var filterLayer: Int?
    if let filters {
      guard let index = layers.firstIndex(where: { $0.name == filters && $0.className == "Conv2D" }) else {
        let names = layers.filter { $0.className == "Conv2D" }.map(\.name).joined(separator: ", ")
        throw PrecastError("--filters \(filters): not a Conv2D layer of this model (\(names))")
      }
      filterLayer = index
    }
    let batch = filterLayer.map { min(16, ascent.maxFilters ?? info.layers[$0].outputShape[2]) } ?? 1
    let model = Model(maxBatch: batch) as! any InspectableModel
    let preprocessing = try model.loadWeights(path: weights!)
    if let filterLayer {
      let (patterns, silent) = filterPatterns(model, layer: filterLayer, preprocessing: preprocessing, settings: ascent)
      let shape = info.inputShape
      let path = output ?? "\(filters!)-filters.png"
      try writePNG(imageGrid(patterns, height: shape[0], width: shape[1], channels: shape[2], columns: 8, gap: 5), to: path)
      let quiet = silent.isEmpty ? "" : "; \(silent.count) never fired near grey (zero gradient: their tiles are the starting noise)"
      print("\(path): \(patterns.count) filters of \(filters!)\(quiet)")
    }
    guard activations != nil || heatmap != nil else { return }
    guard let images = try readImages(inputs[0], info: info), images.x.count == 1 else {
      throw PrecastError("\(inputs[0]): --activations and --heatmap take one PNG or JPEG image")
    }
    var x = images.x
    preprocessing.apply(to: &x)
    try x.values.withUnsafeBufferPointer { (xs) throws(PrecastError) in
      if let activations {
        let files = try writeActivations(model, xs.baseAddress!, directory: activations)
        print("\(activations): \(files.count / 2) layers' feature maps (.png and .npy)")
      }
      if let heatmap {
        let cam = try gradCAM(model, xs.baseAddress!, classIndex: classIndex)
        let image: Image8
        do { image = try ImageCodec.read(path: inputs[0]) } catch { throw PrecastError("\(error)") }
        try writePNG(heatmapOverlay(cam.map, height: cam.height, width: cam.width, on: image), to: heatmap)
        let name = preprocessing.classNames.flatMap { cam.classIndex < $0.count ? $0[cam.classIndex] : nil } ?? String(cam.classIndex)
        print("\(heatmap): Grad-CAM of class \(name) at \(info.layers.last { $0.className == "Conv2D" }!.name) (\(cam.height)×\(cam.width))")
      }
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
