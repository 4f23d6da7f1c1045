// DataLoader.swift: loading any supported data file, choosing the reader by file name.

// MARK: - Loader

/// Loads any supported file by extension: `.csv`/`.txt` → CSV, `.npy` → NPY,
/// `.idx`/`.gz`/`-ubyte`/`idx1`/`idx3` names → IDX, `.pgm`/`.ppm` → one image, `.bin` → CIFAR-10 records.
///
/// CSV files may have a header line (it is skipped). `NAME.csv.gz`, `NAME.txt.gz` and `NAME.npy.gz`
/// are decompressed and read as CSV or NPY; other `.gz` files are read as IDX.
/// Unknown extensions raise an error listing the supported ones.
public enum DataLoader {
  /// Reads the file at `path` with the reader its name selects.
  public static func load(path: String) throws(DataError) -> DataArray {
    switch format(of: path) {
    case .csv: return try CSVReader.read(path: path, allowHeader: true)
    case .npy: return try NPYReader.read(path: path)
    case .idx: return try IDXReader.read(path: path)
    case .gzipCSV: return try CSVReader.parse(decompressed(path), name: path, allowHeader: true)
    case .gzipNPY: return try NPYReader.parse(decompressed(path), name: path)
    case .image: return try NetpbmReader.read(path: path)
    case .cifar: return try CIFARReader.read(path: path)
    case nil:
      throw DataError(
        file: path,
        "unsupported file type '\(fileExtension(baseName(path)))' "
          + "(supported: .csv, .txt, .npy, .idx, .gz, .pgm, .ppm, CIFAR-10 .bin, and IDX names ending in -ubyte or containing idx1/idx3)")
    }
  }

  /// Reads the file at `path` as bytes when it is an 8-bit unsigned IDX file (plain or gzip), else nil:
  /// image datasets stay 4× smaller than floats.
  public static func loadBytes(path: String) throws(DataError) -> ByteArray? {
    format(of: path) == .idx ? try IDXReader.readBytes(path: path) : nil
  }

  // MARK: Formats

  /// The file formats ``load(path:)`` recognises.
  enum Format: Equatable {
    case csv, npy, idx, gzipCSV, gzipNPY, image, cifar
  }

  /// The format selected by the file name of `path`, or `nil` if it is not recognised.
  static func format(of path: String) -> Format? {
    let name = baseName(path).lowercased()
    if name.hasSuffix(".gz") {
      let inner = String(name.dropLast(3))
      switch fileExtension(inner) {
      case ".csv", ".txt": return .gzipCSV
      case ".npy": return .gzipNPY
      default: return .idx
      }
    }
    switch fileExtension(name) {
    case ".csv", ".txt": return .csv
    case ".npy": return .npy
    case ".idx": return .idx
    case ".pgm", ".ppm", ".pnm": return .image
    case ".bin": return .cifar
    default: break
    }
    if name.hasSuffix("-ubyte") || name.contains("idx1") || name.contains("idx3") { return .idx }
    return nil
  }

  // MARK: Paths

  /// The last path component.
  static func baseName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// `.ext` of a file name (with the dot), or `""`.
  static func fileExtension(_ name: String) -> String {
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
    return String(name[dot...])
  }

  /// The gzip-decompressed contents of `path` (plain contents if it is not compressed).
  private static func decompressed(_ path: String) throws(DataError) -> [UInt8] {
    let bytes = try FileIO.readAll(path: path)
    return Gzip.isCompressed(bytes) ? try Gzip.decompress(bytes, name: path) : bytes
  }
}
