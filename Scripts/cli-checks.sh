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
  if [ $status -ne 0 ] && [ $status -lt 128 ] && [ "$lines" -eq 1 ] && grep -qE -- "$pattern" "$tmp/err"; then
    ok "$name: $(cat "$tmp/err")"
  else
    bad "$name (exit $status, $lines stderr lines): $(head -3 "$tmp/err")"
  fi
}

# Forecasting logs: the last epoch's val_mae, a naive baseline's MAE by its label, and "VALUE < BOUND or show the log".
final_val_mae() { grep '^Epoch ' "$1" | tail -1 | sed -n 's/.*val_mae: \([0-9.]*\)$/\1/p'; }
baseline_mae() { sed -n "s/.*$2, mae \([0-9.]*\).*/\1/p" "$1"; }
expect_below() {  # expect_below NAME VALUE BOUND LOG; VALUE must be a plain finite number (nan, inf or "" fail)
  local number='^-?[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$'
  if [[ $2 =~ $number ]] && [[ $3 =~ $number ]] && awk -v v="$2" -v b="$3" 'BEGIN{exit !(v + 0 < b + 0)}'; then ok "$1: $2 < $3"; else bad "$1: '$2' vs '$3': $(tail -2 "$4")"; fi
}

cd "$repo/Generated/pima" && swift build -c release >/dev/null 2>&1 || { echo "FAIL building Generated/pima"; echo "0 passed, 1 failed"; exit 1; }
train=".build/release/pima-train"; infer=".build/release/pima-infer"

# Happy path: train, history, predict (CSV file and stdin), classes.
if $train --data "$pima" --epochs 5 --batch-size 10 --validation-split 0.2 --seed 1 --output "$tmp/pima.h5" --verbose 2 >"$tmp/log" 2>&1 \
   && grep -q "^Epoch 5/5 - .*loss: .* - accuracy: .* - val_loss: .* - val_accuracy: " "$tmp/log"; then ok "train prints Keras-style epoch lines"; else bad "train: $(tail -2 "$tmp/log")"; fi
grep -q "<polyline" "$tmp/pima.history.svg" && grep -q ">val\?idation<\|>validation<" "$tmp/pima.history.svg" && grep -q ">accuracy<" "$tmp/pima.history.svg" \
  && ok "history chart (SVG) with training and validation lines" || bad "history chart: $(head -c 200 "$tmp/pima.history.svg")"
[ "$(head -1 "$tmp/pima.history.csv")" = "epoch,accuracy,loss,val_accuracy,val_loss" ] && [ "$(wc -l <"$tmp/pima.history.csv")" -eq 6 ] \
  && ok "history CSV has every epoch" || bad "history CSV: $(head -2 "$tmp/pima.history.csv")"
# Where the run will write is checked before any training: a missing or read-only folder is one line.
expect_error "missing output folder" "x.h5: the folder /nonexistent-dir does not exist" $train --data "$pima" --epochs 1 --output /nonexistent-dir/x.h5
expect_error "missing checkpoint folder" "the folder $tmp/nope does not exist" $train --data "$pima" --epochs 1 --output "$tmp/ok.h5" --checkpoint "$tmp/nope/w-{epoch}.h5"
if id nobody >/dev/null 2>&1 && command -v su >/dev/null; then  # root may write anywhere: check as an ordinary user
  mkdir -p "$tmp/readonly" && chmod 555 "$tmp/readonly" && chmod 755 "$tmp"
  expect_error "read-only output folder" "the folder $tmp/readonly is not writable" su nobody -s /bin/sh -c "'$PWD/$train' --data '$pima' --epochs 1 --output '$tmp/readonly/x.h5'"
fi
# A full disk (a 200 KB tmpfs): one line, and the previous checkpoint stays whole and loadable.
mkdir -p "$tmp/small"
if mount -t tmpfs -o size=200k tmpfs "$tmp/small" 2>/dev/null; then
  $train --data "$pima" --epochs 2 --seed 1 --verbose 0 --output "$tmp/small/w.h5" >/dev/null 2>&1
  before=$(cksum <"$tmp/small/w.h5")
  dd if=/dev/zero of="$tmp/small/fill" bs=1k count=400 2>/dev/null
  expect_error "full disk" "w.h5: cannot write \(No space left on device\)|w.history.csv: cannot write \(No space left on device\)" \
    $train --data "$pima" --epochs 2 --seed 2 --output "$tmp/small/w.h5"
  [ "$(cksum <"$tmp/small/w.h5")" = "$before" ] && .build/release/pima-infer --weights "$tmp/small/w.h5" "$pima" --targets-included >/dev/null 2>&1 \
    && ! ls "$tmp/small" | grep -q tmp && ok "full disk: the previous checkpoint is unchanged and loads, no temporary file left" || bad "full disk: $(ls "$tmp/small")"
  umount "$tmp/small"
