// KerasWeightReader.swift: reads a model's weights from any of Keras's three HDF5 layouts, matched like Keras does.

import CHDF5

// MARK: - Public entry point

extension KerasWeightFile {
  /// Reads the weights of `layers` from any of the three formats (detected from the file's contents, not its name).
  ///
  /// Legacy files are matched like Keras: the layers of `layers` that have weights are paired in
  /// order with the file's layers whose `weight_names` is non-empty. `.weights.h5` files are found
  /// by Keras's class-based group names (`layers/dense_1/vars/0`, …).
  /// - Parameters:
  ///   - path: The file to read.
  ///   - layers: The model's layers in order, weightless ones included.
  /// - Returns: One flat row-major array per weight, plus any Precast extras.
  /// - Throws: `HDF5Error` with a one-line message starting with `path`.
  public static func read(path: String, layers: [LayerInfo]) throws(HDF5Error) -> LoadedWeights {
    try read(.file(path), layers: layers)
  }

  /// The same from a file on disk or an HDF5 image in memory (a `.keras` archive's `model.weights.h5`).
  /// - Throws: `HDF5Error` with a one-line message starting with `source.name`.
  public static func read(_ source: HDF5Source, layers: [LayerInfo]) throws(HDF5Error) -> LoadedWeights {
    HDF5Diagnostics.silence()
    do throws(HDF5Error) {
      return try HDF5Lock.run { () throws(HDF5Error) in
        try HDF5Sandbox.run(bytes: source.byteCount) { () throws(HDF5Error) in
          let file = try H5Read.open(source)
          defer { H5Fclose(file) }
          return try WeightFileReader(file: file, layers: layers).read()
        }
      }
    } catch {
      throw error.prefixed(with: source.name)
    }
  }
}

// MARK: - Reader

/// Reads one open file; messages it throws do not include the path (the entry point adds it).
struct WeightFileReader {
  let file: hid_t
  let layers: [LayerInfo]

  func read() throws(HDF5Error) -> LoadedWeights {
    let format = try detectFormat()
    let values: [[Float]]
    switch format {
    case .legacyModel:
      let root = try H5Read.openGroup(file, "model_weights")
      defer { H5Gclose(root) }
      values = try LegacyLayout(root: root, prefix: "model_weights/", layers: layers).read()
    case .legacyWeights:
      let root = try H5Read.openGroup(file, "/")
      defer { H5Gclose(root) }
      values = try LegacyLayout(root: root, prefix: "", layers: layers).read()
    case .kerasWeights:
      values = try KerasWeightsLayout(file: file, layers: layers).read()
    }
    return LoadedWeights(format: format, values: values, extras: try readExtras(), classNames: try readClassNames())
  }

  /// The layout, from the file's contents.
  func detectFormat() throws(HDF5Error) -> KerasWeightFormat {
    if H5Read.isGroup(file, "model_weights") { return .legacyModel }
    if H5Read.attributeExists(file, "layer_names") || H5Read.attributeExists(file, "layer_names0") {
      return .legacyWeights
    }
    if H5Read.isGroup(file, "layers") { return .kerasWeights }
    throw HDF5Error("is an HDF5 file but not a Keras weights file (no model_weights, layer_names or layers)")
  }

  // MARK: Extras

  /// Every dataset of the group "/precast", as flat Float arrays.
  func readExtras() throws(HDF5Error) -> [String: [Float]] {
    guard H5Read.isGroup(file, "precast") else { return [:] }
    let group = try H5Read.openGroup(file, "precast")
    defer { H5Gclose(group) }
    var extras: [String: [Float]] = [:]
    for name in try H5Read.childNames(group) {
      switch H5Read.lookup(group, name) {
      case .dataset: extras[name] = try readExtra(group, name)
      case .unreadable(let reason): throw HDF5Error("cannot open extra 'precast/\(name)' (damaged file?): \(reason)")
      default: continue
      }
    }
    return extras
  }

  /// The string-list attribute `precast/class_names`, or nil.
  func readClassNames() throws(HDF5Error) -> [String]? {
    guard H5Read.isGroup(file, "precast") else { return nil }
    let group = try H5Read.openGroup(file, "precast")
    defer { H5Gclose(group) }
    guard H5Read.attributeExists(group, "class_names") else { return nil }
    return try H5Read.stringList(group, "class_names")
  }

