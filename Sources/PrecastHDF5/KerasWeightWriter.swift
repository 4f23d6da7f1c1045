// KerasWeightWriter.swift: writes weights in a layout Keras loads, atomically (temp file + rename).

import CHDF5
import Glibc
import PrecastCore

// MARK: - Public entry point

extension KerasWeightFile {
  /// The `keras_version` written to legacy files and to a `.keras` archive's metadata.json (the Keras whose layouts
  /// Precast writes).
  public static let kerasVersion = "3.15.1"
  /// The `backend` attribute written to legacy files (Keras only reads it to convert Theano-era files).
  static let backend = "tensorflow"
  /// The `precast_version` attribute written to legacy files.
  static let precastVersion = "0.1"

  /// Writes a file Keras loads.
  ///
  /// `.legacyModel` writes the `model.save` layout: root attributes `backend`/`keras_version`,
  /// `model_config` (the JSON string given, if non-nil), group `model_weights` with `layer_names`
  /// (every layer, weightless included), and per layer `weight_names` + datasets.
  /// `.legacyWeights` writes the same without `model_config`, with `model_weights`'s contents at the root.
  /// `.kerasWeights` writes the Keras 3 `save_weights` layout (`layers/<group>/vars/<i>` with `@name`,
  /// an empty `vars` group at the root and for weightless layers). Extras go to "/precast/<key>"
  /// float32 datasets in all formats.
  ///
  /// Written atomically (`writeFileAtomically`: "<path>.tmp<pid>", fsync, rename(2), folder fsync); on any error the
  /// temp file is removed and `path` is untouched.
  /// - Parameters:
  ///   - values: One flat row-major array per weight, layer order then weight order.
  ///   - classNames: String labels' classes in index order, saved as the attribute `precast/class_names`.
  /// - Throws: `HDF5Error` with a one-line message starting with `path`.
  public static func write(
    path: String, format: KerasWeightFormat, modelName: String, layers: [LayerInfo], values: [[Float]],
    modelConfig: String?, extras: [String: [Float]], optimizer: OptimizerVariables? = nil, classNames: [String]? = nil
  ) throws(HDF5Error) {
    HDF5Diagnostics.silence()
    let writer = WeightFileWriter(
      format: format, modelName: modelName, layers: layers, values: values, modelConfig: modelConfig,
      extras: extras, optimizer: optimizer, classNames: classNames)
    do throws(HDF5Error) {
      try writer.validate()
      // Built in memory, then written by Precast's own atomic writer: libhdf5 never writes to the disk, so a full
      // disk is one clear error (and no half-closed HDF5 file is left for the library's exit handler).
      let bytes = try HDF5Lock.run { () throws(HDF5Error) in
        defer { H5garbage_collect() }
        return try writer.image()
      }
      malloc_trim(0)
      if let failure = writeFileAtomically(bytes, to: path) { throw HDF5Error(failure) }
    } catch {
      throw error.prefixed(with: path)
    }
  }

  /// The bytes of the file `write` would write, built in memory (for the `model.weights.h5` member of a `.keras`
  /// archive, which its writer stores atomically).
  /// - Throws: `HDF5Error` with a one-line message starting with `name`.
  public static func image(
    name: String, format: KerasWeightFormat, modelName: String, layers: [LayerInfo], values: [[Float]],
    modelConfig: String?, extras: [String: [Float]], optimizer: OptimizerVariables? = nil, classNames: [String]? = nil
  ) throws(HDF5Error) -> [UInt8] {
    HDF5Diagnostics.silence()
    let writer = WeightFileWriter(
      format: format, modelName: modelName, layers: layers, values: values, modelConfig: modelConfig,
      extras: extras, optimizer: optimizer, classNames: classNames)
    do throws(HDF5Error) {
      try writer.validate()
      return try HDF5Lock.run { () throws(HDF5Error) in
        defer { H5garbage_collect() }
        return try writer.image()
      }
    } catch {
      throw error.prefixed(with: name)
    }
  }
}

// MARK: - Writer

