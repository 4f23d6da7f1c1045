#!/usr/bin/env bash
# keras-roundtrip.sh: trains the pima, fashion-mlp, fashion-cnn, fashion-deep-cnn and text-bidirectional packages with Precast
# (.h5, .weights.h5 and .keras outputs), then checks Keras 3 loads the weights and predicts the same; and that Precast's
# inference binaries read Keras's own .keras files with Keras's predictions.
set -euo pipefail

# Environment: PRECAST_ALLOW_SKIP=1 exits 0 (skipped) when pip cannot install Keras;
# KERAS_ROUNDTRIP_KEEP=1 keeps the work directory (it is always kept when a check fails).

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.build-keras-venv"
FASHION_DIR=/usr/share/datasets/fashion-mnist
PY_PACKAGES=(keras h5py numpy scipy jax)
export KERAS_BACKEND=jax JAX_PLATFORMS=cpu

say() { printf 'keras-roundtrip: %s\n' "$*"; }

venv_ready() {
  [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import keras, h5py, numpy, scipy, jax' >/dev/null 2>&1
}

# MARK: - Python venv with Keras (reused when it already imports keras)
if venv_ready; then
  say "reusing $VENV"
else
  say "creating $VENV (pip install ${PY_PACKAGES[*]})"
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
  PIP_LOG="$(mktemp)"
  if ! "$VENV/bin/python" -m pip install --quiet "${PY_PACKAGES[@]}" >"$PIP_LOG" 2>&1 || ! venv_ready; then
    tail -n 20 "$PIP_LOG" >&2
    rm -f "$PIP_LOG"
    if [[ "${PRECAST_ALLOW_SKIP:-}" == 1 ]]; then
      say "skipped (pip cannot install keras)"
      exit 0
    fi
    say "error: pip cannot install keras (set PRECAST_ALLOW_SKIP=1 to skip instead of failing)" >&2
    exit 1
  fi
  rm -f "$PIP_LOG"
fi

for f in t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz; do
  if [[ ! -f "$FASHION_DIR/$f" ]]; then
    say "error: $FASHION_DIR/$f missing (apt-get install -y dataset-fashion-mnist)" >&2
    exit 1
  fi
done

# MARK: - Build the generated packages
for pkg in pima fashion-mlp fashion-cnn fashion-deep-cnn text-bidirectional; do
  say "building Generated/$pkg (release)"
  (cd "$REPO/Generated/$pkg" && swift build -c release)
done
PIMA_BIN="$REPO/Generated/pima/.build/release"
FASHION_BIN="$REPO/Generated/fashion-mlp/.build/release"
CNN_BIN="$REPO/Generated/fashion-cnn/.build/release"
DEEP_BIN="$REPO/Generated/fashion-deep-cnn/.build/release"
TEXT_BIN="$REPO/Generated/text-bidirectional/.build/release"
(cd "$REPO" && swift build --product precast >/dev/null)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/keras-roundtrip.XXXXXX")"
cleanup() {
  local status=$?
  if [[ $status -eq 0 && "${KERAS_ROUNDTRIP_KEEP:-}" != 1 ]]; then
    rm -rf "$WORK"
  else
    say "work directory kept: $WORK"
  fi
}
trap cleanup EXIT

# MARK: - Train with Precast (both weight formats)
for out in pima.h5 pima.weights.h5 pima.keras; do
  say "training pima -> $out (20 epochs)"
  "$PIMA_BIN/pima-train" --data "$REPO/Examples/data/pima-indians-diabetes.csv" \
    --epochs 20 --batch-size 10 --seed 1 --verbose 0 --output "$WORK/$out"
done
for out in fashion-mlp.h5 fashion-mlp.weights.h5 fashion-mlp.keras; do
  say "training fashion-mlp -> $out (1 epoch)"
  "$FASHION_BIN/fashion-mlp-train" --data "$FASHION_DIR/train-images-idx3-ubyte.gz" \
    --labels "$FASHION_DIR/train-labels-idx1-ubyte.gz" --normalize \
    --epochs 1 --batch-size 128 --seed 1 --verbose 0 --output "$WORK/$out"
done
# fashion-cnn trains on the 10k test set only, to keep the check fast.
for out in fashion-cnn.h5 fashion-cnn.weights.h5 fashion-cnn.keras; do
  say "training fashion-cnn -> $out (1 epoch, t10k subset)"
  "$CNN_BIN/fashion-cnn-train" --data "$FASHION_DIR/t10k-images-idx3-ubyte.gz" \
    --labels "$FASHION_DIR/t10k-labels-idx1-ubyte.gz" --normalize \
    --epochs 1 --batch-size 128 --seed 1 --verbose 0 --output "$WORK/$out"
done

# fashion-deep-cnn (its 3×3 convolutions run as Winograd F(2×2, 3×3)) on the same 10k images.
for out in fashion-deep-cnn.h5 fashion-deep-cnn.weights.h5 fashion-deep-cnn.keras; do
  say "training fashion-deep-cnn -> $out (1 epoch, t10k subset)"
  "$DEEP_BIN/fashion-deep-cnn-train" --data "$FASHION_DIR/t10k-images-idx3-ubyte.gz" \
    --labels "$FASHION_DIR/t10k-labels-idx1-ubyte.gz" --normalize \
    --epochs 1 --batch-size 128 --seed 1 --verbose 0 --output "$WORK/$out"
done

# text-bidirectional (Embedding → Bidirectional(LSTM(32)) → Dense) on 2000 generated reviews.
"$REPO/.build/debug/precast" dataset reviews --output "$WORK/reviews" --train 2000 --test 20 >/dev/null
for out in text-bidirectional.h5 text-bidirectional.weights.h5 text-bidirectional.keras; do
  say "training text-bidirectional -> $out (1 epoch, 2000 reviews)"
  "$TEXT_BIN/text-bidirectional-train" --data "$WORK/reviews/train.txt" --labels "$WORK/reviews/train-labels.csv" \
    --sequences pad --epochs 1 --seed 1 --verbose 0 --output "$WORK/$out"
done

# MARK: - Predict with Precast on fixed inputs
"$VENV/bin/python" "$REPO/Tests/keras/roundtrip.py" prepare "$WORK" \
  --pima-csv "$REPO/Examples/data/pima-indians-diabetes.csv" --fashion-images "$FASHION_DIR/t10k-images-idx3-ubyte.gz"
for out in pima.h5 pima.weights.h5 pima.keras; do
  "$PIMA_BIN/pima-infer" --weights "$WORK/$out" "$WORK/pima-rows.csv" >"$WORK/$out.precast.csv"
done
for out in fashion-mlp.h5 fashion-mlp.weights.h5 fashion-mlp.keras; do
  "$FASHION_BIN/fashion-mlp-infer" --weights "$WORK/$out" "$WORK/fashion-images.npy" >"$WORK/$out.precast.csv"
done
for out in fashion-cnn.h5 fashion-cnn.weights.h5 fashion-cnn.keras; do
  "$CNN_BIN/fashion-cnn-infer" --weights "$WORK/$out" "$WORK/fashion-images.npy" >"$WORK/$out.precast.csv"
done
for out in fashion-deep-cnn.h5 fashion-deep-cnn.weights.h5 fashion-deep-cnn.keras; do
  "$DEEP_BIN/fashion-deep-cnn-infer" --weights "$WORK/$out" "$WORK/fashion-images.npy" >"$WORK/$out.precast.csv"
done
for out in text-bidirectional.h5 text-bidirectional.weights.h5 text-bidirectional.keras; do
  "$TEXT_BIN/text-bidirectional-infer" --weights "$WORK/$out" --sequences pad "$WORK/reviews/test.txt" >"$WORK/$out.precast.csv"
done

# MARK: - Load in Keras and compare
"$VENV/bin/python" "$REPO/Tests/keras/roundtrip.py" check "$WORK"

# MARK: - Keras's own .keras files through Precast's inference binaries (tab = the Pima architecture)
FIXTURES="$REPO/Tests/Fixtures/keras"
"$PIMA_BIN/pima-infer" --weights "$FIXTURES/tab.keras" "$FIXTURES/tab.input.csv" >"$WORK/tab.keras.precast.csv"
"$FASHION_BIN/fashion-mlp-infer" --weights "$FIXTURES/mlp.keras" "$FIXTURES/mlp.input.npy" >"$WORK/mlp.keras.precast.csv"
"$CNN_BIN/fashion-cnn-infer" --weights "$FIXTURES/cnn.keras" "$FIXTURES/cnn.input.npy" >"$WORK/cnn.keras.precast.csv"
"$VENV/bin/python" "$REPO/Tests/keras/roundtrip.py" fixtures "$WORK" "$FIXTURES" tab mlp cnn

# MARK: - Pretrained word vectors, frozen: Keras finds the GloVe rows in the trained model
"$VENV/bin/python" "$REPO/Tests/keras/glove_check.py" write "$WORK/reviews/words.txt" "$WORK/glove.txt" 32
for epochs in 1 2; do  # the first epoch's weights, then a second epoch on top of the same start
  "$TEXT_BIN/text-bidirectional-train" --data "$WORK/reviews/train.txt" --labels "$WORK/reviews/train-labels.csv" \
    --sequences pad --epochs $epochs --seed 1 --verbose 0 --embedding-vectors "$WORK/glove.txt" \
    --vocabulary "$WORK/reviews/words.txt" --freeze embedding --output "$WORK/glove-$epochs.h5"
done
"$VENV/bin/python" "$REPO/Tests/keras/glove_check.py" check "$WORK/reviews/words.txt" "$WORK/glove.txt" \
  "$WORK/glove-2.h5" "$WORK/glove-1.h5"

# MARK: - Keras resumes from our optimizer state (Adam, .weights.h5)
"$PIMA_BIN/pima-train" --data "$REPO/Examples/data/pima-indians-diabetes.csv" --epochs 3 --batch-size 10 --seed 1 \
  --verbose 0 --output "$WORK/resume.weights.h5"
"$VENV/bin/python" "$REPO/Tests/keras/resume_check.py" "$WORK/resume.weights.h5" 3 77

# MARK: - precast import: Keras's functional chain → a package that predicts as Keras; fine-tuned with the base frozen,
# then Keras's load_model opens the result (the tutorials' fine-tuning path)
say "precast import chain.keras, chain.h5 and tf-keras's chain.tfkeras.h5; fine-tune with base_conv and base_bn frozen"
for source in chain.keras chain.h5 chain.tfkeras.h5; do
  (cd "$WORK" && mkdir -p "import-$source" && cd "import-$source" \
    && "$REPO/.build/debug/precast" import "$FIXTURES/$source" --name chain --output "$WORK/import-$source/chain" >/dev/null)
done
for other in chain.h5 chain.tfkeras.h5; do
  diff -r "$WORK/import-chain.keras/chain" "$WORK/import-$other/chain" >/dev/null \
    || { say "error: chain.keras and $other import differently" >&2; exit 1; }
done
CHAIN="$WORK/import-chain.keras/chain"
(cd "$CHAIN" && swift build -c release >/dev/null)
"$CHAIN/.build/release/chain-infer" --weights "$FIXTURES/chain.keras" "$FIXTURES/chain.input.npy" >"$WORK/chain.keras.precast.csv"
"$VENV/bin/python" "$REPO/Tests/keras/roundtrip.py" fixtures "$WORK" "$FIXTURES" chain
# tf-keras 2.x's save of the same functional chain (Tests/keras/tfkeras_chain_fixture.py): its weights, read by the
# package imported from it, predict as tf-keras did.
"$CHAIN/.build/release/chain-infer" --weights "$FIXTURES/chain.tfkeras.h5" "$FIXTURES/chain.input.npy" >"$WORK/chain.tfkeras.precast.csv"
"$VENV/bin/python" - "$WORK/chain.tfkeras.precast.csv" "$FIXTURES/chain.tfkeras.output.csv" <<'PY'
import sys
import numpy as np
got, want = np.loadtxt(sys.argv[1], delimiter=","), np.loadtxt(sys.argv[2], delimiter=",")
worst = float(np.abs(got - want).max()) if got.shape == want.shape else float("inf")
assert worst <= 1e-5, f"chain.tfkeras.h5: max abs diff {worst}"  # NaN fails too
print(f"tf-keras functional chain (chain.tfkeras.h5): imports as chain.keras does; predictions within {worst:.2g} of tf-keras's")
PY
"$CHAIN/.build/release/chain-train" --weights "$FIXTURES/chain.keras" --data "$FIXTURES/chain.train-x.npy" \
  --labels "$FIXTURES/chain.train-y.csv" --freeze base_conv --freeze base_bn --epochs 2 --batch-size 32 --seed 1 \
  --verbose 0 --output "$WORK/tuned.keras"
"$CHAIN/.build/release/chain-infer" --weights "$WORK/tuned.keras" "$FIXTURES/chain.input.npy" >"$WORK/tuned.precast.csv"
"$VENV/bin/python" "$REPO/Tests/keras/import_fixture.py" check "$FIXTURES" "$WORK/tuned.keras" "$WORK/tuned.precast.csv" \
  base_conv base_bn

# MARK: - precast import of the remaining layer kinds (ELU, AveragePooling2D, ReLU, GlobalAveragePooling2D, Softmax;
# SimpleRNN, GRU reset_after=False, Reshape): Keras's predictions from the imported packages
for model in kinds-cnn kinds-rnn; do
  (cd "$WORK" && mkdir -p "import-$model" && cd "import-$model" \
    && "$REPO/.build/debug/precast" import "$FIXTURES/$model.keras" --output "$WORK/import-$model/pkg" >/dev/null \
    && cd pkg && swift build -c release >/dev/null)
  "$WORK/import-$model/pkg/.build/release/$model-infer" --weights "$FIXTURES/$model.keras" "$FIXTURES/$model.input.npy" \
    >"$WORK/$model.keras.precast.csv"
done
"$VENV/bin/python" "$REPO/Tests/keras/roundtrip.py" fixtures "$WORK" "$FIXTURES" kinds-cnn kinds-rnn
