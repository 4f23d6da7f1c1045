#!/usr/bin/env bash
# error-catalogue.sh [--record | --markdown]: the catalogue of bad inputs and the one line and exit status each gives.
# Every row runs a command on a bad file, flag, model file or data that does not fit the model (in a scratch folder,
# so messages name short relative paths) and checks: the exit status, exactly one line on stderr, and that line,
# word for word. --record prints what each command gives now (to update a row after changing a message on purpose);
# --markdown prints the table README.md's "Errors" section holds, which this check also compares.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-check}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

(cd "$repo/Generated/pima" && swift build -c release >/dev/null 2>&1) || { echo "FAIL building Generated/pima"; exit 1; }
(cd "$repo" && swift build --product precast >/dev/null 2>&1) || { echo "FAIL building precast"; exit 1; }
train="$repo/Generated/pima/.build/release/pima-train"; infer="$repo/Generated/pima/.build/release/pima-infer"
precast="$repo/.build/debug/precast"
fixtures="$repo/Tests/Fixtures/keras"
export PRECAST_HDF5_TIME_LIMIT=2  # the row with a file that hangs libhdf5 gives up sooner

# MARK: - Bad files (made here)
cd "$tmp"
cp "$repo/Examples/data/pima-indians-diabetes.csv" pima.csv
head -5 pima.csv | cut -d, -f1-8 > rows.csv
head -5 pima.csv | cut -d, -f1-7 > seven.csv
{ head -4 pima.csv; echo "1,2,x,4,5,6,7,8,1"; } > badrow.csv
{ head -2 pima.csv; echo "1,2,3"; } > short.csv
{ head -3 pima.csv; echo "1,2,nan,4,5,6,7,8,1"; } > nan.csv
: > empty.csv
echo "a,b,c,d,e,f,g,h,label" > header.csv
head -20 pima.csv | cut -d, -f1-8 > features.csv
head -10 pima.csv | cut -d, -f9 > labels.csv
{ head -4 pima.csv; echo "1,2,3,4,5,6,7,8,2"; } > label2.csv
{ head -3 pima.csv | sed 's/,[01]$/,healthy/'; echo "1,2,3,4,5,6,7,8,diabetic"; echo "1,2,3,4,5,6,7,8,unsure"; } > three.csv
printf 'x' > data.xlsx
mkdir -p noclasses && touch noclasses/readme.txt
python3 - <<'PY'
import struct, gzip
h = "{'descr': '<f4', 'fortran_order': False, 'shape': (10, 8), }"
h = h + " " * (63 - (len(h) + 10) % 64) + "\n"
open("cut.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + b"\0" * 100)
h = "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 8), }"
h = h + " " * (63 - (len(h) + 10) % 64) + "\n"
open("complex.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + b"\0" * 128)
open("bad-idx3-ubyte", "wb").write(struct.pack(">I", 0x12345678) + b"\0" * 32)
packed = gzip.compress(b"\0\0\x08\x03" + struct.pack(">III", 2, 28, 28) + bytes(range(256)) * 7, mtime=0)
open("broken-idx3-ubyte.gz", "wb").write(packed[:len(packed) // 2])
open("cut.pgm", "wb").write(b"P5\n8 1\n255\n\x01\x02")
open("data_batch_1.bin", "wb").write(b"\0" * 3000)
PY
printf 'not a picture' > fake.png
cp "$fixtures/tab.h5" pima-shaped.h5 2>/dev/null || true
"$train" --data pima.csv --epochs 2 --output six.h5 >/dev/null 2>&1
head -c 3000 six.h5 > truncated.h5
cp "$repo/Tests/Fuzz/Regressions/hdf5/libhdf5-segv-1.h5" segv.h5
cp "$repo/Tests/Fuzz/Regressions/hdf5/libhdf5-hang-1.h5" hang.h5
cp pima.csv csv.keras
"$train" --data pima.csv --epochs 1 --output good.keras >/dev/null 2>&1
head -c 2000 good.keras > cut.keras
python3 - <<'PY'
import zipfile
z = zipfile.ZipFile("good.keras")
with zipfile.ZipFile("noweights.keras", "w") as out:
    for name in ("metadata.json", "config.json"): out.writestr(name, z.read(name))
with zipfile.ZipFile("config.keras", "w") as out:
    out.writestr("config.json", "{not json"); out.writestr("model.weights.h5", z.read("model.weights.h5"))
PY
mkdir -p readonly missing-parent
cat > Broken.swift <<'SWIFT'
import Precast
let model = Sequential(name: "broken", input: [28, 28]) { Dense(10, activation: .softmax) }
  .compile(loss: .categoricalCrossentropy)
SWIFT
cat > BadConv.swift <<'SWIFT'
import Precast
let model = Sequential(name: "bad-conv", input: [4, 4, 1]) { Conv2D(8, 5); Flatten(); Dense(2, activation: .softmax) }
  .compile(loss: .categoricalCrossentropy)
SWIFT
cat > Typo.swift <<'SWIFT'
import Precast
let model = Sequential(name: "typo", input: [8]) { Dense(12, activation: .relu); Dense(1, activation: .sigmoidd) }
  .compile(loss: .binaryCrossentropy)
SWIFT
cat > lambda.json <<'JSON'
{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_shape": [null, 4]}}, {"class_name": "Lambda", "config": {"name": "lambda"}}]}}
JSON
cp "$fixtures/tab.weights.h5" weights-only.weights.h5
cp "$fixtures/mlp.h5" mlp.h5

# MARK: - The catalogue
passed=0; failed=0; number=0
markdown="| # | Bad input | Command | Exit | Message (stderr, one line) |
|---|---|---|---|---|"
# row WHAT EXIT MESSAGE COMMAND…
row() {
  local what="$1" status="$2" message="$3"; shift 3
  number=$((number + 1))
  local id; id=$(printf "E%02d" $number)
  "$@" >"$tmp/.out" 2>"$tmp/.err" </dev/null; local got=$?
  local lines; lines=$(wc -l <"$tmp/.err")
  local line; line=$(head -1 "$tmp/.err")
  case "$mode" in
    --record) printf '%s\t%s\t%s\t%s\n' "$what" "$got" "$lines" "$line" ;;
    --markdown) ;;
    *)
      if [ "$got" -eq "$status" ] && [ "$lines" -eq 1 ] && [ "$line" = "$message" ]; then
        passed=$((passed + 1))
      else
        failed=$((failed + 1))
        echo "FAIL $id $what: exit $got (want $status), $lines lines: $(head -3 "$tmp/.err" | tr '\n' '|')"
        echo "     want: $message"
      fi ;;
  esac
  local shown; shown="$(basename "$1") ${*:2}"
  markdown+=$'\n'"| $id | $what | \`${shown//|/\\|}\` | $status | \`${message//|/\\|}\` |"
}
source "$repo/Tests/Errors/catalogue.sh"

case "$mode" in
  --record) ;;
  --markdown) echo "$markdown" ;;
  *)
    # README.md lists the same table between its markers.
    sed -n '/<!-- errors:begin -->/,/<!-- errors:end -->/p' "$repo/README.md" | sed '1d;$d' > "$tmp/.readme"
    if [ "$(cat "$tmp/.readme")" = "$markdown" ]; then passed=$((passed + 1)); else
      failed=$((failed + 1)); echo "FAIL README.md's Errors table differs from the catalogue (Scripts/error-catalogue.sh --markdown prints it)"; fi
    echo "error catalogue: $number rows; $passed passed, $failed failed"
    [ $failed -eq 0 ] ;;
esac
