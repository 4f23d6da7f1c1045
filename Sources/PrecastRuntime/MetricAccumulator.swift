// MetricAccumulator.swift: the epoch's running loss and compiled metrics, accumulated as Keras's metric objects do.

/// Sample-weighted running means of the loss and the compiled metrics (as Keras's `fit` logs them): mean
/// metrics average every sample seen, RMSE is the root of that mean, Precision/Recall and AUC accumulate
/// counts over the epoch and compute their result at the end.
struct MetricAccumulator {
  let info: ModelInfo
  var samples = 0
  var lossSum = 0.0
  var states: [State]

  /// One metric's running state.
  struct State {
    /// Mean metrics: Σ of per-sample values.
    var sum = 0.0
    /// Precision and Recall.
    var truePositives = 0.0, falsePositives = 0.0, falseNegatives = 0.0
    /// AUC: outputs per threshold bucket, positives and negatives.
    var positives: [Double] = [], negatives: [Double] = []
  }

  /// Keras AUC's default `num_thresholds`.
  static let aucThresholds = 200

  init(info: ModelInfo) {
    self.info = info
    states = info.metrics.map { metric in
      var state = State()
      if metric == .auc {
        state.positives = Array(repeating: 0, count: Self.aucThresholds)
        state.negatives = state.positives
      }
      return state
    }
  }

  mutating func add(loss: Double, output: UnsafePointer<Float>, targets: UnsafePointer<Float>, count n: Int) {
    samples += n
    lossSum += loss * Double(n)
    let cols = info.outputSize
    let sparse = info.accuracyKind == .sparseCategorical
    for (i, metric) in info.metrics.enumerated() {
      switch metric {
      case .accuracy:
        switch info.accuracyKind {
        case .binary: states[i].sum += binaryAccuracySum(output, targets: targets, rows: n, cols: cols)
        case .categorical: states[i].sum += categoricalAccuracySum(output, targets: targets, rows: n, cols: cols)
        case .sparseCategorical: states[i].sum += sparseAccuracySum(output, labels: targets, rows: n, cols: cols)
        }
      case .meanAbsoluteError:
        states[i].sum += absoluteErrorSum(output, targets: targets, rows: n, cols: cols)
      case .meanSquaredError, .rootMeanSquaredError:
        states[i].sum += meanMetricSum(.meanSquaredError, output, targets: targets, rows: n, cols: cols)
      case .meanAbsolutePercentageError:
        states[i].sum += meanMetricSum(.meanAbsolutePercentageError, output, targets: targets, rows: n, cols: cols)
      case .meanSquaredLogarithmicError:
        states[i].sum += meanMetricSum(.meanSquaredLogarithmicError, output, targets: targets, rows: n, cols: cols)
      case .topKCategoricalAccuracy:
        states[i].sum += topKHits(output, targets: targets, rows: n, cols: cols, k: 5, sparse: sparse)
      case .precision, .recall:
        let counts = confusionCounts(output, targets: targets, count: n * cols)
        states[i].truePositives += counts.truePositives
        states[i].falsePositives += counts.falsePositives
        states[i].falseNegatives += counts.falseNegatives
      case .auc:
        var state = states[i]
        aucHistogram(output, targets: targets, count: n * cols, positives: &state.positives, negatives: &state.negatives)
        states[i] = state
      }
    }
  }

  /// The metric's value over everything added so far.
  func result(_ metric: Metric, _ state: State) -> Double {
    let n = Double(max(samples, 1))
    func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : 0 }
    switch metric {
    case .rootMeanSquaredError: return (state.sum / n).squareRoot()
    case .precision: return ratio(state.truePositives, state.truePositives + state.falsePositives)
    case .recall: return ratio(state.truePositives, state.truePositives + state.falseNegatives)
    case .auc: return aucFromHistogram(positives: state.positives, negatives: state.negatives)
    default: return state.sum / n
    }
  }

  func logs(prefix: String) -> Logs {
    var logs = Logs()
    logs.entries.append((prefix + "loss", lossSum / Double(max(samples, 1))))
    for (metric, state) in zip(info.metrics, states) { logs.entries.append((prefix + metric.rawValue, result(metric, state))) }
    return logs
  }
}

extension MetricAccumulator {
  /// Replaces every running sum with its sum over the group's ranks (one collective call), so that each rank's
  /// `logs` are those of all the rows the ranks saw together.
  mutating func sum(over group: any ProcessGroup) {
    var flat = [Double(samples), lossSum]
    for state in states {
      flat += [state.sum, state.truePositives, state.falsePositives, state.falseNegatives]
      flat += state.positives + state.negatives
    }
    flat = group.sum(flat)
    samples = Int(flat[0])
    lossSum = flat[1]
    var next = 2
    func take(_ count: Int) -> [Double] {
      defer { next += count }
      return Array(flat[next..<(next + count)])
    }
    for i in states.indices {
      let counts = take(4)
      (states[i].sum, states[i].truePositives, states[i].falsePositives, states[i].falseNegatives) = (counts[0], counts[1], counts[2], counts[3])
      states[i].positives = take(states[i].positives.count)
      states[i].negatives = take(states[i].negatives.count)
    }
  }
}
