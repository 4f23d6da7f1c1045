// TestSupport.swift: fixture locations, the reference models' architectures, CSV parsing, a plain Dense forward pass.

import Foundation
import PrecastTestSupport
import XCTest

@testable import PrecastHDF5

// MARK: - Fixtures

/// Files vendored in Tests/Fixtures/keras (see its README.md).
enum Fixtures {
  static func path(_ name: String) -> String { fixture(name) }

  /// The five weight files Keras wrote for model `name`, with the format each must be detected as.
  static func weightFiles(_ name: String) -> [(file: String, format: KerasWeightFormat)] {
    [
      ("\(name).h5", .legacyModel),
      ("\(name).tfkeras.h5", .legacyModel),
      ("\(name).tfkeras.legacy-weights.h5", .legacyWeights),
      ("\(name).weights.h5", .kerasWeights),
      ("\(name).tfkeras.weights.h5", .kerasWeights),
    ]
  }

  /// A CSV of floats, one sample per line.
  static func csv(_ name: String) throws -> [[Float]] {
    let text = try String(contentsOfFile: path(name), encoding: .utf8)
    return try text.split(whereSeparator: \.isNewline).map { line in
      try line.split(separator: ",").map { field in
        guard let value = Float(field.trimmingCharacters(in: .whitespaces)) else {
          throw HDF5Error("bad CSV field '\(field)' in \(name)")
        }
        return value
      }
    }
  }
}

// MARK: - Reference architectures

enum Models {
  static func dense(_ name: String, _ inputs: Int, _ units: Int) -> LayerInfo {
    LayerInfo(
      name: name, className: "Dense",
      weights: [WeightInfo(name: "kernel", shape: [inputs, units]), WeightInfo(name: "bias", shape: [units])])
  }

  static func weightless(_ name: String, _ className: String) -> LayerInfo {
    LayerInfo(name: name, className: className, weights: [])
  }

  /// tab: Dense 8→`hidden` relu, `hidden`→8 relu, 8→1 sigmoid.
  static func tab(hidden: Int = 12) -> [LayerInfo] {
    [dense("dense", 8, hidden), dense("dense_1", hidden, 8), dense("dense_2", 8, 1)]
  }

  /// mlp: Dense 784→512 relu, Dropout, Dense 512→512 relu, Dropout, Dense 512→10 softmax.
  static let mlp: [LayerInfo] = [
    dense("dense", 784, 512), weightless("dropout", "Dropout"), dense("dense_1", 512, 512),
    weightless("dropout_1", "Dropout"), dense("dense_2", 512, 10),
  ]

  /// bn: Dense 20→64, BatchNormalization, Activation, Dense 64→3.
  static let bn: [LayerInfo] = [
    dense("dense", 20, 64),
    LayerInfo(
      name: "batch_normalization", className: "BatchNormalization",
      weights: ["gamma", "beta", "moving_mean", "moving_variance"].map { WeightInfo(name: $0, shape: [64]) }),
    weightless("activation", "Activation"),
    dense("dense_1", 64, 3),
  ]
}

// MARK: - Forward pass

enum Activation {
  case relu, sigmoid, softmax
}

/// Runs Dense layers on `input` (one row per sample): y = x·K + b, then the activation.
/// `values` holds kernel, bias pairs in layer order.
func denseForward(_ input: [[Float]], values: [[Float]], activations: [Activation]) -> [[Double]] {
  var rows = input.map { $0.map(Double.init) }
  for (layer, activation) in activations.enumerated() {
    let kernel = values[2 * layer]
    let bias = values[2 * layer + 1]
    rows = rows.map { row in activate(affine(row, kernel: kernel, bias: bias), activation) }
  }
  return rows
}

private func affine(_ x: [Double], kernel: [Float], bias: [Float]) -> [Double] {
  let units = bias.count
  var y = bias.map(Double.init)
  for (i, xi) in x.enumerated() {
    for j in 0..<units { y[j] += xi * Double(kernel[i * units + j]) }
  }
  return y
}

private func activate(_ y: [Double], _ activation: Activation) -> [Double] {
  switch activation {
  case .relu: return y.map { max($0, 0) }
  case .sigmoid: return y.map { 1 / (1 + exp(-$0)) }
  case .softmax:
    let top = y.max() ?? 0
    let e = y.map { exp($0 - top) }
    let sum = e.reduce(0, +)
    return e.map { $0 / sum }
  }
}

// MARK: - Temporary directories and assertions

/// A fresh directory under the system temp directory, removed by `remove()`.
struct TemporaryDirectory {
  let path: String

  init() throws {
    path = NSTemporaryDirectory() + "precast-hdf5-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func file(_ name: String) -> String { "\(path)/\(name)" }

  func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Asserts that `body` throws an `HDF5Error` whose message contains every string of `fragments`,
/// and returns the message.
@discardableResult
func assertHDF5Error(
  _ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) -> String? {
  do {
    try body()
    XCTFail("expected an HDF5Error containing \(fragments)", file: file, line: line)
    return nil
  } catch let error as HDF5Error {
    for fragment in fragments {
      XCTAssertTrue(
        error.description.contains(fragment), "'\(error.description)' does not contain '\(fragment)'",
        file: file, line: line)
    }
    XCTAssertFalse(error.description.contains("\n"), "message is not one line", file: file, line: line)
    return error.description
  } catch {
    XCTFail("expected an HDF5Error, got \(error)", file: file, line: line)
    return nil
  }
}

/// Whether two weight lists are bit-for-bit identical.
func bitIdentical(_ a: [[Float]], _ b: [[Float]]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { x, y in x.map(\.bitPattern) == y.map(\.bitPattern) }
}