/// Validates and writes one weights file; messages it throws do not include the path.
struct WeightFileWriter {
  let format: KerasWeightFormat
  let modelName: String
  let layers: [LayerInfo]
  let values: [[Float]]
  let modelConfig: String?
  let extras: [String: [Float]]
  let optimizer: OptimizerVariables?
  let classNames: [String]?

  // MARK: Validation

  /// Checks names, shapes and value counts before anything is created on disk.
  func validate() throws(HDF5Error) {
    try validateLayerNames()
    let weights = layers.flatMap { layer in layer.weights.map { (layer, $0) } }
    guard values.count == weights.count else {
      throw HDF5Error("got \(values.count) value arrays for \(weights.count) weights")
    }
    for ((layer, weight), array) in zip(weights, values) {
      guard let count = elementCount(weight.shape) else {
        throw HDF5Error("layer \(layer.label) weight '\(weight.name)' has an invalid shape \(weight.shape)")
      }
      guard array.count == count else {
        throw HDF5Error(
          "layer \(layer.label) weight '\(weight.name)' has shape \(weight.shape) (\(count) values), "
            + "got \(array.count) values")
      }
    }
    try validateExtraNames()
  }

  private func validateLayerNames() throws(HDF5Error) {
    var seen = Set<String>()
    for layer in layers {
      guard isValidName(layer.name) else { throw HDF5Error("invalid layer name '\(layer.name)'") }
      guard seen.insert(layer.name).inserted else { throw HDF5Error("duplicate layer name '\(layer.name)'") }
      var weightNames = Set<String>()
      for weight in layer.weights {
        guard !weight.name.isEmpty, !weight.name.hasPrefix("/"), weightNames.insert(weight.name).inserted else {
          throw HDF5Error("layer \(layer.label): invalid or duplicate weight name '\(weight.name)'")
        }
      }
    }
    if format == .legacyWeights, !extras.isEmpty || classNames != nil, seen.contains("precast") {
      throw HDF5Error("a layer named 'precast' clashes with the extras group in the legacy-weights format")
    }
  }

  private func validateExtraNames() throws(HDF5Error) {
    for key in extras.keys where !isValidName(key) {
      throw HDF5Error("invalid extra name '\(key)'")
    }
  }

  /// A single HDF5 link name: non-empty, no "/", not "." or "..".
  private func isValidName(_ name: String) -> Bool {
    !name.isEmpty && !name.contains("/") && name != "." && name != ".."
  }

  // MARK: Writing

  /// The file's bytes, built in libhdf5's in-memory (core) driver.
  func image() throws(HDF5Error) -> [UInt8] {
    let file = try H5Write.createImage()
    defer { H5Fclose(file) }
    try populate(file)
    return try H5Write.imageBytes(file)
  }

  /// Writes the layout, the extras and the optimizer's state into the open `file`.
  func populate(_ file: hid_t) throws(HDF5Error) {
    switch format {
    case .legacyModel: try writeLegacyModel(file)
    case .legacyWeights: try writeLegacyWeights(file)
    case .kerasWeights: try writeKerasWeights(file)
    }
    try writeExtras(file)
    if let optimizer { try writeOptimizer(file, optimizer) }
  }

  /// Root attributes, `model_config`, and the weights under `model_weights`.
  private func writeLegacyModel(_ file: hid_t) throws(HDF5Error) {
    try writeVersionAttributes(file)
    try H5Write.stringAttribute(file, "precast_version", KerasWeightFile.precastVersion)
    if let modelConfig { try H5Write.stringAttribute(file, "model_config", modelConfig) }
    let group = try H5Write.createGroup(file, "model_weights")
    defer { H5Gclose(group) }
    try writeLegacyWeightGroups(group)
  }

  /// The weights-only legacy layout: `model_weights`'s contents at the root.
  private func writeLegacyWeights(_ file: hid_t) throws(HDF5Error) {
    let root = try H5Read.openGroup(file, "/")
    defer { H5Gclose(root) }
    try H5Write.stringAttribute(root, "precast_version", KerasWeightFile.precastVersion)
    try writeLegacyWeightGroups(root)
  }

  private func writeVersionAttributes(_ loc: hid_t) throws(HDF5Error) {
    try H5Write.stringAttribute(loc, "backend", KerasWeightFile.backend)
    try H5Write.stringAttribute(loc, "keras_version", KerasWeightFile.kerasVersion)
  }

