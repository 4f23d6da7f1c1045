#!/usr/bin/env bash
# benchmark.sh: fashion-mlp speed: epoch time, samples/s, GFLOP/s vs OpenBLAS sgemm, batch-1 latency, binary size, start-up.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data=/usr/share/datasets/fashion-mnist
bash "$repo/Scripts/setup.sh"
command -v hyperfine >/dev/null || { [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; } || true
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$repo/Generated/fashion-mlp"
swift build -c release >/dev/null
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== training: one epoch of fashion-mlp (60000 samples, batch 128)"
.build/release/fashion-mlp-train --benchmark --normalize \
  --data $data/train-images-idx3-ubyte.gz --labels $data/train-labels-idx1-ubyte.gz
.build/release/fashion-mlp-train --normalize --epochs 1 --seed 1 --verbose 0 --output "$tmp/w.h5" \
  --data $data/train-images-idx3-ubyte.gz --labels $data/train-labels-idx1-ubyte.gz
echo "== inference"
.build/release/fashion-mlp-infer --weights "$tmp/w.h5" --benchmark
.build/release/fashion-mlp-infer --weights "$tmp/w.h5" --benchmark --threads 1 | sed 's/^/threads=1: /'
strip -o "$tmp/infer-stripped" .build/release/fashion-mlp-infer
echo "inference binary: $(stat -c %s .build/release/fashion-mlp-infer) bytes, stripped $(stat -c %s "$tmp/infer-stripped") bytes (OpenBLAS, HDF5 and the Swift runtime are shared libraries)"
python3 -c "print(','.join(['0']*784))" >"$tmp/one.csv"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 5 --runs 100 --export-markdown "$tmp/startup.md" \
    ".build/release/fashion-mlp-infer --weights $tmp/w.h5 $tmp/one.csv" >/dev/null
  echo "start to first prediction (process start, load 2.7 MB of weights, predict one CSV row, exit):"
  tail -1 "$tmp/startup.md"
fi
