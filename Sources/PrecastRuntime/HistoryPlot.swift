// HistoryPlot.swift: the training history as an SVG chart — loss and each metric per epoch, training and validation.
import Glibc

/// An SVG of `history` (one entry per epoch), like the tutorials' matplotlib plots of `history.history`: one
/// panel per quantity (loss, each metric, the learning rate when logged), training in blue and validation
/// in orange, epochs on the x axis.
public func historySVG(_ history: [Logs], title: String) -> String {
  let size = historyChartSize(history)
  var svg = SVG(width: size.width, height: size.height)
  drawHistory(history, title: title, on: &svg)
  return svg.rendered
}

/// The same chart rasterised (lines, axes, grid, points, legend; text in a small pixel font), for a `.png` --plot.
public func historyImage(_ history: [Logs], title: String) -> Image8 {
  let size = historyChartSize(history)
  var raster = Raster(width: Int(size.width), height: Int(size.height))
  drawHistory(history, title: title, on: &raster)
  return raster.image
}

/// Writes the history chart to `path`: a PNG when it ends in `.png`, else SVG.
public func writeHistoryChart(_ history: [Logs], title: String, to path: String) throws(PrecastError) {
  if path.lowercased().hasSuffix(".png") {
    try writePNG(historyImage(history, title: title), to: path)
  } else {
    try writeTextFileAtomically(historySVG(history, title: title), to: path)
  }
}

/// The quantities plotted (val_ merged into their base name), in first-seen order.
private func historyNames(_ history: [Logs]) -> [String] {
  var names: [String] = []
  for logs in history {
    for (name, _) in logs.entries {
      let base = name.hasPrefix("val_") ? String(name.dropFirst(4)) : name
      if !names.contains(base) { names.append(base) }
    }
  }
  return names
}

private let panelWidth = 420.0, panelHeight = 300.0, chartHeader = 36.0

private func historyChartSize(_ history: [Logs]) -> (width: Double, height: Double) {
  let count = historyNames(history).count
  let columns = min(max(count, 1), 3), rows = (count + columns - 1) / max(columns, 1)
  return (panelWidth * Double(columns), chartHeader + panelHeight * Double(max(rows, 1)))
}

private func drawHistory<Canvas: ChartCanvas>(_ history: [Logs], title: String, on canvas: inout Canvas) {
  let names = historyNames(history)
  let columns = min(max(names.count, 1), 3)
  let width = historyChartSize(history).width
  canvas.text(title, x: width / 2, y: 24, size: 16, anchor: "middle", weight: "bold")
  for (i, name) in names.enumerated() {
    let x0 = panelWidth * Double(i % columns), y0 = chartHeader + panelHeight * Double(i / columns)
    let training = history.enumerated().compactMap { epoch, logs in logs[name].map { (Double(epoch + 1), $0) } }
    let validation = history.enumerated().compactMap { epoch, logs in logs["val_" + name].map { (Double(epoch + 1), $0) } }
    panel(&canvas, name: name, training: training, validation: validation, epochs: history.count,
          frame: (x0 + 62, y0 + 30, panelWidth - 82, panelHeight - 80))
  }
}

/// One chart: axes, ticks, grid, the two series and a legend.
private func panel<Canvas: ChartCanvas>(
  _ svg: inout Canvas, name: String, training: [(Double, Double)], validation: [(Double, Double)], epochs: Int,
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

/// What the chart is drawn with: SVG elements or pixels. Colours are "#rrggbb".
private protocol ChartCanvas {
  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String, width: Double)
  mutating func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double, stroke: String)
  mutating func box(_ x: Double, _ y: Double, _ w: Double, _ h: Double)
  mutating func polyline(_ points: [(Double, Double)], color: String)
  mutating func circle(_ x: Double, _ y: Double, radius: Double, color: String)
  mutating func text(_ s: String, x: Double, y: Double, size: Double, anchor: String, weight: String)
}

extension ChartCanvas {
  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String) {
    line(x1, y1, x2, y2, color: color, width: 1)
  }
  mutating func text(_ s: String, x: Double, y: Double, size: Double, anchor: String) {
    text(s, x: x, y: y, size: size, anchor: anchor, weight: "normal")
  }
}

/// A minimal SVG writer.
private struct SVG: ChartCanvas {
  let width: Double, height: Double
  var body: [String] = []

  var rendered: String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
      + "font-family=\"Helvetica, Arial, sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      + body.joined(separator: "\n") + "\n</svg>\n"
  }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String, width: Double) {
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

  mutating func text(_ s: String, x: Double, y: Double, size: Double, anchor: String, weight: String) {
    let escaped = s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    body.append("<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\">\(escaped)</text>")
  }

  private func n(_ v: Double) -> String { formatFixed(v, 1) }
}

/// The chart in RGB pixels on white: lines stamped with a square pen, filled discs, a 3×5 pixel font.
private struct Raster: ChartCanvas {
  let width: Int, height: Int
  var pixels: [UInt8]

