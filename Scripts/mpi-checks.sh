#!/usr/bin/env bash
# mpi-checks.sh: data-parallel training under Open MPI (`mpirun -np 2`), against one process with the same global batch:
# the same weights (≤ 1e-5), one checkpoint writer, --resume, Ctrl-C, a rank that dies, a rank that cannot read its data.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
pima="$repo/Examples/data/pima-indians-diabetes.csv"
fashion=/usr/share/datasets/fashion-mnist
passed=0; failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
# mpirun as root (CI) needs these; --oversubscribe lets 2 ranks run on a machine with fewer free slots.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun -np 2 --oversubscribe)

for model in pima fashion-cnn; do
  (cd "$repo/Generated/$model" && swift build -c release >/dev/null 2>&1) || { echo "FAIL building Generated/$model"; echo "0 passed, 1 failed"; exit 1; }
done
ptrain="$repo/Generated/pima/.build/release/pima-train"; pinfer="$repo/Generated/pima/.build/release/pima-infer"
ctrain="$repo/Generated/fashion-cnn/.build/release/fashion-cnn-train"; cinfer="$repo/Generated/fashion-cnn/.build/release/fashion-cnn-infer"
ldd "$pinfer" | grep -q libmpi && bad "the inference binary links MPI" || ok "the inference binary does not link MPI"
ldd "$ptrain" | grep -q libmpi && ok "the trainer links Open MPI" || bad "the trainer does not link MPI: $(ldd "$ptrain" | head -3)"

# same_predictions NAME INFER A.h5 B.h5 INPUT…: both weights files predict the same (max |Δ| ≤ 1e-5; NaN fails).
same_predictions() {
  local name="$1" infer="$2" a="$3" b="$4"; shift 4
  "$infer" --weights "$a" "$@" >"$tmp/pa" 2>"$tmp/pe" && "$infer" --weights "$b" "$@" >"$tmp/pb" 2>>"$tmp/pe" || { bad "$name: $(head -2 "$tmp/pe")"; return; }
  local worst; worst=$(python3 - "$tmp/pa" "$tmp/pb" <<'PY'
import math, sys
a = [float(v) for line in open(sys.argv[1]) for v in line.replace(",", " ").split()]
b = [float(v) for line in open(sys.argv[2]) for v in line.replace(",", " ").split()]
if len(a) != len(b) or not a: print("count %d vs %d" % (len(a), len(b))); sys.exit()
d = [abs(x - y) if math.isfinite(x) and math.isfinite(y) else math.inf for x, y in zip(a, b)]
print("%.3g over %d outputs" % (max(d), len(d)))
PY
)
  if awk -v w="${worst%% *}" 'BEGIN{exit !(w != "" && w + 0 <= 1e-5 && w == w + 0)}'; then ok "$name: max |Δ| $worst"; else bad "$name: max |Δ| $worst"; fi
}
# same_history NAME A.csv B.csv: the logged losses and metrics of every epoch agree (≤ 1e-5).
same_history() {
  python3 - "$2" "$3" <<'PY' >"$tmp/hist" 2>&1 && ok "$1: $(cat "$tmp/hist")" || bad "$1: $(cat "$tmp/hist")"
import math, sys
rows = [[line.strip().split(",") for line in open(p)] for p in sys.argv[1:]]
assert rows[0][0] == rows[1][0], "headers %s vs %s" % (rows[0][0], rows[1][0])
assert len(rows[0]) == len(rows[1]) > 1, "%d vs %d rows" % (len(rows[0]), len(rows[1]))
differences = [abs(float(a) - float(b)) for ra, rb in zip(rows[0][1:], rows[1][1:]) for a, b in zip(ra, rb)]
assert all(math.isfinite(float(v)) for r in rows for line in r[1:] for v in line), "a non-finite value in a history"
worst = max(differences)
assert all(d <= 1e-5 for d in differences), "max |Δ| %.3g" % worst
print("%d epochs of %s agree, max |Δ| %.2g" % (len(rows[0]) - 1, ",".join(rows[0][0][1:]), worst))
PY
}

