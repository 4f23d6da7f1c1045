// KerasModelConfig.swift: the architecture and training settings a legacy Keras `.h5` (model.save) carries.
import CHDF5

extension KerasWeightFile {
  /// The `model_config` and `training_config` attributes (JSON texts) of a Keras `.h5` file; nil when absent
  /// (a weights-only file, or a model saved before compile).
  public static func modelConfigAttributes(path: String) throws(HDF5Error) -> (model: String?, training: String?) {
    HDF5Diagnostics.silence()
    do throws(HDF5Error) {
      let texts = try HDF5Lock.run { () throws(HDF5Error) in
        try HDF5Sandbox.run(bytes: HDF5Source.file(path).byteCount) { () throws(HDF5Error) in
          let file = try H5Read.openFile(path)
          defer { H5Fclose(file) }
          return SandboxTexts(try H5Read.listAttribute(file, "model_config")?.joined(), try H5Read.listAttribute(file, "training_config")?.joined())
        }
      }
      return (texts.first, texts.second)
    } catch {
      throw error.prefixed(with: path)
    }
  }
}
