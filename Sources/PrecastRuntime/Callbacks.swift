// Callbacks.swift: Keras's fit callbacks as trainer options: ModelCheckpoint, EarlyStopping, ReduceLROnPlateau, LearningRateScheduler.
import Glibc

// Semantics follow keras/src/callbacks/*.py (Docs/keras-formulas.md §6). The fit loop calls them after each
// epoch's logs (validation included) are complete.

/// A monitored log value and which way is better (Keras's MonitorCallback).
public struct Monitor: Sendable, Equatable {
  public enum Mode: String, Sendable { case min, max }
  public var name: String
  public var mode: Mode
  /// Keras's min_delta (absolute): an improvement must beat the best by more than this.
  public var minDelta: Double

  /// `mode` nil is Keras's "auto": min for the loss, else the metric's direction (up for accuracy, AUC,
  /// precision, recall; down for errors). Throws for a name that is not in `info`'s logs.
  public init(_ name: String, mode: Mode? = nil, minDelta: Double = 0, info: ModelInfo, hasValidation: Bool) throws(PrecastError) {
    let base = name.hasPrefix("val_") ? String(name.dropFirst(4)) : name
    let known = ["loss"] + info.metrics.map(\.rawValue)
    guard known.contains(base) else {
      throw PrecastError("cannot monitor '\(name)': the logs have \((known + known.map { "val_" + $0 }).joined(separator: ", "))")
    }
    if name.hasPrefix("val_") && !hasValidation {
      throw PrecastError("cannot monitor '\(name)' without validation data (use --validation-split or --validation-data, or monitor '\(base)')")
    }
    self.name = name
    self.minDelta = abs(minDelta)
    if let mode {
      self.mode = mode
    } else {
      let rising: Set<String> = [Metric.accuracy, .auc, .precision, .recall, .topKCategoricalAccuracy].map(\.rawValue).reduce(into: []) { $0.insert($1) }
      self.mode = rising.contains(base) ? .max : .min
    }
  }

  /// Keras's `_is_improvement`: strictly better than `best` by more than `minDelta` (anything beats nil).
  public func improves(_ current: Double, over best: Double?) -> Bool {
    guard let best else { return true }
    return mode == .min ? current < best - minDelta : current > best + minDelta
  }
}

/// `ModelCheckpoint(filepath, monitor, save_best_only)`: a weights file per epoch, named from a pattern.
public struct CheckpointOptions: Sendable {
  /// Python format fields of the logs: `weights.{epoch:02d}-{val_loss:.2f}.h5`.
  public var pattern: String
  public var monitor: Monitor
  public var saveBestOnly: Bool

  public init(pattern: String, monitor: Monitor, saveBestOnly: Bool) {
    self.pattern = pattern
    self.monitor = monitor
    self.saveBestOnly = saveBestOnly
  }

  /// The file name for `epoch` (1-based, as Keras formats it) and the epoch's logs.
  public func path(epoch: Int, logs: Logs) throws(PrecastError) -> String {
    try formatFields(pattern) { name, spec throws(PrecastError) in
      let value: Double
      if name == "epoch" {
        value = Double(epoch)
      } else if let logged = logs[name] {
        value = logged
      } else {
        throw PrecastError("checkpoint pattern '\(pattern)': no log named '\(name)' (the logs have epoch, \(logs.entries.map(\.name).joined(separator: ", ")))")
      }
      return try formatNumber(value, spec: spec, pattern: pattern)
    }
  }
}

/// `EarlyStopping(monitor, min_delta, patience, restore_best_weights, start_from_epoch)`.
public struct EarlyStoppingOptions: Sendable {
  public var monitor: Monitor
  public var patience: Int
  public var restoreBestWeights: Bool
  public var startFromEpoch: Int

  public init(monitor: Monitor, patience: Int, restoreBestWeights: Bool = false, startFromEpoch: Int = 0) {
    self.monitor = monitor
    self.patience = patience
    self.restoreBestWeights = restoreBestWeights
    self.startFromEpoch = startFromEpoch
  }
}

/// `ReduceLROnPlateau(monitor, factor=0.1, patience=10, min_delta=1e-4, cooldown=0, min_lr=0)`.
public struct ReduceLROnPlateauOptions: Sendable {
  public var monitor: Monitor
  public var factor: Double
  public var patience: Int
  public var cooldown: Int
  public var minLearningRate: Double

  public init(monitor: Monitor, factor: Double = 0.1, patience: Int = 10, cooldown: Int = 0, minLearningRate: Double = 0) {
    self.monitor = monitor
    self.factor = factor
    self.patience = patience
    self.cooldown = cooldown
    self.minLearningRate = minLearningRate
  }
}

