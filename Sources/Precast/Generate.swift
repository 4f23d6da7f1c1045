// Generate.swift: the `generate` entry point shared by the CLI and model files: check, render, write.
import Foundation

/// Checks `model`, renders its package and writes it to `output` (default `Generated/<name>` in the checkout).
/// With `check`, prints the summary and writes nothing.
public func generate(_ model: Model, source: String, output: String?, check: Bool) throws {
  if check {
    print(try summaryText(model))
    return
  }
  let directory = output ?? PrecastPaths.root + "/Generated/" + model.name
  let generator = try Generator(templatesDirectory: PrecastPaths.templates)
  let files = try generator.render(model, source: source, precastPath: PrecastPaths.dependencyPath(from: directory))
  try Generator.write(files, to: directory)
  print("Generated \(model.name) → \(directory) (\(files.count) files)")
  print("  cd \(directory) && swift build -c release")
  print("  .build/release/\(model.name)-train --help")
}

/// Keras's `model.summary()` for a model: layers, output shapes, parameter counts.
public func summaryText(_ model: Model) throws -> String {
  let spec = try ModelSpec(model)
  let rows = spec.layers.map { SummaryRow(name: $0.name, className: $0.className, outputShape: $0.outputShape, parameters: $0.parameterCount) }
  let trainable = spec.layers.reduce(0) { $0 + $1.trainableCount }
  return kerasSummary(model: spec.name, rows: rows, trainable: trainable, nonTrainable: spec.parameterCount - trainable)
    + "\nInput: \(spec.inputShape)  Loss: \(spec.loss.rawValue)  Optimizer: \(spec.optimizer.swiftLiteral)"
}