else
  echo "skip full-disk check (mounting a tmpfs needs root)"
fi
head -5 "$pima" | cut -d, -f1-8 >"$tmp/rows.csv"
[ "$($infer --weights "$tmp/pima.h5" "$tmp/rows.csv" | wc -l)" -eq 5 ] && ok "infer prints one row per input row" || bad "infer rows"
[ "$($infer --weights "$tmp/pima.h5" <"$tmp/rows.csv" | wc -l)" -eq 5 ] && ok "infer reads stdin" || bad "infer stdin"
$infer --weights "$tmp/pima.h5" --classes --targets-included "$pima" >"$tmp/classes" 2>&1
[ "$(grep -cE '^[01]$' "$tmp/classes")" -eq 768 ] && [ "$(wc -l <"$tmp/classes")" -eq 768 ] && ok "--classes prints 0/1 for each of 768 rows" \
  || bad "--classes: $(head -2 "$tmp/classes")"
$train --data "$pima" --epochs 2 --seed 1 --output "$tmp/pima.weights.h5" --verbose 0 && $infer --weights "$tmp/pima.weights.h5" "$tmp/rows.csv" >/dev/null \
  && ok "Keras 3 .weights.h5 output round-trips" || bad ".weights.h5 round trip"

# model.summary(), evaluate-only and predict-only modes.
$train --summary | grep -q "│ dense_1 (Dense) *│ (None, 8) *│ *104 │" && $infer --summary | grep -q "Total params: 221 (884.00 B)" \
  && ok "--summary prints Keras's table from both binaries" || bad "--summary: $($train --summary | head -6)"
evaluated=$($train --data "$pima" --evaluate "$tmp/pima.h5")
echo "$evaluated" | grep -qE "^Evaluate \(768 samples\): loss: [0-9.]+ - accuracy: [0-9.]+$" && ok "--evaluate: $evaluated" || bad "--evaluate: $evaluated"
[ "$($train --data "$pima" --weights "$tmp/pima.h5" --predict | wc -l)" -eq 768 ] && ok "--predict prints one row per sample" || bad "--predict"

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
# class_weight: a weighted run differs from a plain one with the same seed; bad specs are one line.
$train --data "$pima" --epochs 3 --batch-size 10 --seed 2 --output "$tmp/cw.h5" --class-weight 0:1,1:3 --verbose 2 >"$tmp/cw.log" 2>&1
$train --data "$pima" --epochs 3 --batch-size 10 --seed 2 --output "$tmp/nw.h5" --verbose 2 >"$tmp/nw.log" 2>&1
grep -q "^Epoch 3/3" "$tmp/cw.log" && grep -q "^Epoch 3/3" "$tmp/nw.log" \
  && [ "$(grep "^Epoch 3/3" "$tmp/cw.log")" != "$(grep "^Epoch 3/3" "$tmp/nw.log")" ] && ok "--class-weight changes training: $(grep 'Epoch 3/3' "$tmp/cw.log")" || bad "--class-weight: $(tail -2 "$tmp/cw.log")"
expect_error "class and sample weights together" "use either --class-weight or --sample-weight" $train --data "$pima" --class-weight 0:1 --sample-weight "$tmp/rows.csv"
expect_error "malformed class weights" "--class-weight '0-1'" $train --data "$pima" --class-weight 0-1

# --resume: 3 epochs, then continue to 6 from the file; the same as 6 epochs straight.
$train --data "$pima" --epochs 6 --batch-size 10 --seed 4 --output "$tmp/six.h5" --verbose 0
$train --data "$pima" --epochs 3 --batch-size 10 --seed 4 --output "$tmp/three.h5" --verbose 0
cp "$tmp/three.h5" "$tmp/resumed.h5"; cp "$tmp/three.history.csv" "$tmp/resumed.history.csv"
$train --data "$pima" --epochs 6 --batch-size 10 --resume "$tmp/resumed.h5" --output "$tmp/resumed.h5" >"$tmp/resume.log" 2>&1
straight=$($infer --weights "$tmp/six.h5" "$tmp/rows.csv")
if grep -q "^Resuming after epoch 3" "$tmp/resume.log" && [ -n "$straight" ] && [ "$straight" = "$($infer --weights "$tmp/resumed.h5" "$tmp/rows.csv")" ] \
   && [ "$(wc -l <"$tmp/resumed.history.csv")" -eq 7 ]; then
  ok "--resume continues exactly: $(grep Resuming "$tmp/resume.log")"
else
  bad "--resume: $(head -3 "$tmp/resume.log")"
fi
expect_error "resume a finished run" "finished epoch 6 of --epochs 6" $train --data "$pima" --epochs 6 --resume "$tmp/six.h5" --output "$tmp/x.h5"