/// `LearningRateScheduler` presets: the learning rate of each epoch (0-based) from the initial one, as the
/// tutorials write them.
public enum EpochSchedule: Sendable, Equatable {
  /// lr0 / (1 + decay·epoch).
  case timeDecay(decay: Double)
  /// lr0 · drop^⌊(1 + epoch)/every⌋ (the tutorials' step decay).
  case stepDecay(drop: Double, every: Int)
  /// lr0 · e^(−k·epoch).
  case exponential(k: Double)
  /// lr0 · (α + (1 − α)·½(1 + cos(π·epoch/epochs))), over the run's epochs.
  case cosine(epochs: Int, alpha: Double)

  public func learningRate(epoch: Int, initial: Double) -> Double {
    let e = Double(epoch)
    switch self {
    case .timeDecay(let decay): return initial / (1 + decay * e)
    case .stepDecay(let drop, let every): return initial * pow(drop, ((1 + e) / Double(max(every, 1))).rounded(.down))
    case .exponential(let k): return initial * exp(-k * e)
    case .cosine(let epochs, let alpha):
      let progress = min(e, Double(epochs)) / Double(max(epochs, 1))
      let cosine = 0.5 * (1 + cos(Double.pi * progress))
      return initial * (alpha + (1 - alpha) * cosine)
    }
  }

  /// Parses `time:DECAY`, `step:DROP:EVERY`, `exponential:K`, `cosine[:ALPHA]` (cosine spans `epochs`).
  public init(parsing text: String, epochs: Int) throws(PrecastError) {
    let parts = text.split(separator: ":").map(String.init)
    let numbers = parts.dropFirst().map { Double($0) }
    func bad() -> PrecastError {
      PrecastError("--lr-schedule '\(text)': use time:DECAY, step:DROP:EVERY, exponential:K or cosine[:ALPHA]")
    }
    guard !numbers.contains(where: { $0 == nil }) else { throw bad() }
    let n = numbers.map { $0! }
    switch (parts.first, n.count) {
    case ("time", 1): self = .timeDecay(decay: n[0])
    case ("step", 2) where n[1] >= 1: self = .stepDecay(drop: n[0], every: Int(n[1]))
    case ("exponential", 1): self = .exponential(k: n[0])
    case ("cosine", 0): self = .cosine(epochs: epochs, alpha: 0)
    case ("cosine", 1): self = .cosine(epochs: epochs, alpha: n[0])
    default: throw bad()
    }
  }
}

// MARK: - Python format fields

/// Replaces each `{name}` / `{name:spec}` of `pattern` with `replace(name, spec)`; `{{` and `}}` are literal braces.
func formatFields(_ pattern: String, _ replace: (String, String) throws(PrecastError) -> String) throws(PrecastError) -> String {
  var out = "", field = "", inField = false
  var chars = Array(pattern)[...]
  while let c = chars.popFirst() {
    if inField {
      if c == "}" {
        let pieces = field.split(separator: ":", maxSplits: 1).map(String.init)
        out += try replace(pieces.first ?? "", pieces.count > 1 ? pieces[1] : "")
        field = ""
        inField = false
      } else {
        field.append(c)
      }
    } else if c == "{" {
      if chars.first == "{" { chars.removeFirst(); out.append("{") } else { inField = true }
    } else if c == "}" && chars.first == "}" {
      chars.removeFirst()
      out.append("}")
    } else {
      out.append(c)
    }
  }
  guard !inField else { throw PrecastError("checkpoint pattern '\(pattern)': unclosed '{'") }
  return out
}

/// Python's format spec subset for numbers: "", "d", "0Nd"/"Nd", ".Nf", ".Ne".
func formatNumber(_ value: Double, spec: String, pattern: String) throws(PrecastError) -> String {
  if spec.isEmpty { return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)" }
  if spec.hasSuffix("d") {
    let width = String(spec.dropLast())
    let digits = String(Int(value.rounded()))
    guard let w = width.isEmpty ? 0 : Int(width) else { throw PrecastError("checkpoint pattern '\(pattern)': bad format ':\(spec)'") }
    let pad = width.hasPrefix("0") ? "0" : " "
    return String(repeating: pad, count: max(0, w - digits.count)) + digits
  }
  if spec.hasPrefix("."), let kind = spec.last, kind == "f" || kind == "e", let places = Int(spec.dropFirst().dropLast()) {
    return kind == "f" ? formatFixed(value, places) : formatScientific(value, places)
  }
  throw PrecastError("checkpoint pattern '\(pattern)': unsupported format ':\(spec)' (use d, 02d, .2f or .3e)")
}

/// "1.235e-04" (Python's `{:.3e}`).
func formatScientific(_ value: Double, _ places: Int) -> String {
  guard value != 0, value.isFinite else { return formatFixed(value, places) + "e+00" }
  var exponent = Int(log10(abs(value)).rounded(.down))
  var mantissa = value / pow(10, Double(exponent))
  if abs(Double(formatFixed(mantissa, places)) ?? mantissa) >= 10 {
    exponent += 1
    mantissa /= 10
  }
  let sign = exponent < 0 ? "-" : "+"
  let digits = String(abs(exponent))
  return formatFixed(mantissa, places) + "e" + sign + (digits.count < 2 ? "0" : "") + digits
}
