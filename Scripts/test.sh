#!/usr/bin/env bash
# test.sh: sets up a fresh machine and runs every test: swift test (unit, gradient, Keras parity, golden),
# the command-line checks on the generated binaries, image folders, data-parallel training under Open MPI, the hardening
# checks (error catalogue, damaged weight files, killed runs, brief fuzzing), and the Keras round trip
# (Python Keras reads our files).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/Scripts/setup.sh"
cd "$repo"
swift build --build-tests
swift test --skip-build
bash Scripts/cli-checks.sh
bash Scripts/image-checks.sh
bash Scripts/mpi-checks.sh
bash Scripts/hardening-checks.sh
bash Scripts/keras-roundtrip.sh