# Keras 3 .keras archives: written (and resumed from) by the trainer, Keras's own read by the inference binary.
fixtures="$repo/Tests/Fixtures/keras"
$train --data "$pima" --epochs 2 --batch-size 10 --seed 1 --output "$tmp/pima.keras" --verbose 0 \
  && $train --data "$pima" --epochs 3 --batch-size 10 --resume "$tmp/pima.keras" --output "$tmp/pima.keras" 2>&1 | grep -q "^Resuming after epoch 2" \
  && [ "$($infer --weights "$tmp/pima.keras" "$tmp/rows.csv" | wc -l)" -eq 5 ] \
  && ok ".keras output written, resumed from and read" || bad ".keras output"
worst=$($infer --weights "$fixtures/tab.keras" "$fixtures/tab.input.csv" | paste -d, - "$fixtures/tab.output.csv" \
  | awk -F, '$1 !~ /^-?[0-9]/ {bad = 1} {d = $1 - $2; d = d < 0 ? -d : d; if (d > m) m = d} END {if (NR == 8 && !bad) print m + 0; else print "rows " NR ", non-numbers " bad + 0}')
expect_below "infer reads Keras's tab.keras, max |Δ| from Keras's predictions" "$worst" 0.00001 "$fixtures/tab.output.csv"
cp "$pima" "$tmp/csv.keras"
expect_error ".keras that is not a zip" "csv\.keras: not a zip archive" $infer --weights "$tmp/csv.keras" "$tmp/rows.csv"
head -c 5000 "$fixtures/tab.keras" >"$tmp/cut.keras"
expect_error "truncated .keras" "cut\.keras: truncated zip archive" $infer --weights "$tmp/cut.keras" "$tmp/rows.csv"
perl -0777 -pe 's/model\.weights\.h5/model.weights.xx/g' "$fixtures/tab.keras" >"$tmp/noweights.keras"
expect_error ".keras without model.weights.h5" "noweights\.keras: no model\.weights\.h5 in the archive" $infer --weights "$tmp/noweights.keras" "$tmp/rows.csv"
# config.json's compression method set to 12 (bzip2) in its local header and central directory entry.
perl -0777 -pe '$l = index($_, "PK\x03\x04", 4); substr($_, $l + 8, 1) = "\x0c";
  $c = index($_, "PK\x01\x02"); $c = index($_, "PK\x01\x02", $c + 4); substr($_, $c + 10, 1) = "\x0c"' "$fixtures/tab.keras" >"$tmp/bzip2.keras"
expect_error ".keras with an unknown compression method" "bzip2\.keras: member 'config\.json' uses compression method 12" $infer --weights "$tmp/bzip2.keras" "$tmp/rows.csv"
# config.json's first byte changed to '[' (not JSON any more), its CRC-32 recomputed in both headers.
perl -0777 -MCompress::Zlib -pe '$l = index($_, "PK\x03\x04", 4); $size = unpack("V", substr($_, $l + 18, 4));
  $data = $l + 30 + unpack("v", substr($_, $l + 26, 2)) + unpack("v", substr($_, $l + 28, 2)); substr($_, $data, 1) = "[";
  $crc = pack("V", crc32(substr($_, $data, $size))); substr($_, $l + 14, 4) = $crc;
  $c = index($_, "PK\x01\x02"); $c = index($_, "PK\x01\x02", $c + 4); substr($_, $c + 16, 4) = $crc' "$fixtures/tab.keras" >"$tmp/config.keras"
expect_error ".keras whose config is not JSON" "config\.keras: config\.json is not JSON" $infer --weights "$tmp/config.keras" "$tmp/rows.csv"
expect_error ".keras of another architecture" "mlp\.keras/model\.weights\.h5: layer 'dense'.*\[784, 512\].*\[8, 12\]" $infer --weights "$fixtures/mlp.keras" "$tmp/rows.csv"
expect_error "--format with a .keras output" "--format does not apply to a \.keras output" $train --data "$pima" --output "$tmp/x.keras" --format h5

# shuffle=False: from the same weights, --no-shuffle runs with different seeds train identically; shuffled runs differ.
$train --data "$pima" --epochs 1 --seed 1 --output "$tmp/start.h5" --verbose 0
for run in "1 --no-shuffle" "2 --no-shuffle" "1 --shuffle"; do
  read -r seed order <<<"$run"
  $train --data "$pima" --epochs 2 --batch-size 10 --seed "$seed" --weights "$tmp/start.h5" "$order" --output "$tmp/order-$seed$order.h5" --verbose 0
done
a=$($infer --weights "$tmp/order-1--no-shuffle.h5" "$tmp/rows.csv"); b=$($infer --weights "$tmp/order-2--no-shuffle.h5" "$tmp/rows.csv")
c=$($infer --weights "$tmp/order-1--shuffle.h5" "$tmp/rows.csv")
[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != "$c" ] && ok "--no-shuffle trains on the batches in file order (seed-independent)" || bad "--no-shuffle: '$a' / '$b' / '$c'"

