// Paths.swift: where this Precast checkout lives (its templates, and the package generated code depends on).
import Foundation

public enum PrecastPaths {
  /// The Precast package root: $PRECAST_HOME, else the checkout this binary was built from.
  public static var root: String {
    if let home = ProcessInfo.processInfo.environment["PRECAST_HOME"], !home.isEmpty { return home }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
  }

  /// `Templates/` in the root.
  public static var templates: String { root + "/Templates" }

  /// The path a package in `directory` should use to depend on Precast: relative when inside the checkout.
  public static func dependencyPath(from directory: String) -> String {
    let target = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().pathComponents
    let base = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().pathComponents
    guard target.starts(with: base) else { return URL(fileURLWithPath: root).standardizedFileURL.path }
    let depth = target.count - base.count
    return depth == 0 ? "." : Array(repeating: "..", count: depth).joined(separator: "/")
  }
}
