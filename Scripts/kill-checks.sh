#!/usr/bin/env bash
# kill-checks.sh [KILLS]: kills a training run with SIGKILL at random moments (default 100 times) and checks that
# nothing is lost: after every kill the last checkpoint loads, the next run resumes from it (epochs never go back),
# and temporary files of killed writes do not pile up. The output cycles through .h5, .weights.h5 and .keras.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kills="${1:-100}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
pima="$repo/Examples/data/pima-indians-diabetes.csv"
cd "$repo/Generated/pima" && swift build -c release >/dev/null 2>&1 || { echo "FAIL building Generated/pima"; exit 1; }
train="$PWD/.build/release/pima-train"; infer="$PWD/.build/release/pima-infer"
head -5 "$pima" | cut -d, -f1-8 >"$tmp/rows.csv"
RANDOM=20261205  # repeatable moments
failures=0; loads=0; resumes=0; before_first=0
declare -A last_epoch=()
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

for ((k = 1; k <= kills; k++)); do
  case $((k % 3)) in 0) out="$tmp/run.h5" ;; 1) out="$tmp/run.weights.h5" ;; 2) out="$tmp/run.keras" ;; esac
  resume=(); [ -f "$out" ] && resume=(--resume "$out")
  "$train" --data "$pima" --epochs 1000000 --batch-size 10 --seed 1 --output "$out" "${resume[@]}" >"$tmp/log" 2>&1 &
  pid=$!
  # A moment between 0.03 s and 0.6 s (an epoch and its checkpoint take a few ms): before the first epoch, inside
  # an epoch, or while a checkpoint is written.
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", 0.03 + 0.57 * r / 32767 }')"
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  grep -q "^error:" "$tmp/log" && fail "kill $k: the run failed by itself: $(grep "^error:" "$tmp/log" | head -1)"
  if [ ${#resume[@]} -gt 0 ]; then
    epoch=$(sed -n 's/^Resuming after epoch \([0-9]*\).*/\1/p' "$tmp/log" | head -1)
    if [ -z "$epoch" ]; then
      # Killed before the resume line was printed is fine only if the run had not started training.
      grep -q "^Epoch" "$tmp/log" && fail "kill $k: run with --resume $(basename "$out") trained without resuming: $(head -2 "$tmp/log")"
    elif [ "$epoch" -lt "${last_epoch[$out]:-0}" ]; then
      fail "kill $k: resumed after epoch $epoch, but epoch ${last_epoch[$out]} had been seen"
    else
      resumes=$((resumes + 1)); last_epoch[$out]=$epoch
    fi
  fi
  if [ -f "$out" ]; then
    if "$infer" --weights "$out" "$tmp/rows.csv" >/dev/null 2>"$tmp/err"; then loads=$((loads + 1)); else fail "kill $k: $(basename "$out") does not load: $(cat "$tmp/err")"; fi
  else
    before_first=$((before_first + 1))
  fi
  # The run that was killed may leave its own temporary file; the next run on that output removes it.
  stale=$(ls "$tmp" | grep -c "^$(basename "$out")\.tmp[0-9]*$")
  [ "$stale" -le 1 ] || fail "kill $k: $stale temporary files beside $(basename "$out"): $(ls "$tmp" | grep '\.tmp' | tr '\n' ' ')"
done

# A last run on each file resumes it, is stopped by Ctrl-C (which saves), loads, and leaves no temporary file.
for out in "$tmp/run.h5" "$tmp/run.weights.h5" "$tmp/run.keras"; do
  [ -f "$out" ] || { fail "$(basename "$out") was never written"; continue; }
  "$train" --data "$pima" --epochs 1000000 --batch-size 10 --resume "$out" --output "$out" >"$tmp/log" 2>&1 &
  pid=$!
  sleep 1; kill -INT $pid; wait $pid; status=$?
  if [ $status -ne 0 ] || ! grep -q "^Resuming after epoch" "$tmp/log"; then
    fail "final run of $(basename "$out") (exit $status): $(head -2 "$tmp/log" | tr '\n' ' ')"
  elif ! "$infer" --weights "$out" "$tmp/rows.csv" >/dev/null 2>"$tmp/err"; then
    fail "$(basename "$out") does not load after Ctrl-C: $(cat "$tmp/err")"
  elif ls "$tmp" | grep -q "^$(basename "$out")\.tmp"; then
    fail "temporary files of $(basename "$out") left after the final run: $(ls "$tmp" | grep '\.tmp' | tr '\n' ' ')"
  fi
done
# Enough kills landed after a checkpoint for the checks above to mean something.
[ $loads -ge $((kills / 2)) ] && [ $resumes -ge $((kills / 2)) ] || fail "only $loads loads and $resumes resumes in $kills kills"
echo "kill-checks: $kills kills: $loads times the checkpoint loaded, $before_first kills before the first checkpoint, $resumes runs resumed, $failures failures"
[ $failures -eq 0 ]