# String class labels (the tutorials' CSVs before LabelEncoder): encoded sorted, saved with the weights, printed by name.
awk -F, 'BEGIN{OFS=","} {$NF = ($NF == 1 ? "diabetic" : "healthy"); print}' "$pima" >"$tmp/named.csv"
$train --data "$tmp/named.csv" --epochs 3 --seed 1 --output "$tmp/named.h5" --verbose 0
names=$($infer --weights "$tmp/named.h5" --classes --targets-included "$tmp/named.csv" | sort -u | tr '\n' ' ')
[ "$names" = "diabetic healthy " ] && ok "--classes prints the class names: $names" || bad "--classes with names: '$names'"
{ head -3 "$tmp/named.csv"; echo "1,2,3,4,5,6,7,8,unsure"; } >"$tmp/three.csv"
expect_error "three class names for one sigmoid output" "three\.csv: 3 classes \(diabetic, healthy, unsure\) for a model with 1 output" $train --data "$tmp/three.csv" --epochs 1 --output "$tmp/x.h5"
expect_error "a validation label outside the training classes" "three\.csv:4: label 'unsure' is not one of the training classes \(diabetic, healthy\)" \
  $train --data "$tmp/named.csv" --validation-data "$tmp/three.csv" --epochs 1 --output "$tmp/x.h5"
{ head -3 "$tmp/named.csv"; echo "1,2,x,4,5,6,7,8,healthy"; } >"$tmp/badfeature.csv"
expect_error "a non-number feature beside string labels" "badfeature\.csv:4: column 3: 'x' is not a number" $train --data "$tmp/badfeature.csv" --epochs 1 --output "$tmp/x.h5"

# Callbacks and optimizer options: a bad combination is one line before any data is read.
expect_error "monitor val_* without validation data" "cannot monitor 'val_accuracy' without validation data" $train --data "$pima" --checkpoint "$tmp/c.h5" --monitor val_accuracy
expect_error "unknown monitored metric" "cannot monitor 'auc': the logs have loss, accuracy" $train --data "$pima" --early-stopping-patience 3 --monitor auc
expect_error "checkpoint pattern with an unknown field" "no log named 'val_acc'" $train --data "$pima" --validation-split 0.2 --checkpoint "$tmp/w-{val_acc:.2f}.h5"
expect_error "unknown optimizer" "--optimizer 'adamw'" $train --data "$pima" --optimizer adamw
expect_error "momentum for adam" "--momentum is for sgd and rmsprop" $train --data "$pima" --optimizer adam --momentum 0.9
expect_error "freeze an unknown layer" "--freeze dense_7: no such layer" $train --data "$pima" --freeze dense_7
# The tutorial's best-model checkpoint, early stopping with restored weights, and an SGD time-decay run.
(cd "$tmp" && "$OLDPWD/$train" --data "$pima" --validation-split 0.33 --epochs 30 --batch-size 10 --seed 1 --standardize --verbose 2 \
  --checkpoint 'weights-improvement-{epoch:02d}-{val_accuracy:.2f}.h5' --monitor val_accuracy --mode max --save-best-only \
  --early-stopping-patience 5 --restore-best-weights --optimizer sgd --learning-rate 0.1 --momentum 0.9 --decay 1e-4 \
  --output "$tmp/best.h5" >"$tmp/best.log" 2>&1)
saved=$(ls "$tmp"/weights-improvement-*.h5 2>/dev/null | wc -l)
if [ "$saved" -ge 1 ] && grep -q "improved to" "$tmp/best.log" && $infer --weights "$(ls "$tmp"/weights-improvement-*.h5 | tail -1)" "$tmp/rows.csv" >/dev/null; then
  ok "checkpoints at improvements only: $saved files, last $(basename "$(ls "$tmp"/weights-improvement-*.h5 | tail -1)"); $(grep -E 'early stopping|Restoring' "$tmp/best.log" | tr '\n' ' ')"
else
  bad "best-model checkpoints ($saved files): $(tail -3 "$tmp/best.log")"
fi
expect_error "k-fold with more folds than rows" "--kfold 800 is larger than the number of rows \(768\)" $train --data "$pima" --kfold 800
expect_error "k-fold with a validation split" "--kfold holds out its own folds" $train --data "$pima" --kfold 10 --validation-split 0.2
if $train --data "$pima" --kfold 10 --epochs 150 --batch-size 10 --seed 7 --standardize --output "$tmp/k.h5" >"$tmp/kfold.log" 2>&1 \
   && [ "$(grep -c '^Fold ' "$tmp/kfold.log")" -eq 10 ] && grep -qE "^10-fold: loss: .* ± .* - accuracy: 0\.[67][0-9]* ± " "$tmp/kfold.log"; then
  ok "Pima 10-fold: $(tail -1 "$tmp/kfold.log")"
else
  bad "Pima 10-fold: $(tail -2 "$tmp/kfold.log")"