# 1. pima: 2 ranks with a global batch of 10 (5 + 5) against one process, shuffled, with validation (split over the ranks).
cut -d, -f1-8 "$pima" >"$tmp/pima-x.csv"
args=(--data "$pima" --epochs 3 --batch-size 10 --validation-split 0.2 --seed 3 --verbose 2)
"$ptrain" "${args[@]}" --output "$tmp/one.h5" >"$tmp/one.log" 2>&1 || bad "pima one process: $(tail -2 "$tmp/one.log")"
"${mpi[@]}" "$ptrain" "${args[@]}" --output "$tmp/two.h5" >"$tmp/two.log" 2>&1 || bad "pima 2 ranks: $(tail -3 "$tmp/two.log")"
same_predictions "pima, 2 ranks × batch 5 = 1 process × batch 10 (3 epochs, 186 steps)" "$pinfer" "$tmp/one.h5" "$tmp/two.h5" "$tmp/pima-x.csv"
same_history "pima history (loss, accuracy, val_loss, val_accuracy)" "$tmp/one.history.csv" "$tmp/two.history.csv"
[ "$(grep -c '^Epoch ' "$tmp/two.log")" -eq 3 ] && grep -q "^Data-parallel over 2 ranks" "$tmp/two.log" \
  && ok "rank 0 alone prints (3 epoch lines)" || bad "epoch lines under mpirun: $(grep -c '^Epoch ' "$tmp/two.log")"
grep -q "^Allreduce over 2 ranks: 186 steps" "$tmp/two.log" && ok "allreduce summary: $(grep '^Allreduce' "$tmp/two.log")" || bad "allreduce summary: $(tail -3 "$tmp/two.log")"
ls "$tmp" | grep -q 'tmp[0-9]' && bad "temporary files left: $(ls "$tmp")" || ok "one writer: no temporaries left beside the checkpoint"
# Unequal parts (a batch of 7: 4 + 3) and a last batch of one row (rank 1 has none).
for batch in 7 767; do
  b=(--data "$pima" --epochs 1 --batch-size $batch --seed 5 --verbose 0)
  "$ptrain" "${b[@]}" --output "$tmp/one-$batch.h5" >/dev/null 2>&1; "${mpi[@]}" "$ptrain" "${b[@]}" --output "$tmp/two-$batch.h5" >"$tmp/b.log" 2>&1 || bad "batch $batch: $(tail -2 "$tmp/b.log")"
  same_predictions "pima batch $batch ($((768 % batch)) rows in the last batch)" "$pinfer" "$tmp/one-$batch.h5" "$tmp/two-$batch.h5" "$tmp/pima-x.csv"
done

# 2. A convnet (fashion-cnn: Conv2D 32 → pool → Dense 128 → 10, Adam), 2,000 images, batch 64 (32 rows a rank each step).
python3 - "$fashion" "$tmp" <<'PY'
import gzip, sys
src, out = sys.argv[1], sys.argv[2]
images = gzip.open(src + "/t10k-images-idx3-ubyte.gz").read()
labels = gzip.open(src + "/t10k-labels-idx1-ubyte.gz").read()
n = 2000
gzip.open(out + "/img.gz", "wb").write(images[:4] + n.to_bytes(4, "big") + images[8:16] + images[16:16 + n * 784])
gzip.open(out + "/lab.gz", "wb").write(labels[:4] + n.to_bytes(4, "big") + labels[8:8 + n])
gzip.open(out + "/probe.gz", "wb").write(images[:4] + (50).to_bytes(4, "big") + images[8:16] + images[16 + n * 784:16 + (n + 50) * 784])
PY
c=(--data "$tmp/img.gz" --labels "$tmp/lab.gz" --normalize --epochs 2 --batch-size 64 --validation-split 0.1 --seed 2 --verbose 2)
"$ctrain" "${c[@]}" --output "$tmp/cnn-one.h5" >"$tmp/c1.log" 2>&1 || bad "cnn one process: $(tail -2 "$tmp/c1.log")"
"${mpi[@]}" "$ctrain" "${c[@]}" --output "$tmp/cnn-two.h5" >"$tmp/c2.log" 2>&1 || bad "cnn 2 ranks: $(tail -3 "$tmp/c2.log")"
same_predictions "fashion-cnn, 2 ranks × 32 = 1 process × 64 (2 epochs, 58 steps)" "$cinfer" "$tmp/cnn-one.h5" "$tmp/cnn-two.h5" "$tmp/probe.gz"
same_history "fashion-cnn history" "$tmp/cnn-one.history.csv" "$tmp/cnn-two.history.csv"

