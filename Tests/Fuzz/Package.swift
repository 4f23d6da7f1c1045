// swift-tools-version:6.0
// Package.swift: the libFuzzer binary over Precast's file readers. Built and run by `Scripts/fuzz.sh`, which passes
// `-sanitize=fuzzer,address` (libFuzzer supplies `main`, so this package is never built without it).
import PackageDescription

let package = Package(
  name: "PrecastFuzz",
  dependencies: [.package(name: "Precast", path: "../..")],
  targets: [
    .executableTarget(
      name: "precast-fuzz", dependencies: [.product(name: "PrecastFuzzing", package: "Precast")],
      swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
  ]
)