fi
expect_error "NaN/Inf loss stops training" "loss is .* at epoch 1, batch [0-9]+/77: training stopped; no checkpoint was written" $train --data "$tmp/huge.csv" --epochs 2 --output "$tmp/nan.h5"
$train --epochs 1 >/dev/null 2>"$tmp/err"; status=$?
[ $status -ne 0 ] && [ $status -lt 128 ] && head -1 "$tmp/err" | grep -q "^error: --data is required (see pima-train --help)$" \
  && ok "usage error: $(head -1 "$tmp/err")" || bad "missing --data (exit $status): $(head -1 "$tmp/err")"

# Ctrl-C: finish the batch, save, exit 0; the saved file loads.
$train --data "$pima" --epochs 100000 --batch-size 10 --seed 1 --output "$tmp/interrupted.h5" --verbose 2 >"$tmp/int.log" 2>&1 &
pid=$!; sleep 1.5; kill -INT $pid; wait $pid; status=$?
if [ $status -eq 0 ] && grep -q "^Interrupted at epoch" "$tmp/int.log" && $infer --weights "$tmp/interrupted.h5" "$tmp/rows.csv" >/dev/null; then
  ok "Ctrl-C saves and exits 0: $(grep Interrupted "$tmp/int.log")"
else
  bad "Ctrl-C (exit $status): $(tail -2 "$tmp/int.log")"
fi

# A killed run's temporary checkpoint (<output>.tmp<pid> of a dead process) is removed by the next run of that output.
touch "$tmp/stale.h5.tmp2147483646"
if $train --data "$pima" --epochs 1 --seed 1 --output "$tmp/stale.h5" >"$tmp/stale.log" 2>&1 && [ ! -e "$tmp/stale.h5.tmp2147483646" ] \
  && grep -q "^Removed .*stale.h5.tmp2147483646, left by an interrupted run" "$tmp/stale.log"; then
  ok "a new run removes the stale temporary file of its output"
else
  bad "stale temporary file: $(head -3 "$tmp/stale.log")"
fi

# Sequences: temperature-gru forecasts Nottingham's monthly temperatures and must beat both naive baselines.
cd "$repo/Generated/temperature-gru" && swift build -c release >/dev/null 2>&1 || bad "building Generated/temperature-gru"
.build/release/temperature-gru-train --data "$repo/Examples/data/nottingham-temperature.csv" --series-windows --standardize \
  --seed 1 --verbose 2 --output "$tmp/gru.h5" >"$tmp/gru.log" 2>&1
seasonal=$(baseline_mae "$tmp/gru.log" "next = 12 steps before")
expect_below "temperature-gru beats the seasonal baseline (next = last: $(baseline_mae "$tmp/gru.log" "next = last")), val_mae" \
  "$(final_val_mae "$tmp/gru.log")" "$seasonal" "$tmp/gru.log"

# The weights carry the series' standardization: the inference binary takes raw windows (°F) and answers in °F.
# The last 12 months, each from the 24 before it, must come closer than "next = last" (4.15 °F).
awk -F, '{print $3}' "$repo/Examples/data/nottingham-temperature.csv" | tail -36 >"$tmp/last36"
for k in $(seq 0 11); do sed -n "$((k + 1)),$((k + 24))p" "$tmp/last36" | paste -sd,; done >"$tmp/windows.csv"
tail -12 "$tmp/last36" >"$tmp/actual"
.build/release/temperature-gru-infer --weights "$tmp/gru.h5" "$tmp/windows.csv" >"$tmp/forecast" 2>&1
mae=$(paste -d' ' "$tmp/forecast" "$tmp/actual" | awk '$1 !~ /^-?[0-9]/ {bad = 1} {d = $1 - $2; s += (d < 0 ? -d : d)} END {if (NR == 12 && !bad) printf "%.3f", s / NR; else print "non-numbers"}')
expect_below "temperature-gru-infer on raw windows answers in °F, MAE over the last 12 months" "$mae" 4.15 "$tmp/forecast"

# The same with dropout=0.2, recurrent_dropout=0.2 (200 epochs): also beats the seasonal baseline.
cd "$repo/Generated/temperature-gru-dropout" && swift build -c release >/dev/null 2>&1 || bad "building Generated/temperature-gru-dropout"
.build/release/temperature-gru-dropout-train --data "$repo/Examples/data/nottingham-temperature.csv" --series-windows --standardize \
  --seed 1 --verbose 2 --output "$tmp/gru-dropout.h5" >"$tmp/gru-dropout.log" 2>&1
expect_below "temperature-gru-dropout beats the seasonal baseline, val_mae" "$(final_val_mae "$tmp/gru-dropout.log")" "$seasonal" "$tmp/gru-dropout.log"

