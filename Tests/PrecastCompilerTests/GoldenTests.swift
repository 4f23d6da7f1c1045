// GoldenTests.swift: regenerating Generated/ and Tests/Models/ must reproduce the committed files byte for byte.
import PrecastCatalogue
import Foundation
import Precast
import PrecastTestSupport
import XCTest

final class GoldenTests: XCTestCase {
  /// Fails on any difference; `PRECAST_RECORD=1 swift test --filter GoldenTests` (or `precast regenerate`) re-records.
  func testGeneratedCodeMatchesCommittedGoldenFiles() throws {
    let generator = try Generator(templatesDirectory: repositoryRoot + "/Templates")
    let files = try allGeneratedFiles(generator: generator)
    if ProcessInfo.processInfo.environment["PRECAST_RECORD"] == "1" {
      try Generator.write(files, to: repositoryRoot)
      return
    }
    // Every committed check model is still generated (a model that stopped generating fails, it is not skipped).
    let generated = Set(files.map(\.path))
    for name in try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/Tests/Models") where name.hasSuffix(".swift") {
      XCTAssertTrue(generated.contains("Tests/Models/" + name), "Tests/Models/\(name) is committed but no check model generates it")
    }
    // And every file under Generated/ (build products and SwiftPM's Package.resolved aside) is still generated.
    let root = repositoryRoot + "/Generated"
    let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: root))
    var seen = 0
    while let relative = walker.nextObject() as? String {
      let name = (relative as NSString).lastPathComponent
      if name.hasPrefix(".build") { walker.skipDescendants(); continue }
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue,
        name != "Package.resolved"
      else { continue }
      seen += 1
      XCTAssertTrue(generated.contains("Generated/" + relative), "Generated/\(relative) is committed but no example generates it")
    }
    XCTAssertGreaterThan(seen, 0)
    for file in files {
      let path = repositoryRoot + "/" + file.path
      guard let committed = try? String(contentsOfFile: path, encoding: .utf8) else {
        XCTFail("\(file.path) is missing: run `precast regenerate`")
        continue
      }
      if committed != file.contents {
        let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let new = file.contents.split(separator: "\n", omittingEmptySubsequences: false)
        let line = Array(zip(old, new)).firstIndex { $0 != $1 } ?? min(old.count, new.count)
        XCTFail("\(file.path) differs from the generator's output at line \(line + 1): run `precast regenerate` and review the diff")
      }
    }
  }

  /// The same spec always renders to identical text.
  func testGenerationIsDeterministic() throws {
    let generator = try Generator(templatesDirectory: repositoryRoot + "/Templates")
    XCTAssertEqual(
      try generator.render(Examples.fashionMLP, source: "x", precastPath: "../.."),
      try generator.render(Examples.fashionMLP, source: "x", precastPath: "../.."))
  }

  /// Generated functions stay small (the toolchain note: long straight-line functions compile slowly).
  func testGeneratedFunctionsStaySmall() throws {
    let generator = try Generator(templatesDirectory: repositoryRoot + "/Templates")
    for file in try allGeneratedFiles(generator: generator) where file.path.hasSuffix(".swift") {
      var depth = 0, statements = 0, worst = 0
      for line in file.contents.split(separator: "\n") {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if depth >= 2, !trimmed.isEmpty, !trimmed.hasPrefix("//") { statements += 1 }
        depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
        if depth <= 1 { worst = max(worst, statements); statements = 0 }
      }
      XCTAssertLessThanOrEqual(worst, 250, "\(file.path) has a function of \(worst) lines")
    }
  }

  /// Layers may carry any Keras name, Swift keywords included: the generated model still parses (its `Part` buckets
  /// become `inLayer`, `defaultLayer`), checked with `swiftc -parse`.
  func testLayersNamedAfterSwiftKeywordsGenerateValidSwift() throws {
    let model = Sequential(name: "keywords", input: [4]) {
      Dense(3, activation: .relu, name: "in")
      Dense(2, activation: .relu, name: "default")
      Dense(1, activation: .sigmoid, name: "rawValue")
    }.compile(loss: .binaryCrossentropy)
    let generator = try Generator(templatesDirectory: repositoryRoot + "/Templates")
    let file = try XCTUnwrap(try generator.render(model, source: "x", precastPath: "../..").first { $0.path.hasSuffix("Keywords.swift") })
    XCTAssertTrue(file.contents.contains("case inLayer, defaultLayer, rawValueLayer, loss, rest"), "the Part cases")
    let path = NSTemporaryDirectory() + "precast-keywords-\(getpid()).swift"
    try file.contents.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let swiftc = Process()
    swiftc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    swiftc.arguments = ["swiftc", "-parse", path]
    try swiftc.run()
    swiftc.waitUntilExit()
    XCTAssertEqual(swiftc.terminationStatus, 0, "swiftc -parse of the generated model")
  }
}