  private func readExtra(_ group: hid_t, _ name: String) throws(HDF5Error) -> [Float] {
    let dataset = try H5Read.openDataset(group, name)
    defer { H5Dclose(dataset) }
    let type = try H5Read.elementType(dataset)
    guard type.typeClass == H5T_FLOAT || type.typeClass == H5T_INTEGER else {
      throw HDF5Error("extra 'precast/\(name)' has type \(type.name), expected float32")
    }
    let shape = try H5Read.shape(dataset)
    guard let count = elementCount(shape), count <= 1 << 28 else {
      throw HDF5Error("extra 'precast/\(name)' has an invalid shape \(shape)")
    }
    return try H5Read.floats(dataset, count: count)
  }
}

// MARK: - Reading one weight

/// Opens the dataset at `path` under `loc`, checks type and shape against `weight`, and reads it.
/// `displayPath` is the dataset's path from the file root, for messages.
func readWeight(
  _ loc: hid_t, path: String, displayPath: String, layer: LayerInfo, weight: WeightInfo
) throws(HDF5Error) -> [Float] {
  let owner = "layer \(layer.label) weight '\(weight.name)'"
  do throws(HDF5Error) {
    try H5Read.require(
      .dataset, loc, path, displayPath: displayPath, missing: "dataset '\(displayPath)' is missing from the file")
  } catch {
    throw HDF5Error("\(owner): \(error.message)")
  }
  let dataset = try H5Read.openDataset(loc, path)
  defer { H5Dclose(dataset) }
  let type = try H5Read.elementType(dataset)
  guard type.typeClass == H5T_FLOAT else {
    throw HDF5Error("\(owner): dataset '\(displayPath)' has type \(type.name), expected float32")
  }
  let shape = try H5Read.shape(dataset)
  guard shape == weight.shape else {
    throw HDF5Error("\(owner): file has shape \(shape), model expects \(weight.shape)")
  }
  guard let count = elementCount(shape) else {
    throw HDF5Error("\(owner): invalid shape \(shape)")
  }
  do throws(HDF5Error) {
    return try H5Read.floats(dataset, count: count)
  } catch {
    throw HDF5Error("\(owner): \(error.message)")
  }
}

// MARK: - Legacy layouts (model.save .h5 and save_weights .h5)

/// `layer_names` / `weight_names` layout, rooted at `model_weights` or at the file root.
struct LegacyLayout {
  let root: hid_t
  /// The root's path for messages: "model_weights/" or "".
  let prefix: String
  let layers: [LayerInfo]

  /// A file layer that has weights: its group name and its `weight_names`.
  struct FileLayer {
    var name: String
    var weightNames: [String]
  }

  func read() throws(HDF5Error) -> [[Float]] {
    let fileLayers = try layersWithWeights()
    let modelLayers = layers.filter { !$0.weights.isEmpty }
    try checkLayerCount(file: fileLayers, model: modelLayers)
    var values: [[Float]] = []
    for (fileLayer, layer) in zip(fileLayers, modelLayers) {
      values += try readLayer(fileLayer, as: layer)
    }
    return values
  }

  /// The file's layers with a non-empty `weight_names`, in `layer_names` order.
  func layersWithWeights() throws(HDF5Error) -> [FileLayer] {
    guard let names = try H5Read.listAttribute(root, "layer_names") else {
      throw HDF5Error("attribute '\(prefix)layer_names' is missing")
    }
    var result: [FileLayer] = []
    for name in names {
      try H5Read.require(
        .group, root, name, displayPath: "\(prefix)\(name)",
        missing: "layer_names lists '\(name)' but the file has no group '\(prefix)\(name)'")
      let group = try H5Read.openGroup(root, name)
      defer { H5Gclose(group) }
      let weightNames = try H5Read.listAttribute(group, "weight_names") ?? []
      if !weightNames.isEmpty { result.append(FileLayer(name: name, weightNames: weightNames)) }
    }
    return result
  }

  func checkLayerCount(file: [FileLayer], model: [LayerInfo]) throws(HDF5Error) {
    guard file.count != model.count else { return }
    let fileNames = file.map(\.name).joined(separator: ", ")
    let modelNames = model.map(\.name).joined(separator: ", ")
    throw HDF5Error(
      "the file has \(file.count) layers with weights, the model has \(model.count) "
        + "(file: \(fileNames); model: \(modelNames))")
  }

