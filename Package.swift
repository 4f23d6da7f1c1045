// swift-tools-version:6.0
// Precast: an ahead-of-time compiler from Keras-style Swift models to specialized SwiftPM packages.
import PackageDescription
import Foundation

/// libhdf5's static archive where Debian's libhdf5-dev installs it (serial build), else the shared library.
let hdf5Linking: [LinkerSetting] = {
  for arch in ["x86_64-linux-gnu", "aarch64-linux-gnu"] {
    let directory = "/usr/lib/\(arch)/hdf5/serial"
    if FileManager.default.fileExists(atPath: directory + "/libhdf5.a") {
      return [.unsafeFlags(["-Xlinker", directory + "/libhdf5.a"]), .linkedLibrary("sz"), .linkedLibrary("z"), .linkedLibrary("dl"), .linkedLibrary("m")]
    }
  }
  return [.unsafeFlags(["-L/usr/lib/x86_64-linux-gnu/hdf5/serial"]), .linkedLibrary("hdf5")]
}()

/// Whether Open MPI's development files are installed (Debian's libopenmpi-dev, which `Scripts/setup.sh` installs).
/// With them the trainers link libmpi and run data-parallel under `mpirun`; without them everything else builds and
/// a trainer started by `mpirun` says how to get MPI. `PRECAST_NO_MPI=1` builds without MPI even where it is installed.
let mpiAvailable: Bool = {
  guard Context.environment["PRECAST_NO_MPI"] == nil else { return false }
  return ["x86_64-linux-gnu", "aarch64-linux-gnu"].contains { arch in
    FileManager.default.fileExists(atPath: "/usr/lib/\(arch)/pkgconfig/ompi-c.pc")
  }
}()