# 3. --resume under mpirun continues the run: 2 epochs, then on to 4, equals 4 epochs in one process.
r=(--data "$pima" --batch-size 16 --seed 9 --verbose 2)
"$ptrain" "${r[@]}" --epochs 4 --output "$tmp/four.h5" >/dev/null 2>&1
"${mpi[@]}" "$ptrain" "${r[@]}" --epochs 2 --output "$tmp/resumed.h5" >/dev/null 2>&1
"${mpi[@]}" "$ptrain" "${r[@]}" --epochs 4 --resume "$tmp/resumed.h5" --output "$tmp/resumed.h5" >"$tmp/r.log" 2>&1 || bad "resume: $(tail -3 "$tmp/r.log")"
grep -q "^Resuming after epoch 2" "$tmp/r.log" && ok "--resume under mpirun: $(grep '^Resuming' "$tmp/r.log")" || bad "resume log: $(head -3 "$tmp/r.log")"
same_predictions "2 + 2 epochs resumed under mpirun = 4 epochs in one process" "$pinfer" "$tmp/four.h5" "$tmp/resumed.h5" "$tmp/pima-x.csv"

# 4. A rank that dies (kill -9) ends the job with an error; the last checkpoint loads and resumes.
long=(--data "$pima" --epochs 100000 --batch-size 10 --seed 4 --verbose 0)
"${mpi[@]}" "$ptrain" "${long[@]}" --output "$tmp/killed.h5" >"$tmp/k.log" 2>&1 &
job=$!
for _ in $(seq 100); do [ -f "$tmp/killed.h5" ] && break; sleep 0.1; done
sleep 0.5
victim=$(pgrep -f "pima-train.*killed.h5" | grep -v "^$job$" | tail -1)
kill -9 "$victim" 2>/dev/null
for _ in $(seq 100); do kill -0 $job 2>/dev/null || break; sleep 0.1; done
if kill -0 $job 2>/dev/null; then bad "a killed rank left the job running"; kill -9 $job; else
  wait $job; status=$?
  [ $status -ne 0 ] && grep -qi "signal 9\|killed\|exited on signal" "$tmp/k.log" && ok "a killed rank ends the job (mpirun exit $status: $(grep -i -m1 'signal 9\|killed' "$tmp/k.log" | sed 's/^ *//'))" \
    || bad "killed rank: exit $status, $(tail -3 "$tmp/k.log")"
fi
pgrep -f "pima-train.*killed.h5" >/dev/null && bad "ranks left running" || ok "no rank left running"
"$pinfer" --weights "$tmp/killed.h5" "$tmp/pima-x.csv" >/dev/null 2>&1 && ok "the last checkpoint loads after a rank was killed" || bad "checkpoint after kill"
"${mpi[@]}" "$ptrain" --data "$pima" --epochs 100000 --batch-size 10 --verbose 2 --resume "$tmp/killed.h5" --output "$tmp/killed.h5" >"$tmp/k2.log" 2>&1 &
job=$!; sleep 2
# 5. Ctrl-C: SIGINT to mpirun; it sends the ranks SIGTERM a second later; they stop at one step and rank 0 saves.
before=$(stat -c %.9Y "$tmp/killed.h5" 2>/dev/null)
kill -INT $job
for _ in $(seq 100); do kill -0 $job 2>/dev/null || break; sleep 0.1; done
kill -0 $job 2>/dev/null && { bad "Ctrl-C left mpirun running"; kill -9 $job; }
wait $job 2>/dev/null
grep -q "^Resuming after epoch" "$tmp/k2.log" && ok "--resume of the checkpoint a killed run left: $(grep -m1 '^Resuming' "$tmp/k2.log")" || bad "resume after kill: $(head -3 "$tmp/k2.log")"
"$pinfer" --weights "$tmp/killed.h5" "$tmp/pima-x.csv" >/dev/null 2>&1 && [ "$(stat -c %.9Y "$tmp/killed.h5")" != "$before" ] \
  && ok "Ctrl-C of mpirun: the checkpoint was rewritten and loads (mpirun stops relaying output at Ctrl-C, so rank 0's line may not show)" \
  || bad "checkpoint after Ctrl-C: $(tail -2 "$tmp/k2.log")"
