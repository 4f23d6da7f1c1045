// Exports.swift: the runtime re-exports its parts, so generated code needs a single import.
@_exported import PrecastData
@_exported import PrecastHDF5
@_exported import PrecastKernels
