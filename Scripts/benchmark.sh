#!/usr/bin/env bash
# benchmark.sh: fashion-mlp and fashion-cnn speed: epoch time, samples/s, GFLOP/s vs OpenBLAS sgemm, latency, memory, binary size, start-up,
# and the portable (baseline x86-64) build against the native one. Benchmarks/compare.sh compares with PyTorch and Keras.
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
echo "inference binary: $(stat -c %s .build/release/fashion-mlp-infer) bytes, stripped $(stat -c %s "$tmp/infer-stripped") bytes (libhdf5 linked in statically; OpenBLAS and the Swift runtime are shared libraries: $(ldd .build/release/fashion-mlp-infer | wc -l) in all)"
python3 -c "print(','.join(['0']*784))" >"$tmp/one.csv"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 5 --runs 100 --export-markdown "$tmp/startup.md" \
    ".build/release/fashion-mlp-infer --weights $tmp/w.h5 $tmp/one.csv" >/dev/null
  echo "start to first prediction (process start, load 2.7 MB of weights, predict one CSV row, exit):"
  tail -1 "$tmp/startup.md"
fi

echo "== fashion-cnn (Conv2D 32 3×3 → MaxPool → Dense 128 → Dense 10)"
cd "$repo/Generated/fashion-cnn"
swift build -c release >/dev/null
.build/release/fashion-cnn-train --benchmark --normalize \
  --data $data/train-images-idx3-ubyte.gz --labels $data/train-labels-idx1-ubyte.gz
/usr/bin/time -f "peak memory of a 1-epoch training run (max RSS): %M KB, wall %e s" \
  .build/release/fashion-cnn-train --normalize --epochs 1 --seed 1 --verbose 0 --output "$tmp/cnn.h5" \
  --data $data/train-images-idx3-ubyte.gz --labels $data/train-labels-idx1-ubyte.gz
.build/release/fashion-cnn-infer --weights "$tmp/cnn.h5" --benchmark
.build/release/fashion-cnn-infer --weights "$tmp/cnn.h5" --benchmark --threads 1 | sed 's/^/threads=1: /'
echo "== fashion-cnn built portable (PRECAST_PORTABLE=1: baseline x86-64 instead of -target-cpu native)"
PRECAST_PORTABLE=1 swift build -c release --scratch-path .build-portable >/dev/null
.build-portable/release/fashion-cnn-train --benchmark --normalize \
  --data $data/train-images-idx3-ubyte.gz --labels $data/train-labels-idx1-ubyte.gz | grep -E "^epoch|part:|ratio"
.build-portable/release/fashion-cnn-infer --weights "$tmp/cnn.h5" --benchmark --threads 1 | sed 's/^/threads=1: /'
