// OptimizerState.swift: an optimizer's variables in the layouts Keras saves them (for --resume), read and written.
import CHDF5

/// An optimizer's variables in Keras's order (`optimizer.variables`): iteration, learning rate, then the slots.
/// `.weights.h5` stores them positionally under `optimizer/vars/<i>`; legacy `.h5` under `optimizer_weights`
/// with their paths in the `weight_names` attribute (Docs/keras-formulas.md §1).
public struct OptimizerVariables: Sendable, Equatable {
  public struct Slot: @unchecked Sendable, Equatable {
    /// Keras's variable name without the optimizer prefix, e.g. "pima_dense_kernel_momentum".
    public var name: String
    public var shape: [Int]
    /// The values read from a file.
    public var values: [Float]
    /// Or, for writing, the optimizer's own memory (no copy; valid during the write call).
    public var borrowed: UnsafeBufferPointer<Float>?

    public init(name: String, shape: [Int], values: [Float]) {
      self.name = name
      self.shape = shape
      self.values = values
    }

    public init(name: String, shape: [Int], borrowing buffer: UnsafeBufferPointer<Float>) {
      self.name = name
      self.shape = shape
      self.values = []
      self.borrowed = buffer
    }

    public var count: Int { borrowed?.count ?? values.count }

    public static func == (a: Slot, b: Slot) -> Bool {
      a.name == b.name && a.shape == b.shape && a.values == b.values && a.borrowed?.baseAddress == b.borrowed?.baseAddress
    }

    /// Writes the values (borrowed or owned) as a float32 dataset.
    func write(_ loc: hid_t, _ path: String) throws(HDF5Error) {
      if let borrowed {
        try H5Write.floatDataset(loc, path, shape: shape, buffer: borrowed)
      } else {
        try H5Write.floatDataset(loc, path, shape: shape, values: values)
      }
    }
  }

  /// Keras's optimizer name (`OptimizerConfig.kerasName`: "adam", "sgd", "rm_sprop", …).
  public var name: String
  public var iterations: Int
  public var learningRate: Float
  public var slots: [Slot]

  public init(name: String, iterations: Int, learningRate: Float, slots: [Slot]) {
    self.name = name
    self.iterations = iterations
    self.learningRate = learningRate
    self.slots = slots
  }
}

extension KerasWeightFile {
  /// The optimizer variables saved in a weights file, or nil when it has none.
  /// - Throws: `HDF5Error` with a one-line message starting with `path`.
  public static func readOptimizer(path: String) throws(HDF5Error) -> OptimizerVariables? {
    try readOptimizer(.file(path))
  }

  /// The same from a file on disk or an HDF5 image in memory.
  public static func readOptimizer(_ source: HDF5Source) throws(HDF5Error) -> OptimizerVariables? {
    HDF5Diagnostics.silence()
    let path = source.name
    do throws(HDF5Error) {
      return try HDF5Lock.run { () throws(HDF5Error) -> OptimizerVariables? in
        try HDF5Sandbox.run(bytes: source.byteCount) { () throws(HDF5Error) -> SandboxOptimizer in
          let file = try H5Read.open(source)
          defer { H5Fclose(file) }
          if H5Read.isGroup(file, "optimizer/vars") { return SandboxOptimizer(try readKerasOptimizer(file)) }
          if H5Read.isGroup(file, "optimizer_weights") { return SandboxOptimizer(try readLegacyOptimizer(file)) }
          return SandboxOptimizer(nil)
        }.value
      }
    } catch {
      throw error.prefixed(with: path)
    }
  }

  /// `optimizer/vars/0…n`, sorted numerically (h5py lists "10" before "2").
  private static func readKerasOptimizer(_ file: hid_t) throws(HDF5Error) -> OptimizerVariables {
    let vars = try H5Read.openGroup(file, "optimizer/vars")
    defer { H5Gclose(vars) }
    let indices = try H5Read.childNames(vars).compactMap { Int($0) }.sorted()
    guard indices.count >= 2, indices == Array(0..<indices.count) else {
      throw HDF5Error("optimizer/vars holds \(indices.count) variables, not 0…n with iteration and learning rate first")
    }
    var values: [(shape: [Int], values: [Float])] = []
    for index in indices { values.append(try readVariable(vars, "\(index)")) }
    let slots = values.dropFirst(2).enumerated().map { i, v in OptimizerVariables.Slot(name: "\(i + 2)", shape: v.shape, values: v.values) }
    return OptimizerVariables(
      name: "", iterations: Int(values[0].values.first ?? 0), learningRate: values[1].values.first ?? 0, slots: slots)
  }

