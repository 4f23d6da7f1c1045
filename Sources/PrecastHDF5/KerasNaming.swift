// KerasNaming.swift: the group names of the `.weights.h5` layout (snake_case, numbering and the recurrent classes from
// PrecastCore's KerasNames).

import PrecastCore

/// Where Keras 3's `save_weights` puts each layer's variables.
enum KerasNaming {
  // MARK: .weights.h5 groups

  /// The `layers/<group>` names Keras 3's `save_weights` uses for `classNames` (model order):
  /// the snake_case class name, made unique per class (`dense`, `dropout`, `dense_1`).
  static func weightsGroupNames(_ classNames: [String]) -> [String] {
    var numbering = KerasNames.Numbering()
    return classNames.map { numbering.next(KerasNames.snakeCase($0)) }
  }

  /// Whether Keras keeps this layer's variables under its `cell` (LSTM, GRU, SimpleRNN).
  static func isRecurrent(_ className: String) -> Bool {
    KerasNames.recurrentClassNames.contains(className)
  }

  /// Where a layer's variables live in a `.weights.h5` file, e.g. "layers/dense_1/vars".
  static func varsPath(group: String, className: String) -> String {
    isRecurrent(className) ? "layers/\(group)/cell/vars" : "layers/\(group)/vars"
  }

  /// The groups holding a layer's variables and which of its weights each holds (numbered from 0 in it):
  /// one `vars` (`cell/vars` for an RNN), or for a Bidirectional its `forward_layer/cell/vars` (first half)
  /// and `backward_layer/cell/vars` (second half).
  static func variableGroups(group: String, className: String, weightCount: Int) -> [(path: String, weights: Range<Int>)] {
    guard className == KerasNames.bidirectionalClassName else { return [(varsPath(group: group, className: className), 0..<weightCount)] }
    let half = weightCount / 2
    return [
      ("layers/\(group)/forward_layer/cell/vars", 0..<half),
      ("layers/\(group)/backward_layer/cell/vars", half..<weightCount),
    ]
  }
}
