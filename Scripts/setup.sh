#!/usr/bin/env bash
# setup.sh: installs what Precast needs on a fresh Debian machine (OpenBLAS, HDF5, zlib, libpng, libjpeg-turbo, Open MPI, Fashion-MNIST, GNU time).
set -euo pipefail
packages=(libopenblas-dev libhdf5-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev pkg-config dataset-fashion-mnist time openmpi-bin libopenmpi-dev)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 1; }
echo "setup: OpenBLAS $(pkg-config --modversion openblas), HDF5 $(pkg-config --modversion hdf5-serial), $(swift --version 2>/dev/null | head -1)"
