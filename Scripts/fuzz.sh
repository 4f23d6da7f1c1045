#!/usr/bin/env bash
# fuzz.sh [SECONDS] [TARGET…]: builds the libFuzzer binary over Precast's file readers (Tests/Fuzz, with
# AddressSanitizer) and runs each target for SECONDS (default 600) from its seed corpus (Tests/Fuzz/Corpus/TARGET).
# Targets: csv npy idx idx-gz netpbm cifar sequences glove json hdf5 keras png jpeg (default: all).
# A crash, trap, leak, hang (> 10 s for one input) or out-of-memory (> 2 GB) is a finding: the input is saved to
# .build-fuzz/findings/TARGET/ and the script exits 1. Copy a finding into Tests/Fuzz/Regressions/TARGET/ once it is
# fixed: the tests replay every file there (FuzzRegressionTests).
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"; shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(csv npy idx idx-gz netpbm cifar sequences glove json hdf5 keras png jpeg)
work="${PRECAST_FUZZ_WORK:-$repo/.build-fuzz}"  # corpus, findings, logs and the build
mkdir -p "$work"

echo "building Tests/Fuzz with -sanitize=fuzzer,address …"
(cd "$repo/Tests/Fuzz" && swift build -c release --scratch-path "$work/build" -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address \
  >"$work/build.log" 2>&1) || { grep -E "error" "$work/build.log" | head -20; echo "fuzz.sh: build failed (log: $work/build.log)"; exit 1; }
fuzzer="$work/build/release/precast-fuzz"

export SWIFT_BACKTRACE=enable=no  # a finding is reported by the sanitizer, not the Swift backtracer
# An allocation the system refuses is a null pointer, as without the sanitizer: libhdf5 (in the forked reader) then
# reports an error, and Swift code traps, which is a finding. libFuzzer's own allocation limit is off for the same
# reason (-malloc_limit_mb); -rss_limit_mb still stops a fuzzer that grows.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=1}"
findings=0
printf "%-10s %8s %12s %8s %8s  %s\n" target seconds executions "exec/s" corpus findings
for target in "${targets[@]}"; do
  seeds="$repo/Tests/Fuzz/Corpus/$target"
  [ -d "$seeds" ] || { echo "fuzz.sh: no target '$target' (no $seeds)"; exit 2; }
  corpus="$work/corpus/$target"; found="$work/findings/$target"
  mkdir -p "$corpus" "$found"
  log="$work/$target.log"
  PRECAST_FUZZ_TARGET="$target" "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1000000 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$found/" "$corpus" "$seeds" >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  size=$(ls "$corpus" | wc -l)
  artifacts=$(ls "$found" | wc -l)
  if [ $status -ne 0 ] || [ "$artifacts" -gt 0 ]; then
    findings=$((findings + 1))
    note="FINDING (exit $status): $(grep -E "ERROR|SUMMARY|Fatal error|Precondition failed|deadly signal|Test unit written" "$log" | head -3 | tr '\n' ' ')"
  else
    note="none"
  fi
  printf "%-10s %8s %12s %8s %8s  %s\n" "$target" "$seconds" "${runs:-?}" "${rate:-?}" "$size" "$note"
done
[ $findings -eq 0 ] || { echo "fuzz.sh: $findings target(s) with findings; inputs in $work/findings, logs in $work/*.log"; exit 1; }
