#!/usr/bin/env bash
# compare.sh: Precast against PyTorch (CPU) and Keras 3 (TensorFlow backend) on the tutorial models, one after
# another on this machine with the same thread count, and one table of the results.
#
#   bash Benchmarks/compare.sh [--threads 2] [--epochs 3] [--samples N] [--models "fashion-mlp pima …"] [--no-peers]
#
# Models: fashion-mlp, fashion-cnn, fashion-deep-cnn (Fashion-MNIST, batch 128, Adam ε = 1e-7), text-lstm, text-gru
# (`precast dataset reviews`, 20,000 sequences of 100 steps, batch 128, RMSprop) and pima (the tutorial's whole fit:
# 150 epochs, batch 10, Adam). Same architectures and initializers on every side (Benchmarks/peers.py).
# Precast runs its real trainer (`<model>-train --epochs E`, checkpoint written every epoch, metrics computed) and
# the figure is the median epoch of its log; PyTorch and Keras time `epochs` epochs after a warm-up (median).
# For pima the figure is the whole run: the Precast trainer process from start to exit (checkpoint, history CSV
# and plot included) against Keras's `model.fit(X, y, epochs=150, batch_size=10)`.
# Peak memory is each process's max RSS. `--samples N` trains on the first N images/sequences (a quick run).
# The peers live in a venv this script creates (.build-bench-venv: pip torch, tensorflow; several GB).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads=2 epochs=3 samples="" models="fashion-mlp fashion-cnn fashion-deep-cnn text-lstm text-gru pima" peers=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --no-peers) peers=0; shift ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
bash "$repo/Scripts/setup.sh" >/dev/null
fashion=/usr/share/datasets/fashion-mnist
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
results="$tmp/results.jsonl"; : >"$results"

venv="$repo/.build-bench-venv"
if [ "$peers" = 1 ] && ! "$venv/bin/python" -c 'import torch, tensorflow, keras' >/dev/null 2>&1; then
  echo "== installing PyTorch and TensorFlow into $venv (once)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip >/dev/null
  # The CPU-only wheel when its index is reachable, else PyPI's (which also carries CUDA libraries, unused here).
  "$venv/bin/pip" install -q torch --index-url https://download.pytorch.org/whl/cpu 2>/dev/null || "$venv/bin/pip" install -q torch
  "$venv/bin/pip" install -q tensorflow numpy
fi

cd "$repo" && swift build -c release --product precast >/dev/null
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $threads thread(s) for every program, $(date -u +%Y-%m-%d)"

# Data: Fashion-MNIST (the first N images with --samples), the review corpus, Pima.
images="$fashion/train-images-idx3-ubyte.gz" labels="$fashion/train-labels-idx1-ubyte.gz"
if [ -n "$samples" ]; then
  python3 - "$fashion" "$tmp" "$samples" <<'PY'
import gzip, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for name, header, size in (("train-images-idx3-ubyte.gz", 16, 784), ("train-labels-idx1-ubyte.gz", 8, 1)):
    data = gzip.open(f"{src}/{name}").read()
    head = bytearray(data[:header]); head[4:8] = n.to_bytes(4, "big")
    gzip.open(f"{out}/{name}", "wb").write(bytes(head) + data[header:header + n * size])
PY
  images="$tmp/train-images-idx3-ubyte.gz" labels="$tmp/train-labels-idx1-ubyte.gz"
fi
.build/release/precast dataset reviews --output "$tmp/reviews" >/dev/null
if [ -n "$samples" ]; then
  head -n "$samples" "$tmp/reviews/train.txt" >"$tmp/reviews/t" && mv "$tmp/reviews/t" "$tmp/reviews/train.txt"
  head -n "$samples" "$tmp/reviews/train-labels.csv" >"$tmp/reviews/l" && mv "$tmp/reviews/l" "$tmp/reviews/train-labels.csv"
fi
pima="$repo/Examples/data/pima-indians-diabetes.csv"