  init(width: Int, height: Int) {
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 255, count: width * height * 3)
  }

  var image: Image8 { Image8(height: height, width: width, channels: 3, pixels: pixels) }

  /// "#rrggbb" as bytes (black when malformed).
  private func rgb(_ color: String) -> (UInt8, UInt8, UInt8) {
    let hex = Array(color.utf8.dropFirst())
    guard hex.count == 6 else { return (0, 0, 0) }
    func byte(_ i: Int) -> UInt8 { UInt8(String(decoding: hex[i..<(i + 2)], as: UTF8.self), radix: 16) ?? 0 }
    return (byte(0), byte(2), byte(4))
  }

  private mutating func plot(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
    guard x >= 0, y >= 0, x < width, y < height else { return }
    let i = (y * width + x) * 3
    (pixels[i], pixels[i + 1], pixels[i + 2]) = c
  }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String, width pen: Double) {
    let c = rgb(color), steps = Int(max(abs(x2 - x1), abs(y2 - y1)).rounded(.up)) + 1
    let half = Int((pen - 1) / 2 + 0.5)
    for s in 0...steps {
      let t = Double(s) / Double(steps)
      let x = Int((x1 + (x2 - x1) * t).rounded()), y = Int((y1 + (y2 - y1) * t).rounded())
      for dy in -half...half { for dx in -half...half { plot(x + dx, y + dy, c) } }
    }
  }

  mutating func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double, stroke: String) {
    line(x, y, x + w, y, color: stroke)
    line(x + w, y, x + w, y + h, color: stroke)
    line(x + w, y + h, x, y + h, color: stroke)
    line(x, y + h, x, y, color: stroke)
  }

  mutating func box(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
    for row in Int(y)...Int(y + h) { line(x, Double(row), x + w, Double(row), color: "#ffffff") }
    rectangle(x, y, w, h, stroke: "#cccccc")
  }

  mutating func polyline(_ points: [(Double, Double)], color: String) {
    for (a, b) in zip(points, points.dropFirst()) { line(a.0, a.1, b.0, b.1, color: color, width: 2) }
  }

  mutating func circle(_ x: Double, _ y: Double, radius: Double, color: String) {
    let c = rgb(color), r = Int(radius.rounded(.up))
    for dy in -r...r {
      for dx in -r...r where Double(dx * dx + dy * dy) <= radius * radius { plot(Int(x.rounded()) + dx, Int(y.rounded()) + dy, c) }
    }
  }

  /// Text in a 3×5 pixel font at twice its size (letters as capitals, digits, `. - _ : / ( ) +`; others blank),
  /// `y` its baseline as in SVG.
  mutating func text(_ s: String, x: Double, y: Double, size: Double, anchor: String, weight: String) {
    let scale = 2, advance = 3 * scale + 1
    let width = Double(s.count * advance - 1)
    let left = Int((anchor == "middle" ? x - width / 2 : anchor == "end" ? x - width : x).rounded())
    let top = Int(y.rounded()) - 5 * scale
    for (i, character) in s.lowercased().enumerated() {
      guard let rows = pixelFont[character] else { continue }
      for (r, row) in rows.enumerated() {
        for c in 0..<3 where row & (4 >> c) != 0 {
          for dy in 0..<scale { for dx in 0..<scale { plot(left + i * advance + c * scale + dx, top + r * scale + dy, (51, 51, 51)) } }
        }
      }
    }
  }
}

/// A 3×5 pixel font: five rows per glyph, top first, bit 2 the left column.
private let pixelFont: [Character: [Int]] = [
  "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7], "4": [5, 5, 7, 1, 1],
  "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 1, 1], "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
  ".": [0, 0, 0, 0, 2], "-": [0, 0, 7, 0, 0], "_": [0, 0, 0, 0, 7], ":": [0, 2, 0, 2, 0], "/": [1, 1, 2, 4, 4],
  "(": [2, 4, 4, 4, 2], ")": [2, 1, 1, 1, 2], "+": [0, 2, 7, 2, 0],
  "a": [2, 5, 7, 5, 5], "b": [6, 5, 6, 5, 6], "c": [3, 4, 4, 4, 3], "d": [6, 5, 5, 5, 6], "e": [7, 4, 6, 4, 7],
  "f": [7, 4, 6, 4, 4], "g": [3, 4, 5, 5, 3], "h": [5, 5, 7, 5, 5], "i": [7, 2, 2, 2, 7], "j": [1, 1, 1, 5, 2],
  "k": [5, 5, 6, 5, 5], "l": [4, 4, 4, 4, 7], "m": [5, 7, 7, 5, 5], "n": [6, 5, 5, 5, 5], "o": [2, 5, 5, 5, 2],
  "p": [6, 5, 6, 4, 4], "q": [2, 5, 5, 6, 3], "r": [6, 5, 6, 5, 5], "s": [3, 4, 2, 1, 6], "t": [7, 2, 2, 2, 2],
  "u": [5, 5, 5, 5, 7], "v": [5, 5, 5, 5, 2], "w": [5, 5, 7, 7, 5], "x": [5, 5, 2, 5, 5], "y": [5, 5, 2, 2, 2],
  "z": [7, 1, 2, 4, 7],
]

extension String {
  /// Every occurrence of `target` replaced (without Foundation).
  fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
