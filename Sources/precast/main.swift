// main.swift: the `precast` command: list the built-in examples, generate a model package.
import ArgumentParser
import Foundation
import Precast

struct PrecastCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "precast",
    abstract: "Compile Keras-style Swift models into specialized SwiftPM packages (trainer + inference binary).",
    subcommands: [List.self, Generate.self, Summary.self, Regenerate.self])
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

PrecastCommand.main()