let package = Package(
  name: "Precast",
  products: [
    // MARK: - Public API
    .executable(name: "precast", targets: ["precast"]),
    .library(name: "Precast", targets: ["Precast"]),
    // The runtime that generated packages link.
    .library(name: "PrecastRuntime", targets: ["PrecastRuntime"]),
    .library(name: "PrecastCommands", targets: ["PrecastCommands"]),
    // The inference binary's command: no swift-argument-parser, no Foundation (it starts in milliseconds).
    .library(name: "PrecastInference", targets: ["PrecastInference"]),
    // Every reader of users' files behind one entry point, for the libFuzzer binary in Tests/Fuzz.
    .library(name: "PrecastFuzzing", targets: ["PrecastFuzzing"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
  ],
  targets: [
    // MARK: - System libraries (pkg-config; installed by `Scripts/setup.sh`)
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    // HDF5 is linked statically (`hdf5Linking` below): Debian's shared libhdf5 brings in libcurl, GnuTLS, Kerberos and
    // LDAP (37 libraries), which cost the inference binary ~5 ms of its start-up; the archive needs only libsz and zlib.
    .systemLibrary(name: "CHDF5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // libpng and libjpeg-turbo: image folders, the inference binary's PNG/JPEG inputs, PNG output.
    .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
    // Their C calls behind a small C layer: both libraries report errors by longjmp, which Swift cannot catch.
    .target(name: "CImageCodecs", dependencies: ["CPNG", "CJPEG"]),
    // Open MPI, linked by the trainers only (PrecastCommands), never by the inference binary.
    .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),

    // MARK: - Runtime (linked by generated packages; no Foundation)
    .target(name: "PrecastHDF5", dependencies: ["CHDF5", "PrecastCore"], linkerSettings: hdf5Linking),
    .target(name: "PrecastData", dependencies: ["CZlib", "CImageCodecs", "PrecastCore"]),
    // The Keras vocabulary shared by compiler and runtime: activations, losses, optimizers, initializers.
    .target(name: "PrecastCore"),
    .target(name: "PrecastKernels", dependencies: ["PrecastCore", "CBLAS"]),
    .target(name: "PrecastRuntime", dependencies: ["PrecastKernels", "PrecastHDF5", "PrecastData"]),
    .target(
      name: "PrecastCommands",
      dependencies: ["PrecastRuntime", .product(name: "ArgumentParser", package: "swift-argument-parser")] + (mpiAvailable ? ["CMPI"] : [])),
    .target(name: "PrecastInference", dependencies: ["PrecastRuntime"]),
    .target(name: "PrecastFuzzing", dependencies: ["PrecastRuntime"]),

    // MARK: - Compiler: builder DSL, spec, generator
    .target(
      name: "Precast",
      dependencies: ["PrecastCore", .product(name: "Mustache", package: "swift-mustache")]),
    // The built-in examples, the gradient-check models and the synthetic datasets (`precast list`, `regenerate`,
    // `dataset`): used by the `precast` command and the tests, not shipped in the compiler library or any binary.
    .target(name: "PrecastCatalogue", dependencies: ["Precast", "PrecastData", "PrecastCore"]),
    .executableTarget(
      name: "precast",
      dependencies: ["Precast", "PrecastCatalogue", "PrecastData", "PrecastHDF5", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

    // MARK: - Tests
    // Generated code compiled into the tests: the examples' models (golden files in Generated/) and
    // the gradient-check models (Tests/Models/). `precast regenerate` rewrites both.
    .target(name: "PimaModel", dependencies: ["PrecastRuntime"], path: "Generated/pima/Sources/PimaModel"),
    .target(name: "FashionMlpModel", dependencies: ["PrecastRuntime"], path: "Generated/fashion-mlp/Sources/FashionMlpModel"),
    .target(name: "BostonModel", dependencies: ["PrecastRuntime"], path: "Generated/boston/Sources/BostonModel"),
    .target(name: "FashionCnnModel", dependencies: ["PrecastRuntime"], path: "Generated/fashion-cnn/Sources/FashionCnnModel"),
    .target(name: "FashionDeepCnnBnModel", dependencies: ["PrecastRuntime"], path: "Generated/fashion-deep-cnn-bn/Sources/FashionDeepCnnBnModel"),
    .target(name: "CifarCnnModel", dependencies: ["PrecastRuntime"], path: "Generated/cifar-cnn/Sources/CifarCnnModel"),
    .target(name: "CheckModels", dependencies: ["PrecastRuntime"], path: "Tests/Models"),
    // Helpers every test target shares (fixture paths, NaN-safe comparisons); no dependencies, not even XCTest.
    .target(name: "PrecastTestSupport", path: "Tests/PrecastTestSupport"),
    .testTarget(name: "PrecastHDF5Tests", dependencies: ["PrecastHDF5", "PrecastCore", "CHDF5", "PrecastTestSupport"]),
    .testTarget(name: "PrecastDataTests", dependencies: ["PrecastData", "PrecastCatalogue", "CZlib", "PrecastTestSupport"]),
    // The compiler: spec, Keras vocabulary, config and import, golden files. No runtime and no generated model.
    .testTarget(name: "PrecastCompilerTests", dependencies: ["Precast", "PrecastCatalogue", "PrecastHDF5", "PrecastTestSupport"]),
    // The runtime's numerical pieces without a model: kernels against naive references, losses, metrics, initializers.
    .testTarget(name: "PrecastKernelTests", dependencies: ["PrecastRuntime", "PrecastTestSupport"]),
    // Generated models against references: Keras's predictions and training trajectories, and central differences.
    .testTarget(
      name: "PrecastKerasParityTests",
      dependencies: ["PrecastRuntime", "PimaModel", "FashionMlpModel", "FashionCnnModel", "CheckModels", "PrecastTestSupport"]),
    // The runtime with generated models: fit loop, callbacks, weight files, labels, ranks, inspection, the inference
    // binary's option reader, the trainer's flags, fuzz regressions. FashionDeepCnnBnModel is imported by no test: it
    // is here so that building the tests compiles its golden files, as for the other examples.
    .testTarget(
      name: "PrecastRuntimeTests",
      dependencies: [
        "PrecastRuntime", "PrecastInference", "PrecastFuzzing", "PimaModel", "BostonModel", "FashionCnnModel", "FashionDeepCnnBnModel",
        "CifarCnnModel", "CheckModels", "PrecastTestSupport", "PrecastCommands",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
  ]
)

// MARK: - Code for the CPU it is built on
// Every Swift target is compiled for the building machine's CPU (AVX2/FMA, AVX-512 where present): the kernels'
// SIMD8 loops and the generated models' specialised calls run 1.2–1.5× faster than baseline x86-64 code.
// `PRECAST_PORTABLE=1 swift build …` (use its own `--scratch-path`) builds for the baseline CPU instead, for
// binaries shipped to older machines. Generated packages do the same.
if Context.environment["PRECAST_PORTABLE"] == nil {
  for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-target-cpu", "native"])]
  }
}