# Runs a command under GNU time; prints its max RSS in MB to fd 3.
measure() { /usr/bin/time -f "%M" -o "$tmp/rss" "$@"; awk '{ printf "%.1f", $1 / 1024 }' "$tmp/rss" >&3; }

for model in $models; do
  echo "== $model"
  dir="$repo/Generated/$model"
  (cd "$dir" && swift build -c release >/dev/null)
  train="$dir/.build/release/$model-train"
  case "$model" in
    fashion-*) args=(--data "$images" --labels "$labels" --normalize --batch-size 128 --epochs "$epochs") ;;
    text-*) args=(--data "$tmp/reviews/train.txt" --labels "$tmp/reviews/train-labels.csv" --sequences pad --validation-split 0
                  --batch-size 128 --epochs "$epochs") ;;
    pima) args=(--data "$pima" --epochs 150 --batch-size 10) ;;
  esac
  start=$(date +%s.%N)
  rss=$( { measure "$train" "${args[@]}" --threads "$threads" --seed 1 --verbose 2 --output "$tmp/$model.h5" >"$tmp/log"; } 3>&1 )
  wall=$(awk "BEGIN { printf \"%.3f\", $(date +%s.%N) - $start }")
  count=$(grep -m1 -oE '^Train on [0-9]+' "$tmp/log" | grep -oE '[0-9]+')
  if [ "$model" = pima ]; then
    seconds=$wall
  else
    seconds=$(grep -oE '^Epoch [0-9]+/[0-9]+ - [0-9.]+s' "$tmp/log" | grep -oE '[0-9.]+s$' | tr -d s | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  fi
  echo "{\"framework\": \"precast\", \"model\": \"$model\", \"samples\": $count, \"seconds\": $seconds, \"peak_rss_mb\": $rss}" | tee -a "$results"
  [ "$peers" = 1 ] || continue
  for framework in torch keras; do
    [ "$framework" = torch ] && [ "$model" = pima ] && continue  # the Keras tutorial's fit; no PyTorch counterpart
    peer=(--framework "$framework" --model "$model" --epochs "$epochs" --threads "$threads" --reviews "$tmp/reviews" --out "$tmp")
    [ -n "$samples" ] && peer+=(--samples "$samples")
    rss=$( { measure "$venv/bin/python" "$repo/Benchmarks/peers.py" "${peer[@]}" >"$tmp/peer.json" 2>"$tmp/peer.err"; } 3>&1 ) \
      || { echo "$framework failed:"; tail -3 "$tmp/peer.err"; continue; }
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); r["peak_rss_mb"] = float(sys.argv[2]); print(json.dumps(r))' \
      "$tmp/peer.json" "$rss" | tee -a "$results"
  done
done

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = {(r["framework"], r["model"]): r for r in rows}
models = list(dict.fromkeys(r["model"] for r in rows))
def cell(r):
    if r is None:
        return "—"
    return f'{r["seconds"]:.2f} s ({r["samples"] / r["seconds"]:,.0f}/s, {r["peak_rss_mb"]:.0f} MB)'
print()
print("| model | Precast | PyTorch | Keras (TensorFlow) | Precast vs PyTorch | Precast vs Keras |")
print("| --- | --- | --- | --- | --- | --- |")
for m in models:
    p, t, k = by.get(("precast", m)), by.get(("torch", m)), by.get(("keras", m))
    ratio = lambda peer: f'**{peer["seconds"] / p["seconds"]:.2f}×**' if p and peer else "—"
    label = f"{m} (whole fit, 150 epochs)" if m == "pima" else f"{m} (s per epoch)"
    print(f"| {label} | {cell(p)} | {cell(t)} | {cell(k)} | {ratio(t)} | {ratio(k)} |")
print()
print("Cells: seconds (samples per second, peak memory); ratios are the peer's time over Precast's (> 1: Precast is faster).")
PY
