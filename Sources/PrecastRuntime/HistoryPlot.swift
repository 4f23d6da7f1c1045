// HistoryPlot.swift: the training history as an SVG chart — loss and each metric per epoch, training and validation.
import Glibc

/// An SVG of `history` (one entry per epoch), like the tutorials' matplotlib plots of `history.history`: one
/// panel per quantity (loss, each metric, the learning rate when logged), training in blue and validation
/// in orange, epochs on the x axis.
public func historySVG(_ history: [Logs], title: String) -> String {
  var names: [String] = []
  for logs in history {
    for (name, _) in logs.entries {
      let base = name.hasPrefix("val_") ? String(name.dropFirst(4)) : name
      if !names.contains(base) { names.append(base) }
    }
  }
  let columns = min(max(names.count, 1), 3), rows = (names.count + columns - 1) / max(columns, 1)
  let panelWidth = 420.0, panelHeight = 300.0, header = 36.0
  let width = panelWidth * Double(columns), height = header + panelHeight * Double(max(rows, 1))
  var svg = SVG(width: width, height: height)
  svg.text(title, x: width / 2, y: 24, size: 16, anchor: "middle", weight: "bold")
  for (i, name) in names.enumerated() {
    let x0 = panelWidth * Double(i % columns), y0 = header + panelHeight * Double(i / columns)
    let training = history.enumerated().compactMap { epoch, logs in logs[name].map { (Double(epoch + 1), $0) } }
    let validation = history.enumerated().compactMap { epoch, logs in logs["val_" + name].map { (Double(epoch + 1), $0) } }
    panel(&svg, name: name, training: training, validation: validation, epochs: history.count,
          frame: (x0 + 62, y0 + 30, panelWidth - 82, panelHeight - 80))
  }
  return svg.rendered
}

/// One chart: axes, ticks, grid, the two series and a legend.
private func panel(
  _ svg: inout SVG, name: String, training: [(Double, Double)], validation: [(Double, Double)], epochs: Int,
  frame: (x: Double, y: Double, width: Double, height: Double)
) {
  let values = (training + validation).map(\.1).filter(\.isFinite)
  var low = values.min() ?? 0, high = values.max() ?? 1
  if high - low < 1e-12 { (low, high) = (low - max(abs(low) * 0.05, 0.5), high + max(abs(high) * 0.05, 0.5)) }
  let yTicks = niceTicks(low, high, count: 5)
  low = min(low, yTicks.first ?? low)
  high = max(high, yTicks.last ?? high)
  let xTicks = niceTicks(1, Double(max(epochs, 2)), count: 6).filter { $0 >= 1 && $0 == $0.rounded() }
  let xSpan = Double(max(epochs - 1, 1))
  func px(_ epoch: Double) -> Double { frame.x + (epoch - 1) / xSpan * frame.width }
  func py(_ v: Double) -> Double { frame.y + frame.height - (v - low) / (high - low) * frame.height }

  svg.text(name, x: frame.x + frame.width / 2, y: frame.y - 10, size: 13, anchor: "middle", weight: "bold")
  for tick in yTicks {
    svg.line(frame.x, py(tick), frame.x + frame.width, py(tick), color: "#e5e5e5")
    svg.text(tickLabel(tick, step: yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1), x: frame.x - 6, y: py(tick) + 4, size: 11, anchor: "end")
  }
  for tick in xTicks where tick <= Double(epochs) {
    svg.line(px(tick), frame.y + frame.height, px(tick), frame.y + frame.height + 4, color: "#333")
    svg.text(tickLabel(tick, step: 1), x: px(tick), y: frame.y + frame.height + 17, size: 11, anchor: "middle")
  }
  svg.rectangle(frame.x, frame.y, frame.width, frame.height, stroke: "#333")
  svg.text("epoch", x: frame.x + frame.width / 2, y: frame.y + frame.height + 34, size: 12, anchor: "middle")
  for (series, color) in [(training, "#1f77b4"), (validation, "#ff7f0e")] where !series.isEmpty {
    let points = series.filter { $0.1.isFinite }.map { (px($0.0), py($0.1)) }
    svg.polyline(points, color: color)
    if series.count <= 40 { for (x, y) in points { svg.circle(x, y, radius: 2.5, color: color) } }
  }
  let entries = [training, validation].filter { !$0.isEmpty }.count
  svg.box(frame.x + frame.width - 100, frame.y + 4, 94, Double(entries) * 16 + 6)
  var legendY = frame.y + 18
  for (label, series, color) in [("training", training, "#1f77b4"), ("validation", validation, "#ff7f0e")] where !series.isEmpty {
    svg.line(frame.x + frame.width - 94, legendY - 4, frame.x + frame.width - 74, legendY - 4, color: color, width: 2)
    svg.text(label, x: frame.x + frame.width - 68, y: legendY, size: 11, anchor: "start")
    legendY += 16
  }
}

/// About `count` evenly spaced round values (1, 2 or 5 × 10ᵏ apart) covering [low, high].
func niceTicks(_ low: Double, _ high: Double, count: Int) -> [Double] {
  let raw = (high - low) / Double(max(count - 1, 1))
  guard raw > 0, raw.isFinite else { return [low] }
  let magnitude = pow(10, (log10(raw)).rounded(.down))
  let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
  var ticks: [Double] = []
  var tick = (low / step).rounded(.down) * step
  while tick <= high + step * 0.5 && ticks.count < 20 {
    ticks.append(tick)
    tick += step
  }
  return ticks
}

/// A tick's label with as many decimals as its step needs.
private func tickLabel(_ value: Double, step: Double) -> String {
  let decimals = step >= 1 ? 0 : min(6, Int((-log10(step)).rounded(.up)))
  return formatFixed(abs(value) < step * 1e-6 ? 0 : value, decimals)
}

/// A minimal SVG writer.
private struct SVG {
  let width: Double, height: Double
  var body: [String] = []

  var rendered: String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
      + "font-family=\"Helvetica, Arial, sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      + body.joined(separator: "\n") + "\n</svg>\n"
  }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String, width: Double = 1) {
    body.append("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(color)\" stroke-width=\"\(n(width))\"/>")
  }

  mutating func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double, stroke: String) {
    body.append("<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"none\" stroke=\"\(stroke)\"/>")
  }

  /// A white, lightly framed box (the legend's background).
  mutating func box(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
    body.append("<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>")
  }

  mutating func polyline(_ points: [(Double, Double)], color: String) {
    let coordinates = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
    body.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>")
  }

  mutating func circle(_ x: Double, _ y: Double, radius: Double, color: String) {
    body.append("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(color)\"/>")
  }

  mutating func text(_ s: String, x: Double, y: Double, size: Double, anchor: String, weight: String = "normal") {
    let escaped = s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    body.append("<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\">\(escaped)</text>")
  }

  private func n(_ v: Double) -> String { formatFixed(v, 1) }
}

extension String {
  /// Every occurrence of `target` replaced (without Foundation).
  fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
