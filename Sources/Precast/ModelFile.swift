// ModelFile.swift: `precast generate MyNet.swift`: compile a user's model file against Precast, then run it.
import Foundation

/// Evaluates a user's model file by compiling it, with Precast, into a small runner executable.
public enum ModelFileRunner {
  /// Builds and runs the runner for `file`, which generates its model(s).
  public static func generate(file: String, output: String?, check: Bool) throws {
    let fm = FileManager.default
    let source = URL(fileURLWithPath: file).standardizedFileURL
    guard let text = try? String(contentsOf: source, encoding: .utf8) else {
      throw SpecError("\(file): cannot read the model file")
    }
    let modelsName: String
    if text.range(of: #"(?m)^\s*(public\s+)?let\s+models\b"#, options: .regularExpression) != nil {
      modelsName = "models"
    } else if text.range(of: #"(?m)^\s*(public\s+)?let\s+model\b"#, options: .regularExpression) != nil {
      modelsName = "[model]"
    } else {
      throw SpecError("\(file): define `let model = Sequential(…) { … }.compile(…)` (or `let models = [ … ]`) at top level")
    }

    // A package per model file name, kept between runs so rebuilding is incremental.
    let cache = URL(fileURLWithPath: PrecastPaths.root).appendingPathComponent(".build-models")
      .appendingPathComponent(source.deletingPathExtension().lastPathComponent)
    let sources = cache.appendingPathComponent("Sources/runner")
    try fm.createDirectory(at: sources, withIntermediateDirectories: true)
    let manifest = """
      // swift-tools-version:6.0
      import PackageDescription
      let package = Package(
        name: "runner",
        dependencies: [.package(name: "Precast", path: "\(PrecastPaths.root)")],
        targets: [.executableTarget(name: "runner", dependencies: [.product(name: "Precast", package: "Precast")])]
      )

      """
    try writeIfChanged(manifest, to: cache.appendingPathComponent("Package.swift"))
    try writeIfChanged("@_exported import Precast\n", to: sources.appendingPathComponent("Imports.swift"))
    let main = text + "\n\n// Appended by precast generate:\nrunModelFile(\(modelsName), source: \"\(file)\")\n"
    try writeIfChanged(main, to: sources.appendingPathComponent("main.swift"))

    print("Compiling \(file) against Precast…")
    let build = try run("/usr/bin/env", ["swift", "build", "--package-path", cache.path], captureOutput: true)
    guard build.status == 0 else {
      let mainPath = sources.appendingPathComponent("main.swift").path
      // The compiler's first error in the user's file, one line ("Model.swift:2:9: type … has no member …").
      let errors = build.output.split(separator: "\n").filter { $0.hasPrefix(mainPath + ":") && $0.contains(": error: ") }
        .map { $0.replacingOccurrences(of: mainPath, with: file).replacingOccurrences(of: ": error: ", with: ": ") }
        .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }  // swiftc reports some errors twice
      guard let first = errors.first else {
        let line = build.output.split(separator: "\n").first { $0.contains("error:") } ?? "the Swift compiler failed"
        throw SpecError("\(file) does not compile: \(line)")
      }
      let more = errors.count > 1 ? " (and \(errors.count - 1) more error\(errors.count > 2 ? "s" : ""))" : ""
      throw SpecError("\(first)\(more)")
    }
    var arguments: [String] = []
    if let output { arguments += ["--output", URL(fileURLWithPath: output).standardizedFileURL.path] }
    if check { arguments.append("--check") }
    let runner = cache.appendingPathComponent(".build/debug/runner").path
    let result = try run(runner, arguments, captureOutput: false)
    guard result.status == 0 else { throw ExitCodeError(status: result.status) }
  }

  private static func writeIfChanged(_ text: String, to url: URL) throws {
    if let old = try? String(contentsOf: url, encoding: .utf8), old == text { return }
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  private static func run(_ executable: String, _ arguments: [String], captureOutput: Bool) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    if captureOutput {
      process.standardOutput = pipe
      process.standardError = pipe
    }
    try process.run()
    let data = captureOutput ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}

/// The runner exited non-zero (it already printed its error).
public struct ExitCodeError: Error, CustomStringConvertible {
  public var status: Int32
  public var description: String { "the model file's runner failed (exit \(status))" }
}

/// Called at the end of a compiled model file: generates every model it defines.
/// Arguments: `--output DIR` (one model) and `--check`.
public func runModelFile(_ models: [Model], source: String) {
  let args = CommandLine.arguments
  let check = args.contains("--check")
  let output = args.firstIndex(of: "--output").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
  do {
    if output != nil && models.count > 1 { throw SpecError("\(source) defines \(models.count) models; --output needs exactly one") }
    for model in models { try generate(model, source: source, output: output, check: check) }
  } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
  }
}
