#!/usr/bin/env bash
# images.sh: training cats-vs-dogs from an image folder: decoding alone (images/s), and epochs that decode every
# image again (`--image-cache-mb 0`, the next batch decoded on another thread while one trains) against epochs
# from the same images held in memory (the default cache holds them all). Same pictures, seed and batch.
#
#   bash Benchmarks/images.sh [--pictures 1000] [--epochs 2]    (pictures per class)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pictures=1000 epochs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --pictures) pictures="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "images.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
bash "$repo/Scripts/setup.sh" >/dev/null
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
(cd "$repo" && swift build -c release --product precast >/dev/null)
(cd "$repo/Generated/cats-vs-dogs" && swift build -c release >/dev/null)
train="$repo/Generated/cats-vs-dogs/.build/release/cats-vs-dogs-train"
"$repo/.build/release/precast" dataset pictures --output "$tmp/pics" --train "$pictures" --validation 0 --test 1 >/dev/null
median_epoch() { grep -o '^Epoch [0-9]*/[0-9]* - [0-9.]*s' "$1" | sed 's/.* - //; s/s$//' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
common=(--data "$tmp/pics/train" --normalize --epochs "$epochs" --validation-split 0 --seed 1 --verbose 2)
"$train" "${common[@]}" --image-cache-mb 0 --output "$tmp/a.h5" >"$tmp/stream.log" 2>&1
"$train" "${common[@]}" --image-cache-mb 100000 --output "$tmp/b.h5" >"$tmp/memory.log" 2>&1
count=$((2 * pictures))
streamed=$(median_epoch "$tmp/stream.log"); memory=$(median_epoch "$tmp/memory.log")
decode=$(sed -n 's/^Images: [0-9]* decoded (\([0-9]*\) images\/s on one thread).*/\1/p' "$tmp/stream.log")
waited=$(sed -n 's/.*training waited \([0-9.]* s\) for decoding (\([0-9.]*%\).*/\1 (\2)/p' "$tmp/stream.log")
echo "cats-vs-dogs (150×150×3, batch 32) on $count pictures, $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')), $(date -u +%Y-%m-%d)"
echo "| decoding alone (one thread) | epoch, decoding every image | epoch, images in memory | streamed / in memory | training waited for decoding |"
echo "| --- | --- | --- | --- | --- |"
awk -v d="$decode" -v s="$streamed" -v m="$memory" -v n="$count" -v w="$waited" 'BEGIN {
  printf "| %d images/s | %.1f s (%.0f images/s) | %.1f s (%.0f images/s) | %.2f× | %s |\n", d, s, n / s, m, n / m, s / m, w }'
