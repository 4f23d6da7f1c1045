// Summary.swift: Keras's `model.summary()` table, shared by `precast summary` and the generated binaries.

/// One row of the summary: a layer, its output shape per sample and its parameter count.
public struct SummaryRow: Sendable, Equatable {
  public var name: String
  public var className: String
  public var outputShape: [Int]
  public var parameters: Int

  public init(name: String, className: String, outputShape: [Int], parameters: Int) {
    self.name = name
    self.className = className
    self.outputShape = outputShape
    self.parameters = parameters
  }
}

/// The table Keras 3 prints for `model.summary()`: layer (type), output shape with the batch as None, params,
/// then the totals with their float32 sizes and the trainable / non-trainable split.
public func kerasSummary(model: String, rows: [SummaryRow], trainable: Int, nonTrainable: Int) -> String {
  let cells = rows.map { row in
    ["\(row.name) (\(row.className))", "(" + (["None"] + row.outputShape.map(String.init)).joined(separator: ", ") + ")", grouped(row.parameters)]
  }
  let titles = ["Layer (type)", "Output Shape", "Param #"]
  var widths = [31, 22, 13]
  for line in cells + [titles] { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count + 1) } }
  func rule(_ left: String, _ fill: String, _ middle: String, _ right: String) -> String {
    left + widths.map { String(repeating: fill, count: $0 + 1) }.joined(separator: middle) + right
  }
  func line(_ cells: [String], _ bar: String) -> String {
    let padded = cells.enumerated().map { i, cell in
      let pad = String(repeating: " ", count: widths[i] - cell.count)
      return i == 2 ? pad + cell + " " : " " + cell + pad  // the parameter count is right-aligned
    }
    return bar + padded.joined(separator: bar) + bar
  }
  var out = ["Model: \"\(model)\"", rule("┏", "━", "┳", "┓"), line(titles, "┃"), rule("┡", "━", "╇", "┩")]
  for (i, row) in cells.enumerated() {
    out.append(line(row, "│"))
    out.append(i == cells.count - 1 ? rule("└", "─", "┴", "┘") : rule("├", "─", "┼", "┤"))
  }
  if cells.isEmpty { out.append(rule("└", "─", "┴", "┘")) }
  let total = trainable + nonTrainable
  out.append(" Total params: \(grouped(total)) (\(memorySize(total * 4)))")
  out.append(" Trainable params: \(grouped(trainable)) (\(memorySize(trainable * 4)))")
  out.append(" Non-trainable params: \(grouped(nonTrainable)) (\(memorySize(nonTrainable * 4)))")
  return out.joined(separator: "\n")
}

/// 1234567 → "1,234,567".
func grouped(_ n: Int) -> String {
  let digits = String(n.magnitude)
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return (n < 0 ? "-" : "") + out
}

/// Keras's `readable_memory_size`: "884.00 B", "2.65 MB" (powers of 1024).
func memorySize(_ bytes: Int) -> String {
  var size = Double(bytes)
  for unit in ["B", "KB", "MB", "GB", "TB"] {
    if size / 1024 < 1 || unit == "TB" { return twoDecimals(size) + " " + unit }
    size /= 1024
  }
  return twoDecimals(size) + " PB"
}

/// "884.00" without Foundation.
private func twoDecimals(_ x: Double) -> String {
  let cents = Int((x * 100).rounded())
  let fraction = cents % 100
  return "\(cents / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
}
