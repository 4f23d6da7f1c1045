// ImageFolder.swift: a folder of class subfolders of images, indexed as Keras's `image_dataset_from_directory` does.
import Glibc

/// The images of a directory with one subfolder per class: class names are the sorted subfolder names, files are
/// listed per class in sorted order (subfolders of a class folder included), as Keras's `index_directory` lists them.
public struct ImageFolder: Sendable, Equatable {
  /// The directory given.
  public var root: String
  /// The sorted names of the class subfolders (hidden ones skipped); label i is classNames[i].
  public var classNames: [String]
  /// Every image's path and class index, in Keras's order.
  public var files: [String]
  public var labels: [Int]
  /// Files whose extension names a format Keras reads but Precast does not decode (.bmp, .gif).
  public var unsupported: [String]

  /// Indexes `path`. Files with other extensions are ignored (as Keras ignores them); an empty class folder, a
  /// folder without class subfolders, or one that cannot be read is an error naming it.
  public static func index(path: String) throws(DataError) -> ImageFolder {
    let root = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    let entries = try listDirectory(root)
    let classNames = entries.filter { !$0.hasPrefix(".") && isDirectory(root + "/" + $0) }
    guard !classNames.isEmpty else {
      throw DataError(file: root, "no class subfolders (an image folder holds one subfolder of images per class)")
    }
    var folder = ImageFolder(root: root, classNames: classNames, files: [], labels: [], unsupported: [])
    for (label, name) in classNames.enumerated() {
      let before = folder.files.count + folder.unsupported.count
      try folder.collect(root + "/" + name, label: label)
      if folder.files.count + folder.unsupported.count == before {
        throw DataError(file: root + "/" + name, "class folder '\(name)' holds no PNG or JPEG images")
      }
    }
    return folder
  }

  /// The PNG and JPEG files in `directory` and its subfolders, in Keras's order (for prediction: no classes).
  public static func images(in directory: String) throws(DataError) -> [String] {
    var folder = ImageFolder(root: directory, classNames: [], files: [], labels: [], unsupported: [])
    try folder.collect(directory, label: 0)
    guard !folder.files.isEmpty else { throw DataError(file: directory, "holds no PNG or JPEG images") }
    return folder.files
  }

  /// Keras's `os.walk` order: the folder's files sorted, then its subfolders (sorted) the same way.
  private mutating func collect(_ directory: String, label: Int) throws(DataError) {
    var subfolders: [String] = []
    for name in try ImageFolder.listDirectory(directory) {
      let path = directory + "/" + name
      if ImageFolder.isDirectory(path) {
        subfolders.append(path)
      } else if ImageCodec.isImageName(name) {
        files.append(path)
        labels.append(label)
      } else if let dot = name.lastIndex(of: "."), ["bmp", "gif"].contains(name[name.index(after: dot)...].lowercased()) {
        unsupported.append(path)
      }
    }
    for subfolder in subfolders { try collect(subfolder, label: label) }
  }

  /// Keras's `validation_split` with `subset="training"` / `"validation"`: the file list shuffled with
  /// `np.random.RandomState(seed)` (as `index_directory` does), then the last `int(fraction × count)` files validate.
  public func split(validation fraction: Double, seed: UInt32) -> (train: ImageFolder, validation: ImageFolder) {
    var order = Array(files.indices)
    var random = NumpyRandomState(seed: seed)
    random.shuffle(&order)
    let validationCount = Int(fraction * Double(files.count))
    func part(_ range: Range<Int>) -> ImageFolder {
      var result = self
      result.files = order[range].map { files[$0] }
      result.labels = order[range].map { labels[$0] }
      return result
    }
    return (part(0..<(files.count - validationCount)), part((files.count - validationCount)..<files.count))
  }

  // MARK: Directories

  /// The names in `directory` (without . and ..), sorted by code point as Python's `sorted` sorts them.
  static func listDirectory(_ directory: String) throws(DataError) -> [String] {
    guard let handle = opendir(directory) else { throw DataError(file: directory, "cannot open the folder (\(FileIO.systemMessage()))") }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
  }

  /// Whether `path` is a directory (following symbolic links).
  public static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }
}

// MARK: - numpy's legacy random state

/// `np.random.RandomState(seed)`'s Mersenne Twister and its `shuffle`, bit for bit, so that a folder's validation
/// split takes the same files as Keras's with the same seed.
struct NumpyRandomState {
  private var state = [UInt32](repeating: 0, count: 624)
  private var position = 624

  /// `mt19937_seed`: numpy's legacy seeding of a 32-bit integer seed.
  init(seed: UInt32) {
    var s = seed
    for i in 0..<624 {
      state[i] = s
      s = 1_812_433_253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
    }
  }

  mutating func next32() -> UInt32 {
    if position >= 624 { twist() }
    var y = state[position]
    position += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    return y ^ (y >> 18)
  }

  private mutating func twist() {
    for i in 0..<624 {
      let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
      state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
    }
    position = 0
  }

  /// numpy's `random_interval`: a value in 0...max by masked rejection.
  mutating func interval(_ max: UInt32) -> UInt32 {
    guard max > 0 else { return 0 }
    var mask = max
    for shift in [1, 2, 4, 8, 16] { mask |= mask >> UInt32(shift) }
    while true {
      let value = next32() & mask
      if value <= max { return value }
    }
  }

  /// `RandomState.shuffle` of a list: Fisher–Yates from the end.
  mutating func shuffle<T>(_ items: inout [T]) {
    guard items.count > 1 else { return }
    for i in stride(from: items.count - 1, through: 1, by: -1) {
      items.swapAt(i, Int(interval(UInt32(i))))
    }
  }
}
