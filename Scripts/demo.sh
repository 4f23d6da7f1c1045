#!/usr/bin/env bash
# demo.sh: the main job from a fresh clone: set up, generate fashion-mlp, train it 5 epochs, predict test images.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data=/usr/share/datasets/fashion-mnist
bash "$repo/Scripts/setup.sh"
cd "$repo"
swift build -c release --product precast
.build/release/precast generate fashion-mlp
cd Generated/fashion-mlp
swift build -c release
mkdir -p "$repo/out"
.build/release/fashion-mlp-train \
  --data $data/train-images-idx3-ubyte.gz --labels $data/train-labels-idx1-ubyte.gz \
  --test-data $data/t10k-images-idx3-ubyte.gz --test-labels $data/t10k-labels-idx1-ubyte.gz \
  --normalize --epochs 5 --batch-size 128 --seed 1 --output "$repo/out/fashion-mlp.h5"
echo "First 10 test images, predicted class (0 T-shirt … 9 ankle boot):"
# awk reads every line: with head, the binary could be killed by SIGPIPE mid-output and pipefail would fail the demo
.build/release/fashion-mlp-infer --weights "$repo/out/fashion-mlp.h5" --classes $data/t10k-images-idx3-ubyte.gz | awk 'NR <= 10' | tr '\n' ' '; echo
echo "Their labels:"
python3 - "$data/t10k-labels-idx1-ubyte.gz" <<'PY' 2>/dev/null || true
import gzip, sys
print(" ".join(str(b) for b in gzip.open(sys.argv[1]).read()[8:18]))
PY