  func readLayer(_ fileLayer: FileLayer, as layer: LayerInfo) throws(HDF5Error) -> [[Float]] {
    guard fileLayer.weightNames.count == layer.weights.count else {
      throw HDF5Error(
        "layer '\(layer.name)' (\(layer.className), file layer '\(fileLayer.name)') has \(fileLayer.weightNames.count) "
          + "weights in the file, expected \(layer.weights.count) (\(layer.weightNameList))")
    }
    let group = try H5Read.openGroup(root, fileLayer.name)
    defer { H5Gclose(group) }
    var values: [[Float]] = []
    for (weightName, weight) in zip(fileLayer.weightNames, layer.weights) {
      values.append(
        try readWeight(
          group, path: weightName, displayPath: "\(prefix)\(fileLayer.name)/\(weightName)",
          layer: layer, weight: weight))
    }
    return values
  }
}

// MARK: - Keras 3 .weights.h5 layout

/// `layers/<class-based group>/vars/<i>` layout.
struct KerasWeightsLayout {
  let file: hid_t
  let layers: [LayerInfo]

  func read() throws(HDF5Error) -> [[Float]] {
    let groups = KerasNaming.weightsGroupNames(layers.map(\.className))
    var values: [[Float]] = []
    for (layer, group) in zip(layers, groups) where !layer.weights.isEmpty {
      values += try readLayer(layer, group: group)
    }
    try checkNoUnexpectedGroups(expected: Set(groups))
    return values
  }

  func readLayer(_ layer: LayerInfo, group: String) throws(HDF5Error) -> [[Float]] {
    var values: [[Float]] = []
    for (varsPath, range) in KerasNaming.variableGroups(group: group, className: layer.className, weightCount: layer.weights.count) {
      try H5Read.require(
        .group, file, varsPath, displayPath: varsPath,
        missing: "layer \(layer.label): group '\(varsPath)' is missing from the file")
      let vars = try H5Read.openGroup(file, varsPath)
      defer { H5Gclose(vars) }
      for (index, weight) in layer.weights[range].enumerated() {
        if H5Read.lookup(vars, "\(index)") == .missing {
          throw HDF5Error(
            "layer \(layer.label) weight '\(weight.name)': variable '\(varsPath)/\(index)' is missing from the file")
        }
        values.append(
          try readWeight(vars, path: "\(index)", displayPath: "\(varsPath)/\(index)", layer: layer, weight: weight))
      }
      try checkVariableCount(vars, layer: layer, varsPath: varsPath, expected: range.count)
    }
    return values
  }

  /// Keras refuses a layer whose group holds more variables than the layer has.
  func checkVariableCount(_ vars: hid_t, layer: LayerInfo, varsPath: String, expected: Int) throws(HDF5Error) {
    let stored = try H5Read.childNames(vars).filter { H5Read.isDataset(vars, $0) }
    guard stored.count == expected else {
      throw HDF5Error(
        "layer \(layer.label) has \(stored.count) variables in '\(varsPath)', "
          + "expected \(expected) (\(layer.weightNameList))")
    }
  }

  /// Fails if `layers/` holds a group with variables that no layer of the model maps to.
  func checkNoUnexpectedGroups(expected: Set<String>) throws(HDF5Error) {
    let layersGroup = try H5Read.openGroup(file, "layers")
    defer { H5Gclose(layersGroup) }
    let extra = try H5Read.childNames(layersGroup).filter { name in
      !expected.contains(name) && containsDataset(layersGroup, name, depth: 0)
    }
    guard extra.isEmpty else {
      let model = KerasNaming.weightsGroupNames(layers.map(\.className)).joined(separator: ", ")
      throw HDF5Error(
        "the file has weights for layers the model does not have: \(extra.joined(separator: ", ")) "
          + "(the model's layers are stored as: \(model))")
    }
  }

  /// Whether the object at `path` is a dataset or a group containing one (bounded depth).
  private func containsDataset(_ loc: hid_t, _ path: String, depth: Int) -> Bool {
    switch H5Read.lookup(loc, path) {
    case .dataset: return true
    case .group:
      guard depth < 8, let group = try? H5Read.openGroup(loc, path) else { return false }
      defer { H5Gclose(group) }
      let children = (try? H5Read.childNames(group)) ?? []
      return children.contains { containsDataset(group, $0, depth: depth + 1) }
    default: return false
    }
  }
}
