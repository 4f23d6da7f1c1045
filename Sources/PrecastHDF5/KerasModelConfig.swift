// KerasModelConfig.swift: the architecture and training settings a legacy Keras `.h5` (model.save) carries.
import CHDF5

extension KerasWeightFile {
  /// The `model_config` and `training_config` attributes (JSON texts) of a Keras `.h5` file; nil when absent
  /// (a weights-only file, or a model saved before compile).
  public static func modelConfigAttributes(path: String) throws(HDF5Error) -> (model: String?, training: String?) {
    let file: hid_t
    do { file = try H5Read.openFile(path) } catch { throw error.prefixed(with: path) }
    defer { H5Fclose(file) }
    func text(_ name: String) throws(HDF5Error) -> String? {
      do { return try H5Read.listAttribute(file, name)?.joined() } catch { throw error.prefixed(with: path) }
    }
    return (try text("model_config"), try text("training_config"))
  }
}
