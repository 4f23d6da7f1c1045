// KerasArchive.swift: Keras 3's `.keras` model files (`model.save("x.keras")`), read and written without unzipping to
// disk: a zip of metadata.json, config.json (architecture and compile config) and model.weights.h5 (the
// `.weights.h5` layout), whose HDF5 image libhdf5 opens from memory.

/// Keras 3's `.keras` archive (`keras/src/saving/saving_lib.py`).
public enum KerasArchive {
  static let metadataMember = "metadata.json"
  static let configMember = "config.json"
  static let weightsMember = "model.weights.h5"
  /// Written by Keras for `save(…, weights_format="npz")`, which Precast does not read.
  static let npzWeightsMember = "model.weights.npz"

  /// Whether `path` is read and written as a `.keras` archive: named `*.keras`, or (reading) a zip of any name.
  public static func isArchive(path: String) -> Bool {
    path.hasSuffix(".keras") || ZipArchive.isZipFile(path: path)
  }

  // MARK: Reading

  /// Where the weights of `path` are: the file itself, or, for a `.keras` archive, its `model.weights.h5` in memory
  /// (config.json checked to be a JSON object first).
  /// - Throws: one line naming the file and the problem (not a zip, truncated, no `model.weights.h5`, an unknown
  ///   compression method, a config that is not JSON, …).
  public static func weightsSource(path: String) throws(PrecastError) -> HDF5Source {
    guard isArchive(path: path) else { return .file(path) }
    do {
      let archive = try ZipArchive.read(path: path)
      guard let config = try archive.contents(of: configMember) else {
        throw PrecastError("\(path): not a Keras model archive (no \(configMember))")
      }
      try checkConfig(config, path: path)
      guard let weights = try archive.contents(of: weightsMember) else {
        if archive.member(npzWeightsMember) != nil {
          throw PrecastError("\(path): holds \(npzWeightsMember) (weights_format=\"npz\"); save with the default weights format")
        }
        throw PrecastError("\(path): no \(weightsMember) in the archive")
      }
      return .image(weights, name: "\(path)/\(weightsMember)")
    } catch let error as PrecastError {
      throw error
    } catch {
      throw PrecastError("\(error)")
    }
  }

  /// config.json must be a JSON object: Keras's serialised model.
  static func checkConfig(_ bytes: [UInt8], path: String) throws(PrecastError) {
    let config: JSON
    do { config = try JSON.parse(bytes) } catch { throw PrecastError("\(path): \(configMember) is not JSON (\(error))") }
    guard case .object = config, config["class_name"] != nil else {
      throw PrecastError("\(path): \(configMember) is not a Keras model config (no class_name)")
    }
  }

  // MARK: Writing

  /// Writes `path` as Keras does: metadata.json, config.json (the model's `model_config` with `compile_config`), then
  /// the `.weights.h5` image, every member stored; atomically (a temporary file beside it, then rename).
  public static func write(path: String, modelConfig: String, compileConfig: JSON, weightsImage: [UInt8]) throws(PrecastError) {
    let config: JSON
    do { config = try JSON.parse(modelConfig) } catch { throw PrecastError("\(path): the model's config is not JSON (\(error))") }
    let now = ZipWriter.Timestamp.now()
    let metadata = JSON.object([("keras_version", .string(KerasWeightFile.kerasVersion)), ("date_saved", .string(dateSaved(now)))])
    let members: [(name: String, bytes: [UInt8])] = [
      (metadataMember, Array(metadata.rendered.utf8)),
      (configMember, Array(config.setting("compile_config", to: compileConfig).rendered.utf8)),
      (weightsMember, weightsImage),
    ]
    let bytes: [UInt8]
    do { bytes = try ZipWriter.archive(members, modified: now) } catch { throw PrecastError("\(path): \(error)") }
    try writeBinaryFileAtomically(bytes, to: path)
  }

  /// Keras's `date_saved`: `%Y-%m-%d@%H:%M:%S`, local time.
  static func dateSaved(_ t: ZipWriter.Timestamp) -> String {
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(t.year)-\(two(t.month))-\(two(t.day))@\(two(t.hour)):\(two(t.minute)):\(two(t.second))"
  }
}