# Multivariate windows (the Jena tutorial's way): a user model file with input [24, 3] reads every column of each month
# (year, month, °F) and predicts column 3; it must beat "next = last". --horizon needs --series-windows.
cd "$repo" && swift build --product precast >/dev/null 2>&1 && .build/debug/precast generate Examples/TemperatureMonths.swift --output "$tmp/temperature-months" >"$tmp/months-gen.log" 2>&1 \
  || bad "precast generate Examples/TemperatureMonths.swift: $(tail -2 "$tmp/months-gen.log")"
cd "$tmp/temperature-months" && swift build -c release >/dev/null 2>&1 || bad "building temperature-months"
.build/release/temperature-months-train --data "$repo/Examples/data/nottingham-temperature.csv" --series-windows --standardize \
  --target-column 3 --seed 1 --verbose 2 --output "$tmp/months.h5" >"$tmp/months.log" 2>&1
expect_below "temperature-months (input [24, 3], every column) beats next = last, val_mae" \
  "$(final_val_mae "$tmp/months.log")" "$(baseline_mae "$tmp/months.log" "next = last")" "$tmp/months.log"
expect_error "--horizon without --series-windows" "--target-column, --horizon and --sampling-rate go with --series-windows" \
  .build/release/temperature-months-train --data "$repo/Examples/data/nottingham-temperature.csv" --horizon 3
cut -d, -f2- "$repo/Examples/data/nottingham-temperature.csv" >"$tmp/two-columns.csv"
expect_error "series columns that fit no input" "rows have 2 columns; a model with input \[24, 3\] reads 3 per step" \
  .build/release/temperature-months-train --data "$tmp/two-columns.csv" --series-windows
expect_error "series windows with outside test data" "--series-windows cuts its own windows and validation period \(the latest rows\): drop --test-data" \
  .build/release/temperature-months-train --data "$repo/Examples/data/nottingham-temperature.csv" --series-windows --test-data "$tmp/two-columns.csv"
expect_error "target column outside the table" "--target-column 4 is outside the table's 3 column" \
  .build/release/temperature-months-train --data "$repo/Examples/data/nottingham-temperature.csv" --series-windows --target-column 4

# Text: the seeded review corpus; a bag of words (imdb-mlp) beats chance, a GRU that reads the order beats the bag of words.
cd "$repo" && swift build --product precast >/dev/null 2>&1 && .build/debug/precast dataset reviews --output "$tmp/reviews" >"$tmp/reviews.log" 2>&1 \
  && [ "$(wc -l <"$tmp/reviews/train.txt")" -eq 20000 ] && ok "precast dataset reviews: $(head -1 "$tmp/reviews.log")" || bad "precast dataset reviews: $(tail -2 "$tmp/reviews.log")"
r="$tmp/reviews"
test_accuracy() { sed -n 's/^Test .*accuracy: \([0-9.]*\)$/\1/p' "$1"; }
cd "$repo/Generated/imdb-mlp" && swift build -c release >/dev/null 2>&1 || bad "building Generated/imdb-mlp"
.build/release/imdb-mlp-train --data "$r/train.txt" --labels "$r/train-labels.csv" --sequences multi-hot --seed 1 --verbose 0 \
  --test-data "$r/test.txt" --test-labels "$r/test-labels.csv" --output "$tmp/imdb.h5" >"$tmp/imdb.log" 2>&1
bag=$(test_accuracy "$tmp/imdb.log")
[ -n "$bag" ] && awk "BEGIN{exit !($bag > 0.65)}" && ok "imdb-mlp (multi-hot 10000 → 16 → 16 → 1) beats chance: test accuracy $bag" \
  || bad "imdb-mlp: test accuracy '$bag': $(tail -2 "$tmp/imdb.log")"
cd "$repo/Generated/text-gru" && swift build -c release >/dev/null 2>&1 || bad "building Generated/text-gru"
.build/release/text-gru-train --data "$r/train.txt" --labels "$r/train-labels.csv" --sequences pad --seed 1 --verbose 0 \
  --test-data "$r/test.txt" --test-labels "$r/test-labels.csv" --output "$tmp/text-gru.h5" >"$tmp/text-gru.log" 2>&1
ordered=$(test_accuracy "$tmp/text-gru.log")
[ -n "$ordered" ] && [ -n "$bag" ] && awk "BEGIN{exit !($ordered > 0.9 && $ordered > $bag + 0.1)}" \
  && ok "text-gru (Embedding → GRU(32) → 1) reads the negations: test accuracy $ordered vs bag of words $bag" \
  || bad "text-gru: test accuracy '$ordered' vs bag of words '$bag': $(tail -2 "$tmp/text-gru.log")"
head -5 "$r/test.txt" | .build/release/text-gru-infer --weights "$tmp/text-gru.h5" --sequences pad --classes >"$tmp/classes" 2>&1
[ "$(tr -d '\n' <"$tmp/classes")" = "$(head -5 "$r/test-labels.csv" | tr -d '\n')" ] \
  && ok "text-gru-infer --sequences pad: classes of 5 test reviews equal their labels" || bad "text-gru-infer --sequences: $(head -3 "$tmp/classes")"