pgrep -f "pima-train.*killed.h5" >/dev/null && bad "ranks left running after Ctrl-C" || ok "no rank left running after Ctrl-C"

# 6. A rank that cannot read its data: one line naming the rank and the file, every rank ends.
cat >"$tmp/rank-data.sh" <<EOF
data="$pima"; [ "\$OMPI_COMM_WORLD_RANK" = 1 ] && data="$tmp/missing.csv"
exec "$ptrain" --data "\$data" --epochs 1 --output "$tmp/x.h5"
EOF
timeout 60 "${mpi[@]}" bash "$tmp/rank-data.sh" >"$tmp/d.out" 2>"$tmp/d.err"; status=$?
if [ $status -ne 0 ] && [ $status -ne 124 ] && [ "$(grep -c '^error:' "$tmp/d.err")" -eq 1 ] && grep -q "^error: rank 1: .*missing.csv" "$tmp/d.err"; then
  ok "a rank without its data: $(grep '^error:' "$tmp/d.err")"
else
  bad "rank without data: exit $status, $(grep -c '^error:' "$tmp/d.err") error lines: $(head -2 "$tmp/d.err")"
fi
# A bad option fails on every rank alike: rank 0 alone says so.
"${mpi[@]}" "$ptrain" --data "$pima" --epochs 1 --monitor val_nothing --early-stopping-patience 1 --output "$tmp/x.h5" >"$tmp/o.out" 2>"$tmp/o.err"
[ "$(grep -c '^error:' "$tmp/o.err")" -eq 1 ] && ok "an error every rank has is printed once: $(grep '^error:' "$tmp/o.err")" || bad "errors: $(grep '^error:' "$tmp/o.err" | head -3)"
"${mpi[@]}" "$ptrain" --data "$pima" --epochs 0 >"$tmp/u.out" 2>"$tmp/u.err"
[ "$(grep -c "^error:" "$tmp/u.err")" -eq 1 ] && ok "a usage error is printed once: $(grep "^error:" "$tmp/u.err")" || bad "usage errors: $(grep "^error:" "$tmp/u.err" | head -3)"
# A failure of rank 0 alone (it writes the files: a missing output folder) is one line, and no rank waits for it.
timeout 60 "${mpi[@]}" "$ptrain" --data "$pima" --epochs 1 --output "$tmp/missing/x.h5" >"$tmp/w.out" 2>"$tmp/w.err"; status=$?
if [ $status -ne 0 ] && [ $status -ne 124 ] && [ "$(grep -c '^error:' "$tmp/w.err")" -eq 1 ] && grep -q "^error: .*x.h5: the folder .*missing does not exist" "$tmp/w.err"; then
  ok "a missing output folder under mpirun: $(grep '^error:' "$tmp/w.err")"
else
  bad "missing output folder under mpirun: exit $status, $(grep -c '^error:' "$tmp/w.err") error lines: $(head -2 "$tmp/w.err")"
fi
# Without mpirun nothing changes: no MPI initialised (no Open MPI environment needed).
env | grep -q '^OMPI_COMM_WORLD' && bad "the checks run inside mpirun" || { "$ptrain" --data "$pima" --epochs 1 --verbose 0 --output "$tmp/alone.h5" && ok "without mpirun the trainer runs alone"; }

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