  /// `layer_names`, one group per layer with `weight_names` ("<layer>/<weight>") and its datasets,
  /// and an empty `top_level_model_weights` group, as Keras writes them.
  private func writeLegacyWeightGroups(_ root: hid_t) throws(HDF5Error) {
    try writeVersionAttributes(root)
    try H5Write.stringListAttribute(root, "layer_names", layers.map(\.name))
    var valueIndex = 0
    for layer in layers {
      let group = try H5Write.createGroup(root, layer.name)
      defer { H5Gclose(group) }
      let weightNames = layer.weights.map { "\(layer.name)/\($0.name)" }
      try H5Write.stringListAttribute(group, "weight_names", weightNames)
      for (weightName, weight) in zip(weightNames, layer.weights) {
        try H5Write.floatDataset(group, weightName, shape: weight.shape, values: values[valueIndex])
        valueIndex += 1
      }
    }
    let topLevel = try H5Write.createGroup(root, "top_level_model_weights")
    defer { H5Gclose(topLevel) }
    try H5Write.stringListAttribute(topLevel, "weight_names", [])
  }

  /// `layers/<class-based group>/vars/<i>` (RNNs: `cell/vars`), and the model's empty `vars`.
  private func writeKerasWeights(_ file: hid_t) throws(HDF5Error) {
    let groupNames = KerasNaming.weightsGroupNames(layers.map(\.className))
    let layersGroup = try H5Write.createGroup(file, "layers")
    defer { H5Gclose(layersGroup) }
    var valueIndex = 0
    for (layer, groupName) in zip(layers, groupNames) {
      let vars = try createNamedGroup(layersGroup, "\(groupName)/vars", name: layer.name)
      defer { H5Gclose(vars) }
      for (path, range) in KerasNaming.variableGroups(group: groupName, className: layer.className, weightCount: layer.weights.count) {
        var target = vars
        if path != "layers/\(groupName)/vars" {
          let relative = String(path.dropFirst("layers/".count))
          if layer.className == KerasNames.bidirectionalClassName, let first = layer.weights[range].first {
            // forward_layer/vars named "forward_lstm", forward_layer/cell/vars named "lstm_cell" (from the weight names)
            let parts = KerasNames.bidirectionalParts(first.name)
            let side = String(relative.dropLast("/cell/vars".count))
            H5Gclose(try createNamedGroup(layersGroup, "\(side)/vars", name: parts?.layer ?? side))
            target = try createNamedGroup(layersGroup, relative, name: parts?.cell ?? "cell")
          } else {
            target = try createNamedGroup(layersGroup, relative, name: KerasNames.cellName(layer.className))
          }
        }
        defer { if target != vars { H5Gclose(target) } }
        for (index, weight) in layer.weights[range].enumerated() {
          try H5Write.floatDataset(target, "\(index)", shape: weight.shape, values: values[valueIndex])
          valueIndex += 1
        }
      }
    }
    let modelVars = try createNamedGroup(file, "vars", name: modelName)
    H5Gclose(modelVars)
  }

  /// Creates a group (and its parents) carrying the string attribute `name`.
  private func createNamedGroup(_ loc: hid_t, _ path: String, name: String) throws(HDF5Error) -> hid_t {
    let group = try H5Write.createGroup(loc, path)
    do throws(HDF5Error) {
      try H5Write.stringAttribute(group, "name", name)
    } catch {
      H5Gclose(group)
      throw error
    }
    return group
  }

  /// "/precast/<key>" float32 1-D datasets, in key order, and the string-list attribute `precast/class_names`.
  private func writeExtras(_ file: hid_t) throws(HDF5Error) {
    guard !extras.isEmpty || classNames != nil else { return }
    let group = try H5Write.createGroup(file, "precast")
    defer { H5Gclose(group) }
    for key in extras.keys.sorted() {
      let array = extras[key] ?? []
      try H5Write.floatDataset(group, key, shape: [array.count], values: array)
    }
    if let classNames { try H5Write.stringListAttribute(group, "class_names", classNames) }
  }
}