printf '4 17 x9\n' >"$tmp/bad-seq.txt"
expect_error "bad sequence value names line and value" "line 1, value 3: 'x9' is not a non-negative integer" \
  .build/release/text-gru-infer --weights "$tmp/text-gru.h5" --sequences pad "$tmp/bad-seq.txt"
printf '4 17 9\n5 12034\n' >"$tmp/big-index.txt"
expect_error "sequence index past the Embedding's input_dim" "line 2, value 2: index 12034 is outside 0..<10000, the Embedding's input_dim" \
  .build/release/text-gru-infer --weights "$tmp/text-gru.h5" --sequences pad "$tmp/big-index.txt"
python3 -c "import sys; print(','.join(['3'] * 99 + ['10000']))" >"$tmp/big-index.csv"
expect_error "CSV index past the Embedding's input_dim" "sample 1, value 100: 10000.0 is not an index in 0..<10000" \
  .build/release/text-gru-infer --weights "$tmp/text-gru.h5" "$tmp/big-index.csv"

# Images: fashion-cnn trained on Fashion-MNIST (the tutorial's 3 epochs), one picture file, augmentation. One seed: the
# bar is 0.885 because seeds vary by ±0.003 around 0.895 (the README reports several).
fashion=/usr/share/datasets/fashion-mnist
cd "$repo/Generated/fashion-cnn" && swift build -c release >/dev/null 2>&1 || bad "building Generated/fashion-cnn"
ctrain=".build/release/fashion-cnn-train"; cinfer=".build/release/fashion-cnn-infer"
/usr/bin/time -f "%M" -o "$tmp/cnn.rss" $ctrain --data $fashion/train-images-idx3-ubyte.gz --labels $fashion/train-labels-idx1-ubyte.gz \
  --test-data $fashion/t10k-images-idx3-ubyte.gz --test-labels $fashion/t10k-labels-idx1-ubyte.gz \
  --normalize --seed 1 --verbose 2 --output "$tmp/cnn.h5" >"$tmp/cnn.log" 2>&1
accuracy=$(sed -n 's/^Test (10000 samples): .*accuracy: \([0-9.]*\)$/\1/p' "$tmp/cnn.log")
if [ -n "$accuracy" ] && awk "BEGIN{exit !($accuracy >= 0.885)}"; then
  ok "fashion-cnn, 3 epochs: test accuracy $accuracy ($(grep -o 'Epoch 3/3 - [0-9.]*s' "$tmp/cnn.log"))"
else
  bad "fashion-cnn accuracy '$accuracy': $(tail -2 "$tmp/cnn.log")"
fi
# The training images stay bytes (47 MB, not 188 MB of floats): the whole run fits in about 125 MB.
rss=$(tail -1 "$tmp/cnn.rss")
# Each checkpoint (8.4 MB with Adam's slots) is built in memory before its atomic write, ≈ 17 MB more at the peak.
if [ -n "$rss" ] && [ "$rss" -le 130000 ]; then ok "fashion-cnn training peak memory ${rss} KB (≤ 130000)"; else bad "fashion-cnn peak memory '${rss}' KB"; fi
python3 - "$fashion/t10k-images-idx3-ubyte.gz" "$tmp" <<'PY'
import gzip, sys
pixels = gzip.open(sys.argv[1]).read()[16:16 + 784]
open(sys.argv[2] + "/boot.pgm", "wb").write(b"P5\n# first test image\n28 28\n255\n" + pixels)
open(sys.argv[2] + "/wide.pgm", "wb").write(b"P5\n32 28\n255\n" + bytes(32 * 28))
open(sys.argv[2] + "/cut.pgm", "wb").write(b"P5\n28 28\n255\n" + pixels[:100])
PY
[ "$($cinfer --weights "$tmp/cnn.h5" --classes "$tmp/boot.pgm")" = "9" ] && ok "infer classifies one PGM picture (ankle boot = 9)" || bad "PGM inference: $($cinfer --weights "$tmp/cnn.h5" --classes "$tmp/boot.pgm" 2>&1)"
expect_error "wrong image size" "wide.pgm: the image is 28×32×1 .*expects 28×28×1" $cinfer --weights "$tmp/cnn.h5" "$tmp/wide.pgm"
expect_error "truncated PGM" "cut.pgm: truncated data" $cinfer --weights "$tmp/cnn.h5" "$tmp/cut.pgm"
expect_error "weights of another architecture (conv)" "layer 'conv2d'|has 2 layers|conv2d" $cinfer --weights "$repo/Tests/Fixtures/keras/mlp.h5" "$tmp/boot.pgm"
aug=(--rotation-range 10 --width-shift-range 0.1 --height-shift-range 0.1 --zoom-range 0.1 --horizontal-flip)
if $ctrain --data $fashion/t10k-images-idx3-ubyte.gz --labels $fashion/t10k-labels-idx1-ubyte.gz --normalize --seed 1 "${aug[@]}" \
     --augment-preview "$tmp/preview.pgm" >/dev/null 2>&1 && [ "$(head -c 11 "$tmp/preview.pgm" | tr '\n' ' ')" = "P5 88 88 25" ]; then
  ok "augmentation preview: a 3×3 PGM grid (88×88)"
