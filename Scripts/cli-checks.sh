#!/usr/bin/env bash
# cli-checks.sh: drives the generated binaries and `precast` like a user: the happy path, every bad input, Ctrl-C.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
pima="$repo/Examples/data/pima-indians-diabetes.csv"
passed=0; failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

# expect_error NAME PATTERN COMMAND…: non-zero exit, exactly one stderr line matching PATTERN, no crash.
expect_error() {
  local name="$1" pattern="$2"; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local status=$?
  local lines; lines=$(wc -l <"$tmp/err")
  if [ $status -ne 0 ] && [ $status -lt 128 ] && [ "$lines" -eq 1 ] && grep -qE "$pattern" "$tmp/err"; then
    ok "$name: $(cat "$tmp/err")"
  else
    bad "$name (exit $status, $lines stderr lines): $(head -3 "$tmp/err")"
  fi
}

cd "$repo/Generated/pima" && swift build -c release >/dev/null 2>&1 || { echo "FAIL building Generated/pima"; echo "0 passed, 1 failed"; exit 1; }
train=".build/release/pima-train"; infer=".build/release/pima-infer"

# Happy path: train, history, predict (CSV file and stdin), classes.
if $train --data "$pima" --epochs 5 --batch-size 10 --validation-split 0.2 --seed 1 --output "$tmp/pima.h5" --verbose 2 >"$tmp/log" 2>&1 \
   && grep -q "^Epoch 5/5 - .*loss: .* - accuracy: .* - val_loss: .* - val_accuracy: " "$tmp/log"; then ok "train prints Keras-style epoch lines"; else bad "train: $(tail -2 "$tmp/log")"; fi
[ "$(head -1 "$tmp/pima.history.csv")" = "epoch,accuracy,loss,val_accuracy,val_loss" ] && [ "$(wc -l <"$tmp/pima.history.csv")" -eq 6 ] \
  && ok "history CSV has every epoch" || bad "history CSV: $(head -2 "$tmp/pima.history.csv")"
head -5 "$pima" | cut -d, -f1-8 >"$tmp/rows.csv"
[ "$($infer --weights "$tmp/pima.h5" "$tmp/rows.csv" | wc -l)" -eq 5 ] && ok "infer prints one row per input row" || bad "infer rows"
[ "$($infer --weights "$tmp/pima.h5" <"$tmp/rows.csv" | wc -l)" -eq 5 ] && ok "infer reads stdin" || bad "infer stdin"
$infer --weights "$tmp/pima.h5" --classes --targets-included "$pima" | grep -qvE '^[01]$' && bad "classes not 0/1" || ok "--classes prints 0/1"
$train --data "$pima" --epochs 2 --seed 1 --output "$tmp/pima.weights.h5" --verbose 0 && $infer --weights "$tmp/pima.weights.h5" "$tmp/rows.csv" >/dev/null \
  && ok "Keras 3 .weights.h5 output round-trips" || bad ".weights.h5 round trip"

# Bad input: one clear line and a non-zero exit each.
expect_error "weights of another architecture" "layer 'dense'.*\[784, 512\].*\[8, 12\]" $infer --weights "$repo/Tests/Fixtures/keras/mlp.h5" "$tmp/rows.csv"
head -c 6000 "$tmp/pima.h5" >"$tmp/truncated.h5"
expect_error "truncated HDF5" "truncated or corrupt" $infer --weights "$tmp/truncated.h5" "$tmp/rows.csv"
expect_error "not an HDF5 file" "not an HDF5 file" $infer --weights "$pima" "$tmp/rows.csv"
expect_error "missing weights file" "no such file" $infer --weights "$tmp/nope.h5" "$tmp/rows.csv"
{ head -4 "$pima"; echo "1,2,3,x,5,6,7,8,1"; } >"$tmp/badrow.csv"
expect_error "non-number in training CSV" ":5:.*'x' is not a number" $train --data "$tmp/badrow.csv" --epochs 1 --output "$tmp/x.h5"
{ head -2 "$pima"; echo "1,2,3"; } >"$tmp/short.csv"
expect_error "short row in training CSV" ":3:.*expected 9 columns, found 3" $train --data "$tmp/short.csv" --epochs 1 --output "$tmp/x.h5"
head -3 "$pima" | cut -d, -f1-7 >"$tmp/seven.csv"
expect_error "wrong feature count for inference" "expected 8 columns, found 7" $infer --weights "$tmp/pima.h5" "$tmp/seven.csv"
awk -F, 'BEGIN{OFS=","} {for (i = 1; i < NF; i++) $i = $i * 1e30; print}' "$pima" >"$tmp/huge.csv"
expect_error "NaN/Inf loss stops training" "loss is .* at epoch 1, batch [0-9]+/77: training stopped; no checkpoint was written" $train --data "$tmp/huge.csv" --epochs 2 --output "$tmp/nan.h5"
$train --epochs 1 >/dev/null 2>"$tmp/err"; status=$?
[ $status -ne 0 ] && [ $status -lt 128 ] && head -1 "$tmp/err" | grep -q "^Error: --data is required" \
  && ok "usage error: $(head -1 "$tmp/err")" || bad "missing --data (exit $status): $(head -1 "$tmp/err")"

# Ctrl-C: finish the batch, save, exit 0; the saved file loads.
$train --data "$pima" --epochs 100000 --batch-size 10 --seed 1 --output "$tmp/interrupted.h5" --verbose 2 >"$tmp/int.log" 2>&1 &
pid=$!; sleep 1.5; kill -INT $pid; wait $pid; status=$?
if [ $status -eq 0 ] && grep -q "^Interrupted at epoch" "$tmp/int.log" && $infer --weights "$tmp/interrupted.h5" "$tmp/rows.csv" >/dev/null; then
  ok "Ctrl-C saves and exits 0: $(grep Interrupted "$tmp/int.log")"
else
  bad "Ctrl-C (exit $status): $(tail -2 "$tmp/int.log")"
fi

# precast itself: a user's model file, and spec errors at generation time.
cd "$repo"
swift build --product precast >/dev/null 2>&1
if .build/debug/precast generate Examples/Ionosphere.swift --output "$tmp/ionosphere" >"$tmp/gen.log" 2>&1 && [ -f "$tmp/ionosphere/Sources/IonosphereModel/Ionosphere.swift" ]; then
  ok "precast generate Examples/Ionosphere.swift"
else
  bad "precast generate model file: $(tail -3 "$tmp/gen.log")"
fi
cat >"$tmp/Broken.swift" <<'SWIFT'
import Precast
let model = Sequential(name: "broken", input: [28, 28]) { Dense(10, activation: .softmax) }
  .compile(loss: .categoricalCrossentropy)
SWIFT
expect_error "spec error names the layer and shape" "layer 'dense' \(Dense\): expects a 1-D input per sample, got \[28, 28\]" .build/debug/precast generate "$tmp/Broken.swift" --output "$tmp/broken"
expect_error "unknown example" "unknown model 'nope'" .build/debug/precast generate nope

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