  /// `optimizer_weights` with `weight_names` = ["adam/iteration", "adam/learning_rate", …].
  private static func readLegacyOptimizer(_ file: hid_t) throws(HDF5Error) -> OptimizerVariables {
    let group = try H5Read.openGroup(file, "optimizer_weights")
    defer { H5Gclose(group) }
    let names = try H5Read.stringList(group, "weight_names")
    guard names.count >= 2 else { throw HDF5Error("optimizer_weights lists \(names.count) variables, expected iteration and learning rate first") }
    var values: [(shape: [Int], values: [Float])] = []
    for name in names { values.append(try readVariable(group, name)) }
    let prefix = names[0].split(separator: "/").first.map(String.init) ?? ""
    let slots = zip(names, values).dropFirst(2).map { name, v in
      OptimizerVariables.Slot(name: String(name.split(separator: "/").last ?? ""), shape: v.shape, values: v.values)
    }
    return OptimizerVariables(name: prefix, iterations: Int(values[0].values.first ?? 0), learningRate: values[1].values.first ?? 0, slots: slots)
  }

  private static func readVariable(_ loc: hid_t, _ path: String) throws(HDF5Error) -> (shape: [Int], values: [Float]) {
    let dataset = try H5Read.openDataset(loc, path)
    defer { H5Dclose(dataset) }
    let shape = try H5Read.shape(dataset)
    guard let count = elementCount(shape), count <= 1 << 28 else { throw HDF5Error("optimizer variable '\(path)' has an invalid shape \(shape)") }
    return (shape, try H5Read.floats(dataset, count: count))
  }
}

extension WeightFileWriter {
  /// The optimizer's variables in the file's layout (see `OptimizerVariables`).
  func writeOptimizer(_ file: hid_t, _ optimizer: OptimizerVariables) throws(HDF5Error) {
    switch format {
    case .kerasWeights:
      let vars = try H5Write.createGroup(file, "optimizer/vars")
      defer { H5Gclose(vars) }
      try H5Write.stringAttribute(vars, "name", optimizer.name)
      try H5Write.int64Dataset(vars, "0", value: Int64(optimizer.iterations))
      try H5Write.floatDataset(vars, "1", shape: [], values: [optimizer.learningRate])
      for (i, slot) in optimizer.slots.enumerated() { try slot.write(vars, "\(i + 2)") }
    case .legacyModel, .legacyWeights:
      let group = try H5Write.createGroup(file, "optimizer_weights")
      defer { H5Gclose(group) }
      let names = ["iteration", "learning_rate"].map { "\(optimizer.name)/\($0)" } + optimizer.slots.map { "\(optimizer.name)/\($0.name)" }
      try H5Write.stringListAttribute(group, "weight_names", names)
      try H5Write.int64Dataset(group, names[0], value: Int64(optimizer.iterations))
      try H5Write.floatDataset(group, names[1], shape: [], values: [optimizer.learningRate])
      for (name, slot) in zip(names.dropFirst(2), optimizer.slots) { try slot.write(group, name) }
    }
  }
}

extension H5Write {
  /// A little-endian int64 scalar dataset at `path`.
  static func int64Dataset(_ loc: hid_t, _ path: String, value: Int64) throws(HDF5Error) {
    let space = try checkedID(H5Screate(H5S_SCALAR), "cannot create a dataspace")
    defer { H5Sclose(space) }
    let lcpl = try intermediateGroupLinkPlist()
    defer { H5Pclose(lcpl) }
    let dataset = try checkedID(
      H5Dcreate2(loc, path, swh5_T_STD_I64LE(), space, lcpl, swh5_P_DEFAULT(), swh5_P_DEFAULT()),
      "cannot create dataset '\(path)'")
    defer { H5Dclose(dataset) }
    var v = value
    try checkStatus(H5Dwrite(dataset, swh5_T_NATIVE_INT64(), swh5_S_ALL(), swh5_S_ALL(), swh5_P_DEFAULT(), &v), "cannot write dataset '\(path)'")
  }
}
