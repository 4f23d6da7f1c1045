#!/usr/bin/env bash
# mpi.sh: data-parallel training on this machine: samples/s of one process with T threads against T ranks
# (mpirun) with one thread each, and the allreduce's time and bytes per step, for each built-in Fashion-MNIST model
# and pima. Same data, global batch and seed on both sides; the figure is the median epoch of the trainer's log (for
# pima, whose epochs take milliseconds, the whole run's wall time per epoch, mpirun's start-up included).
#
#   bash Benchmarks/mpi.sh [--ranks 2] [--epochs 3] [--samples 20000] [--models "fashion-mlp fashion-cnn fashion-deep-cnn pima"]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ranks=2 epochs=3 samples=20000 models="fashion-mlp fashion-cnn fashion-deep-cnn pima"
while [ $# -gt 0 ]; do
  case "$1" in
    --ranks) ranks="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    *) echo "mpi.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
bash "$repo/Scripts/setup.sh" >/dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fashion=/usr/share/datasets/fashion-mnist
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
python3 - "$fashion" "$tmp" "$samples" <<'PY'
import gzip, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
images = gzip.open(src + "/train-images-idx3-ubyte.gz").read()
labels = gzip.open(src + "/train-labels-idx1-ubyte.gz").read()
gzip.open(out + "/img.gz", "wb").write(images[:4] + n.to_bytes(4, "big") + images[8:16] + images[16:16 + n * 784])
gzip.open(out + "/lab.gz", "wb").write(labels[:4] + n.to_bytes(4, "big") + labels[8:8 + n])
PY

# median_epoch LOG: the median of the "Epoch k/E - S.SSs" times.
median_epoch() { grep -o '^Epoch [0-9]*/[0-9]* - [0-9.]*s' "$1" | sed 's/.* - //; s/s$//' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "Precast data-parallel on $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')), $(date -u +%Y-%m-%d), $ranks ranks"
printf '| model | samples | 1 process × %s threads | %s ranks × 1 thread | ranks / process | allreduce per step |\n' "$ranks" "$ranks"
echo "| --- | --- | --- | --- | --- | --- |"
for model in $models; do
  (cd "$repo/Generated/$model" && swift build -c release >/dev/null 2>&1)
  train="$repo/Generated/$model/.build/release/$model-train"
  if [ "$model" = pima ]; then
    data=(--data "$repo/Examples/data/pima-indians-diabetes.csv" --batch-size 10); count=768; e=$((epochs * 20))
  else
    data=(--data "$tmp/img.gz" --labels "$tmp/lab.gz" --normalize --batch-size 128); count=$samples; e=$epochs
  fi
  common=("${data[@]}" --epochs "$e" --validation-split 0 --seed 1 --verbose 2)
  start=$(date +%s.%N)
  "$train" "${common[@]}" --threads "$ranks" --output "$tmp/one.h5" >"$tmp/one.log" 2>&1
  middle=$(date +%s.%N)
  mpirun -np "$ranks" --oversubscribe --bind-to none "$train" "${common[@]}" --threads 1 --output "$tmp/many.h5" >"$tmp/many.log" 2>&1
  end=$(date +%s.%N)
  one=$(median_epoch "$tmp/one.log"); many=$(median_epoch "$tmp/many.log")
  if [ "$model" = pima ]; then  # epochs of a few milliseconds: the whole run per epoch, start-up included
    one=$(awk -v a="$start" -v b="$middle" -v e="$e" 'BEGIN {print (b - a) / e}'); many=$(awk -v a="$middle" -v b="$end" -v e="$e" 'BEGIN {print (b - a) / e}')
  fi
  reduce=$(sed -n 's/^Allreduce over [0-9]* ranks: [0-9]* steps, \(.*\) of gradients each (\(.*\) of the training time)/\1 (\2)/p' "$tmp/many.log")
  awk -v m="$model" -v n="$count" -v a="$one" -v b="$many" -v r="$reduce" -v k="$ranks" 'BEGIN {
    printf "| %s | %d | %.0f samples/s (%.3g s/epoch) | %.0f samples/s (%.3g s/epoch) | %.2f× | %s |\n", m, n, n / a, a, n / b, b, a / b, r }'
done
