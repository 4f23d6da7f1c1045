import PrecastCatalogue
import Foundation
import PrecastCore
import PrecastHDF5
import PrecastTestSupport
import XCTest

@testable import Precast

/// `precast import`: Keras configs → the builder's models, checked by round trips and on real Keras files.
final class KerasImportTests: XCTestCase {
  /// Every built-in example and check model, written as Keras's model_config and compile_config and imported again,
  /// generates byte-identical code (the fit defaults and description, which Keras's configs do not carry, copied).
  func testWrittenConfigImportsToIdenticalCode() throws {
    let generator = try Generator(templatesDirectory: PrecastPaths.templates)
    for original in Examples.all + CheckModels.all {
      let spec = try ModelSpec(original)
      let config = try JSON.parse(spec.kerasModelConfig)
      let compile = kerasCompileConfig(
        loss: original.loss, fromLogits: original.fromLogits, optimizer: original.optimizer, metrics: original.metrics)
      var imported: Model
      do { imported = try KerasImport.model(config: config, compile: compile, name: original.name) } catch {
        XCTFail("\(original.name): \(error)")
        continue
      }
      imported.epochs = original.epochs
      imported.batchSize = original.batchSize
      imported.validationSplit = original.validationSplit
      imported.shuffle = original.shuffle
      imported.summary = original.summary
      let expected = try generator.render(original, source: original.name, precastPath: "../..")
      let actual = try generator.render(imported, source: original.name, precastPath: "../..")
      XCTAssertEqual(actual.map(\.path), expected.map(\.path), original.name)
      for (a, e) in zip(actual, expected) where a.contents != e.contents {
        let line = zip(a.contents.split(separator: "\n"), e.contents.split(separator: "\n")).first { $0 != $1 }
        XCTFail("\(original.name): \(a.path) differs: \(line.map { "\($0.0)\n  expected \($0.1)" } ?? "length")")
      }
      // The Swift model file names each layer only where Keras's automatic name differs.
      let file = try imported.swiftModelFile(header: ["test"])
      XCTAssertTrue(file.contains("let model = Sequential(name: \"\(original.name)\""), original.name)
    }
  }

  /// Keras 3 `.keras`/`.h5` and tf-keras `.h5` configs of the reference fixtures import, with Keras's layer classes.
  func testKerasFixturesImport() throws {
    for name in ["mlp", "cnn", "tab", "conv1d", "lstm", "gru", "bn"] {
      let json = try String(contentsOfFile: fixture("\(name).model.json"), encoding: .utf8)
      let config = try JSON.parse(json)
      let model = try KerasImport.model(config: config, compile: nil, name: name, loss: "mse")
      let classes = (config["config"]?["layers"]?.arrayValue ?? []).compactMap { $0["class_name"]?.stringValue }.filter { $0 != "InputLayer" }
      XCTAssertEqual(try ModelSpec(model).layers.map(\.className), classes, name)
    }
  }

  /// Legacy `.h5` files of Keras 3 and tf-keras 2.x (`batch_input_shape`, `Custom>Adam`, nested-list metrics) import
  /// with their layer classes and their compile settings.
  func testLegacyH5FilesOfBothDialectsImport() throws {
    for name in ["mlp", "cnn", "tab", "conv1d", "lstm", "gru", "bn"] {
      let classes = try JSON.parse(String(contentsOfFile: fixture("\(name).model.json"), encoding: .utf8))["config"]?["layers"]?
        .arrayValue?.compactMap { $0["class_name"]?.stringValue }.filter { $0 != "InputLayer" } ?? []
      for file in ["\(name).h5", "\(name).tfkeras.h5"] {
        let attributes = try KerasWeightFile.modelConfigAttributes(path: fixture(file))
        let configs = try KerasImport.configs(modelConfig: XCTUnwrap(attributes.model, file), compileConfig: attributes.training, file: file)
        let model = try KerasImport.model(config: configs.model, compile: configs.compile, name: name)
        XCTAssertEqual(try ModelSpec(model).layers.map(\.className), classes, file)
        XCTAssertEqual(model.optimizer.kerasClassName, "Adam", file)
      }
    }
  }

  func testRefusalsNameLayerClassAndArgument() {
    func refusal(_ layers: String) -> String {
      let config = try! JSON.parse(#"{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_shape": [null, 4]}}, "# + layers + "]}}")
      do {
        _ = try KerasImport.model(config: config, compile: nil, name: "s", loss: "mse")
        return "accepted"
      } catch { return error.message }
    }
    XCTAssertEqual(refusal(#"{"class_name": "Lambda", "config": {"name": "lambda"}}"#), "layer 'lambda' (Lambda): Precast has no Lambda layer (a Lambda or custom layer cannot be compiled)")
    XCTAssertEqual(refusal(#"{"class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "gelu"}}"#), #"layer 'd' (Dense): activation="gelu" is not an activation Precast computes"#)
    XCTAssertEqual(refusal(#"{"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": 3, "data_format": "channels_first"}}"#), #"layer 'c' (Conv2D): data_format="channels_first" is not supported (Precast computes "channels_last")"#)
  }
}
