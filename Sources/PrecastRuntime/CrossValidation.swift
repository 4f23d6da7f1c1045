// CrossValidation.swift: k-fold cross-validation as scikit-learn's cross_val_score runs it for the tutorials.

/// The folds of `count` rows: shuffled with `seed`, stratified by `classes` when given (each class dealt
/// round-robin over the folds, as StratifiedKFold keeps the class proportions), else split into k nearly
/// equal parts (KFold). Returns each fold's held-out rows.
public func kFolds(count: Int, k: Int, classes: [Int]?, seed: UInt64) -> [[Int]] {
  var rng = Random(seed: seed)
  var folds = [[Int]](repeating: [], count: k)
  if let classes {
    var next = 0
    for label in Set(classes).sorted() {
      var rows = classes.indices.filter { classes[$0] == label }
      rng.shuffle(&rows)
      for row in rows {
        folds[next].append(row)
        next = (next + 1) % k
      }
    }
  } else {
    var rows = Array(0..<count)
    rng.shuffle(&rows)
    for (i, row) in rows.enumerated() { folds[i * k / count].append(row) }
  }
  return folds.map { $0.sorted() }
}

/// Mean and population standard deviation (NumPy's `std`, as the tutorials print `results.std()`).
public func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
  let mean = values.reduce(0, +) / Double(max(values.count, 1))
  let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count, 1))
  return (mean, variance.squareRoot())
}
