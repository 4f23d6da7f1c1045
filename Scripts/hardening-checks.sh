#!/usr/bin/env bash
# hardening-checks.sh: bad input never crashes or hangs Precast, and a killed run loses nothing.
#   1. the error catalogue (Scripts/error-catalogue.sh): 50+ bad inputs, each one exact line and exit status;
#   2. 1,000 damaged copies each of a Precast-written .h5, .weights.h5 and .keras (Scripts/corrupt-weights.py):
#      every copy loads or gives one line naming it; no signal, no hang;
#   3. 100 SIGKILLs at random moments of a training run (Scripts/kill-checks.sh);
#   4. every libFuzzer target briefly (Scripts/fuzz.sh, FUZZ_SECONDS each, default 10).
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
failed=0
step() { echo "== $1"; }

step "error catalogue"
bash "$repo/Scripts/error-catalogue.sh" || failed=$((failed + 1))

step "damaged weight files"
pima="$repo/Examples/data/pima-indians-diabetes.csv"
(cd "$repo/Generated/pima" && swift build -c release >/dev/null 2>&1) || { echo "FAIL building Generated/pima"; exit 1; }
bin="$repo/Generated/pima/.build/release"
head -5 "$pima" | cut -d, -f1-8 >"$tmp/rows.csv"
for name in pima.h5 pima.weights.h5 pima.keras; do
  "$bin/pima-train" --data "$pima" --epochs 2 --seed 1 --output "$tmp/$name" >/dev/null 2>&1 || { echo "FAIL training $name"; failed=$((failed + 1)); }
done
python3 "$repo/Scripts/corrupt-weights.py" "$bin/pima-infer" "$tmp/rows.csv" "${CORRUPT_COUNT:-1000}" \
  "$tmp/pima.h5" "$tmp/pima.weights.h5" "$tmp/pima.keras" || failed=$((failed + 1))

step "killed training runs"
bash "$repo/Scripts/kill-checks.sh" "${KILLS:-100}" || failed=$((failed + 1))

step "fuzzing each reader for ${FUZZ_SECONDS:-10} s"
PRECAST_FUZZ_WORK="$tmp/fuzz" bash "$repo/Scripts/fuzz.sh" "${FUZZ_SECONDS:-10}" || failed=$((failed + 1))

[ $failed -eq 0 ] && echo "hardening checks: all passed" || { echo "hardening checks: $failed part(s) failed"; exit 1; }
