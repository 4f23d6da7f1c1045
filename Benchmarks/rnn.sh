#!/usr/bin/env bash
# rnn.sh: LSTM(32) and GRU(32) on sequences of length 100, batch 128 — Precast's generated text-lstm / text-gru against Keras on this machine.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/Scripts/setup.sh"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$repo" && swift build -c release --product precast >/dev/null
.build/release/precast dataset reviews --output "$tmp/reviews" >/dev/null
r="$tmp/reviews"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for model in text-lstm text-gru; do
  layer="${model#text-}"
  echo "== Precast $model: Embedding(10000, 32) → ${layer^^}(32) → Dense(1), 20000 reviews padded to 100 steps, batch 128"
  cd "$repo/Generated/$model"
  swift build -c release >/dev/null
  .build/release/$model-train --benchmark --data "$r/train.txt" --labels "$r/train-labels.csv" --sequences pad \
    | grep -E "^(BLAS|epoch|dense/recurrent part|whole epoch)"
  .build/release/$model-train --data "$r/train.txt" --labels "$r/train-labels.csv" --sequences pad --epochs 1 --verbose 0 --output "$tmp/$model.h5" >/dev/null
  .build/release/$model-infer --weights "$tmp/$model.h5" --benchmark | grep -v BLAS
done
venv="$repo/.build-keras-venv"
if KERAS_BACKEND=jax "$venv/bin/python" -c 'import keras, jax' >/dev/null 2>&1; then
  echo "== Keras, the same models"
  KERAS_BACKEND=jax JAX_PLATFORMS=cpu "$venv/bin/python" "$repo/Benchmarks/keras_rnn.py"
else
  echo "== Keras: skipped (no $venv; Scripts/keras-roundtrip.sh creates it)"
fi
