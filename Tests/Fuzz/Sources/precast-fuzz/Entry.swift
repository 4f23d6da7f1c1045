// Entry.swift: libFuzzer's entry point. The reader is chosen by `PRECAST_FUZZ_TARGET` (csv, npy, idx, idx-gz, netpbm,
// cifar, sequences, glove, json, hdf5, keras, png, jpeg; see `FuzzTarget`).

import Glibc
import PrecastFuzzing

let target: FuzzTarget = {
  let name = getenv("PRECAST_FUZZ_TARGET").map { String(cString: $0) } ?? ""
  guard let target = FuzzTarget(rawValue: name) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    print("precast-fuzz: set PRECAST_FUZZ_TARGET to one of: \(names)")
    exit(2)
  }
  return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  target.run(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

/// libFuzzer's driver (part of `-sanitize=fuzzer`'s runtime).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// SwiftPM links an executable's `main` to `<module>_main`; here it starts libFuzzer's driver.
@_cdecl("precast_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  _ = target
  return LLVMFuzzerRunDriver(&count, &arguments, fuzzOne)
}
