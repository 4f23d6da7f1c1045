// FuzzTargets.swift: one entry point per file reader Precast exposes to users' files, shared by the libFuzzer binary
// (`Tests/Fuzz`, run by `Scripts/fuzz.sh`) and by the tests that replay its seed corpora and every input it ever
// found a problem with (`Tests/Fuzz/Regressions`).

import Glibc
import PrecastCore
import PrecastData
import PrecastHDF5
import PrecastRuntime

/// A reader under test. `run(_:)` hands the bytes to the reader the way a user's file reaches it (written to a file
/// of the right name, then read by path) and checks the contract every reader keeps: it returns a value or a
/// one-line error that names the file. Anything else, a crash, a trap, a hang or a multi-line or anonymous message,
/// is a finding: `run` traps so that libFuzzer records the input.
public enum FuzzTarget: String, CaseIterable, Sendable {
  case csv, npy, idx, idxGzip = "idx-gz", netpbm, cifar, sequences, glove, json, hdf5, keras, png, jpeg

  /// The name the bytes are given on disk: the readers choose by name, as `DataLoader.load` does.
  var fileName: String {
    switch self {
    case .csv: "data.csv"
    case .npy: "data.npy"
    case .idx: "images-idx3-ubyte"
    case .idxGzip: "images-idx3-ubyte.gz"
    case .netpbm: "image.pgm"
    case .cifar: "data_batch_1.bin"
    case .sequences: "reviews.txt"
    case .glove: "glove.txt"
    case .json: "config.json"
    case .hdf5: "model.h5"
    case .keras: "model.keras"
    case .png: "picture.png"
    case .jpeg: "picture.jpg"
    }
  }

  /// What a reader did with an input.
  public enum Outcome: Equatable, Sendable {
    case accepted
    case rejected(String)
  }

  /// Reads `bytes` with this target's reader; traps on a broken contract (see the type's documentation).
  @discardableResult
  public func run(_ bytes: [UInt8]) -> Outcome {
    let path = FuzzScratch.folder + "/" + fileName
    FuzzScratch.write(bytes, to: path)
    let outcome = read(path: path, bytes: bytes)
    if case .rejected(let message) = outcome {
      precondition(!message.contains("\n"), "\(rawValue): a message of more than one line: \(message)")
      precondition(message.contains(fileName), "\(rawValue): a message that does not name the file: \(message)")
    }
    return outcome
  }

  private func read(path: String, bytes: [UInt8]) -> Outcome {
    do throws(any Error) {
      switch self {
      case .csv:  // numbers only, or text labels in the last column
        do { _ = try DataLoader.load(path: path) } catch { _ = try CSVReader.readTextLabeled(path: path) }
      case .npy, .netpbm, .cifar:
        _ = try DataLoader.load(path: path)
      case .idx, .idxGzip:
        _ = try DataLoader.load(path: path)
        _ = try DataLoader.loadBytes(path: path)
      case .sequences:
        let sequences = try readSequences(path: path)
        _ = padSequences(sequences, maxlen: 8)
      case .glove:
        _ = try gloveMatrix(path: path, vocabulary: ["the", "movie", "was", "great", "bad"], dimension: 4)
      case .json:
        do { _ = try JSON.parse(bytes) } catch { return .rejected("\(fileName): \(error)") }
      case .hdf5:
        try readWeightFile(.file(path), name: path)
        _ = try KerasWeightFile.modelConfigAttributes(path: path)
      case .keras:
        try readWeightFile(try KerasArchive.weightsSource(path: path), name: path)
      case .png, .jpeg:
        let image = try ImageCodec.read(path: path)
        var resized = [Float](repeating: 0, count: 8 * 8 * image.channels)
        resized.withUnsafeMutableBufferPointer { image.resized(height: 8, width: 8, into: $0.baseAddress!) }
      }
      return .accepted
    } catch {
      return .rejected("\(error)")
    }
  }

  /// The weights of a small Dense model (the Pima tutorial's 8→12→8→1) and any optimizer state, read from `source`.
  private func readWeightFile(_ source: HDF5Source, name: String) throws {
    _ = try KerasWeightFile.read(source, layers: Self.pimaLayers)
    _ = try KerasWeightFile.readOptimizer(source)
  }

  static let pimaLayers = [
    LayerInfo(name: "dense", className: "Dense", weights: [WeightInfo(name: "kernel", shape: [8, 12]), WeightInfo(name: "bias", shape: [12])]),
    LayerInfo(name: "dense_1", className: "Dense", weights: [WeightInfo(name: "kernel", shape: [12, 8]), WeightInfo(name: "bias", shape: [8])]),
    LayerInfo(name: "dense_2", className: "Dense", weights: [WeightInfo(name: "kernel", shape: [8, 1]), WeightInfo(name: "bias", shape: [1])]),
  ]
}

/// A private folder for the files the targets read (in /dev/shm when it exists: no disk writes per input).
enum FuzzScratch {
  static let folder: String = {
    let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    let path = "\(base)/precast-fuzz-\(getpid())"
    mkdir(path, 0o700)
    atexit { removeFolder() }
    return path
  }()

  /// Removes the folder and the files the targets wrote.
  static func removeFolder() {
    for target in FuzzTarget.allCases { unlink(folder + "/" + target.fileName) }
    rmdir(folder)
  }

  static func write(_ bytes: [UInt8], to path: String) {
    do { try FileIO.write(bytes, path: path) } catch { preconditionFailure("\(error)") }
  }

}
