// TrainCommand+Benchmark.swift: the trainer's `--benchmark`: epoch time, per-layer time and the ratio to OpenBLAS's sgemm.
import PrecastRuntime

extension TrainCommand {
  /// `--benchmark`: three timed epochs (the median reported), each layer's share, and OpenBLAS's own sgemm rate on
  /// exactly the GEMMs the epoch ran, for the ratio Docs/results.md reports.
  func runBenchmark() throws(PrecastError) {
    let info = Model.info
    let batch = training.batch
    var dataset: Dataset
    if let data = files.data {
      dataset = try loadData(data, labels: files.labels)
      if training.normalize { dataset.preprocess(Preprocessing(inputScale: 1 / 255)) }
    } else {
      dataset = syntheticDataset(info: info, count: 60_000)
    }
    let model = Model(maxBatch: batch)
    model.initializeParameters(seed: training.seed ?? 1)
    let trainer = Trainer(model: model, preprocessing: Preprocessing())
    _ = trainer.timeEpoch(dataset, batchSize: batch, seed: 1, limit: 20)  // warm-up
    // Three timed epochs; the figures are the median one's (this shared machine's runs vary by ±20%).
    var runs: [(seconds: Double, layers: [Double])] = []
    for run in 0..<3 {
      let probe = StepProbe(layers: info.layers.count)
      model.probe = probe
      runs.append((trainer.timeEpoch(dataset, batchSize: batch, seed: UInt64(2 + run), limit: nil), probe.seconds))
      model.probe = nil
    }
    let all = runs.map(\.seconds)
    if let images = dataset.images { print(imageSummary(images, trainingSeconds: all.reduce(0, +))) }  // does decoding keep up?
    let (epochSeconds, layerSeconds) = runs.sorted { $0.seconds < $1.seconds }[1]

    // OpenBLAS alone on exactly the GEMMs the epoch ran, per layer.
    let full = dataset.count / batch, tail = dataset.count % batch
    var measured: [String: Double] = [:]  // a recurrent layer repeats its step GEMMs: measure each shape once
    func gemmCost(_ layer: GemmLayer) -> (seconds: Double, flops: Double) {
      var seconds = 0.0, flops = 0.0
      for (count, n) in [(full, batch), (1, tail)] where count > 0 && n > 0 {
        for shape in layer.trainingGemms(batch: n) {
          let once = measured[shape.description] ?? measureSgemm(shape)
          measured[shape.description] = once
          seconds += once * Double(count)
          flops += shape.flops * Double(count)
        }
      }
      return (seconds, flops)
    }
    print("BLAS: \(blasCoreName), \(blasThreads) thread(s)")
    print("epoch: \(formatFixed(epochSeconds, 3)) s for \(dataset.count) samples (batch \(batch)) - \(formatFixed(Double(dataset.count) / epochSeconds, 0)) samples/s"
      + " (median of \(all.map { formatFixed($0, 3) }.joined(separator: ", ")) s)")
    print("per layer, forward + backward over the epoch (GFLOP/s counts the GEMM work; sgemm = OpenBLAS alone on the same GEMMs):")
    var parts: [Bool: (seconds: Double, flops: Double, gemmSeconds: Double)] = [:]
    for (index, layer) in info.layers.enumerated() {
      let seconds = layerSeconds[index]
      var line = "  \(layer.name) (\(layer.className)): \(formatFixed(seconds, 3)) s"
      if let gemm = info.gemmLayers.first(where: { $0.name == layer.name }) {
        let cost = gemmCost(gemm)
        line += " - \(formatFixed(cost.flops / seconds / 1e9, 1)) GFLOP/s (sgemm \(formatFixed(cost.flops / cost.seconds / 1e9, 1)))"
        let part = parts[gemm.isConvolution] ?? (0, 0, 0)
        parts[gemm.isConvolution] = (part.seconds + seconds, part.flops + cost.flops, part.gemmSeconds + cost.seconds)
      }
      if seconds > 0 { print(line) }
    }
    let stepSeconds = layerSeconds.reduce(0, +)
    print("  loss: \(formatFixed(layerSeconds[info.layers.count], 3)) s; gradient zeroing: \(formatFixed(layerSeconds[info.layers.count + 1], 3)) s; "
      + "optimizer and batching: \(formatFixed(epochSeconds - stepSeconds, 3)) s")
    var gemmSeconds = 0.0, flops = 0.0
    for (isConvolution, part) in parts.sorted(by: { $0.key && !$1.key }) {
      print("\(isConvolution ? "conv" : "dense/recurrent") part: \(formatFixed(part.seconds, 3)) s, \(formatFixed(part.flops / part.seconds / 1e9, 1)) GFLOP/s achieved; "
        + "OpenBLAS sgemm on its GEMMs: \(formatFixed(part.flops / part.gemmSeconds / 1e9, 1)) GFLOP/s")
      gemmSeconds += part.gemmSeconds
      flops += part.flops
    }
    print("whole epoch: \(formatFixed(flops / epochSeconds / 1e9, 1)) GFLOP/s; ratio to sgemm: \(formatFixed(100 * gemmSeconds / epochSeconds, 1))% (GEMM-only time \(formatFixed(gemmSeconds, 3)) s)")
    let (step, update) = trainer.timeStepParts(dataset, batchSize: batch)
    print("per batch: forward+backward \(formatFixed(step * 1e3, 3)) ms, optimizer update \(formatFixed(update * 1e3, 3)) ms")
  }
}


/// Random inputs in [0, 1) and random valid targets, for benchmarks without data.
func syntheticDataset(info: ModelInfo, count: Int) -> Dataset {
  var rng = Random(seed: 7)
  let x = (0..<(count * info.inputSize)).map { _ in rng.nextUnitFloat() }
  var y = [Float](repeating: 0, count: count * info.targetSize)
  for r in 0..<count {
    let label = Int(rng.next() % UInt64(max(info.outputSize, 2)))
    switch info.loss {
    case .sparseCategoricalCrossentropy: y[r] = Float(label)
    case .categoricalCrossentropy: y[r * info.targetSize + label % info.targetSize] = 1
    case .binaryCrossentropy: for c in 0..<info.targetSize { y[r * info.targetSize + c] = Float(label % 2) }
    default: for c in 0..<info.targetSize { y[r * info.targetSize + c] = rng.nextUnitFloat() }
    }
  }
  return Dataset(x: DataArray(shape: [count, info.inputSize], values: x), y: DataArray(shape: [count, info.targetSize], values: y))
}