else
  bad "augmentation preview: $(head -c 20 "$tmp/preview.pgm" 2>&1)"
fi
for mode in plain augmented; do
  extra=(); [ $mode = augmented ] && extra=("${aug[@]}")
  $ctrain --data $fashion/t10k-images-idx3-ubyte.gz --labels $fashion/t10k-labels-idx1-ubyte.gz --normalize --seed 1 \
    --epochs 1 --validation-split 0.2 --verbose 2 --output "$tmp/$mode.h5" "${extra[@]}" >"$tmp/$mode.log" 2>&1
done
plain=$(grep -o 'Epoch 1/1.*' "$tmp/plain.log" | sed 's/Epoch 1\/1 - [0-9.]*s - //'); augmented=$(grep -o 'Epoch 1/1.*' "$tmp/augmented.log" | sed 's/Epoch 1\/1 - [0-9.]*s - //')
[ -n "$plain" ] && [ -n "$augmented" ] && [ "$plain" != "$augmented" ] && grep -q "^Augmentation: rotation" "$tmp/augmented.log" \
  && ok "augmentation changes training (same seed): plain [$plain] vs augmented [$augmented]" || bad "augmentation: '$plain' vs '$augmented'"

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
cat >"$tmp/BadConv.swift" <<'SWIFT'
import Precast
let model = Sequential(name: "bad-conv", input: [4, 4, 1]) { Conv2D(8, 5); Flatten(); Dense(2, activation: .softmax) }
  .compile(loss: .categoricalCrossentropy)
SWIFT
expect_error "conv spec error names the layer and shapes" "layer 'conv2d' \(Conv2D\): a 5×5 window does not fit the input \[4, 4, 1\]" .build/debug/precast generate "$tmp/BadConv.swift" --output "$tmp/badconv"

# MARK: - precast import: a Keras model file → a Swift model file and a package that predicts as Keras does
fixtures="$repo/Tests/Fixtures/keras"
mkdir -p "$tmp/import" && cd "$tmp/import"
if "$repo/.build/debug/precast" import "$fixtures/tab.keras" --name tab-imported --output "$tmp/import/pkg" >"$tmp/import.log" 2>&1 \
  && (cd "$tmp/import/pkg" && swift build -c release >/dev/null 2>&1) \
  && "$tmp/import/pkg/.build/release/tab-imported-infer" --weights "$fixtures/tab.keras" "$fixtures/tab.input.csv" >"$tmp/import/pred.csv" \
  && python3 - "$tmp/import/pred.csv" "$fixtures/tab.output.csv" <<'PY'
import math, sys
rows = [[float(v) for v in line.split(",")] for line in open(sys.argv[1]) if line.strip()]
want = [[float(v) for v in line.split(",")] for line in open(sys.argv[2]) if line.strip()]
close = all(math.isfinite(a) and abs(a - b) <= 1e-5 for r, w in zip(rows, want) for a, b in zip(r, w))
sys.exit(0 if len(rows) == len(want) == 8 and close else 1)  # a NaN or infinite prediction fails
PY
then ok "precast import tab.keras → built binaries reproduce Keras's predictions (≤ 1e-5)"; else bad "precast import tab.keras: $(tail -3 "$tmp/import.log")"; fi
# The written model file is the package's source: `precast generate` of it writes the same package.
if "$repo/.build/debug/precast" generate tab-imported.swift --output "$tmp/import/again" >"$tmp/import-again.log" 2>&1 \
  && diff -r -x .build -x Package.resolved "$tmp/import/pkg" "$tmp/import/again" >"$tmp/import.diff"; then
  ok "precast generate of the imported model file writes the identical package"
else
  bad "imported model file regenerates differently: $(head -5 "$tmp/import.diff" "$tmp/import-again.log")"
fi
cat >"$tmp/import/lambda.json" <<'JSON'
{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_shape": [null, 4]}}, {"class_name": "Lambda", "config": {"name": "lambda"}}]}}
JSON
expect_error "import refuses a Lambda layer, naming it" "layer 'lambda' \(Lambda\): Precast has no Lambda layer" "$repo/.build/debug/precast" import "$tmp/import/lambda.json" --loss mse --output "$tmp/import/no"
expect_error "import of a weights-only file" "no model_config" "$repo/.build/debug/precast" import "$fixtures/tab.weights.h5" --output "$tmp/import/no"
cd "$repo"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
