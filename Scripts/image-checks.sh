#!/usr/bin/env bash
# image-checks.sh: image folders like a user: `precast dataset pictures`, the cats-vs-dogs example trained from its
# folders (a shortened run that must beat chance clearly), predictions on PNG/JPEG files and folders, bad files, and
# memory that stays flat as the folder grows; seeing inside the trained convnet (feature maps, filter patterns, Grad-CAM
# heatmap) and the history chart as PNG.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
expect_error() {  # expect_error NAME PATTERN COMMAND…: non-zero exit, one stderr line matching PATTERN, no crash
  local name="$1" pattern="$2"; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local status=$?
  local lines; lines=$(wc -l <"$tmp/err")
  if [ $status -ne 0 ] && [ $status -lt 128 ] && [ "$lines" -eq 1 ] && grep -qE -- "$pattern" "$tmp/err"; then ok "$name: $(cat "$tmp/err")"
  else bad "$name (exit $status, $lines stderr lines): $(head -3 "$tmp/err")"; fi
}

precast="$repo/.build/release/precast"
(cd "$repo" && swift build -c release --product precast >/dev/null 2>&1) || { echo "FAIL building precast"; exit 1; }
(cd "$repo/Generated/cats-vs-dogs" && swift build -c release >/dev/null 2>&1) || { echo "FAIL building Generated/cats-vs-dogs"; exit 1; }
train="$repo/Generated/cats-vs-dogs/.build/release/cats-vs-dogs-train"; infer="$repo/Generated/cats-vs-dogs/.build/release/cats-vs-dogs-infer"

# The tutorial's layout, 200/100/100 pictures per class (the tutorial: 1000/500/500).
"$precast" dataset pictures --output "$tmp/pics" --train 200 --validation 100 --test 100 >"$tmp/ds.log" 2>&1 \
  && [ "$(find "$tmp/pics" -name '*.png' | wc -l)" -eq 400 ] && [ "$(find "$tmp/pics" -name '*.jpg' | wc -l)" -eq 400 ] \
  && ok "precast dataset pictures: $(cat "$tmp/ds.log")" || bad "dataset pictures: $(tail -2 "$tmp/ds.log")"

# Train from the folders (8 epochs at lr 1e-3, a shortened run), validate and test on theirs.
if $train --data "$tmp/pics/train" --validation-data "$tmp/pics/validation" --test-data "$tmp/pics/test" --normalize \
     --epochs 8 --learning-rate 1e-3 --seed 1 --verbose 2 --output "$tmp/cvd.h5" >"$tmp/train.log" 2>&1; then
  accuracy=$(sed -n 's/^Test (200 samples): .*accuracy: \([0-9.]*\).*/\1/p' "$tmp/train.log")
  if [ -n "$accuracy" ] && awk "BEGIN{exit !($accuracy >= 0.65)}"; then ok "cats-vs-dogs from folders: test accuracy $accuracy (chance 0.5)"; else bad "cats-vs-dogs accuracy '$accuracy': $(tail -3 "$tmp/train.log")"; fi
  grep -q "^Found 400 images belonging to 2 classes" "$tmp/train.log" && grep -q "^Images: " "$tmp/train.log" \
    && ok "$(grep '^Images: ' "$tmp/train.log")" || bad "folder log: $(head -3 "$tmp/train.log")"
else
  bad "cats-vs-dogs training: $(tail -3 "$tmp/train.log")"
fi
# Predict: a PNG, a JPEG, and a whole folder (path,class lines with the folder's class names).
[ "$($infer --weights "$tmp/cvd.h5" --classes "$tmp/pics/test/bags/bag.0000.png" "$tmp/pics/test/trousers/trouser.0001.jpg" | tr '\n' ' ')" != "" ] \
  && ok "infer a PNG and a JPEG: $($infer --weights "$tmp/cvd.h5" --classes "$tmp/pics/test/bags/bag.0000.png" "$tmp/pics/test/trousers/trouser.0001.jpg" | tr '\n' ' ')" \
  || bad "infer images"
$infer --weights "$tmp/cvd.h5" --classes "$tmp/pics/test" >"$tmp/pred.csv" 2>"$tmp/pred.err"
right=$(awk -F, '{ split($1, p, "/"); if (p[length(p) - 1] == $2) n++ } END { print n + 0 }' "$tmp/pred.csv")
[ "$(wc -l <"$tmp/pred.csv")" -eq 200 ] && [ "$right" -ge 130 ] && ok "infer a folder: $right of 200 named right ($(head -1 "$tmp/pred.csv"))" \
  || bad "infer folder: $(wc -l <"$tmp/pred.csv") lines, $right right: $(head -2 "$tmp/pred.csv" "$tmp/pred.err")"
# Augmentation flags apply to folder images as to arrays.
$train --data "$tmp/pics/validation" --normalize --epochs 1 --validation-split 0.2 --horizontal-flip --rotation-range 20 --zoom-range 0.1 \
  --seed 2 --verbose 2 --output "$tmp/aug.h5" >"$tmp/aug.log" 2>&1 && grep -q "^Augmentation: " "$tmp/aug.log" && grep -q "^Epoch 1/1 .*val_accuracy" "$tmp/aug.log" \
  && ok "augmented folder training with a seeded validation split: $(grep -c . "$tmp/aug.log") log lines" || bad "augmented folder: $(tail -3 "$tmp/aug.log")"

# Bad files: one line naming the file; --skip-bad-images leaves them out and counts them.
mkdir -p "$tmp/badpics/bags" "$tmp/badpics/trousers" "$tmp/emptyclass/bags" "$tmp/emptyclass/trousers"
cp "$tmp/pics/validation/bags/"bag.000[0-5].* "$tmp/badpics/bags/"; cp "$tmp/pics/validation/trousers/"trouser.000[0-5].* "$tmp/badpics/trousers/"
cp "$tmp/pics/validation/bags/bag.0000.png" "$tmp/emptyclass/bags/"
head -c 300 "$tmp/pics/validation/bags/bag.0006.png" >"$tmp/badpics/bags/cut.png"
expect_error "truncated PNG" "badpics/bags/cut.png: truncated PNG data" $train --data "$tmp/badpics" --epochs 1 --output "$tmp/x.h5"
rm "$tmp/badpics/bags/cut.png"; head -c 2000 "$tmp/pics/validation/bags/bag.0007.jpg" >"$tmp/badpics/bags/cut.jpg"
expect_error "truncated JPEG" "badpics/bags/cut.jpg: truncated JPEG data" $train --data "$tmp/badpics" --epochs 1 --output "$tmp/x.h5"
echo "not an image" >"$tmp/badpics/trousers/notes.jpg"
printf 'GIF89a' >"$tmp/badpics/trousers/anim.gif"
expect_error "unsupported format" "badpics/trousers/anim.gif: not a PNG or JPEG image" $train --data "$tmp/badpics" --epochs 1 --output "$tmp/x.h5"
if $train --data "$tmp/badpics" --epochs 1 --skip-bad-images --validation-split 0 --output "$tmp/x.h5" >"$tmp/skip.log" 2>&1 \
   && grep -q "^Skipped 3 bad images" "$tmp/skip.log" && grep -q "^Found 12 images" "$tmp/skip.log"; then
  ok "--skip-bad-images: $(grep '^Skipped' "$tmp/skip.log")"
else
  bad "--skip-bad-images: $(head -4 "$tmp/skip.log")"
fi
expect_error "empty class folder" "emptyclass/trousers: class folder 'trousers' holds no PNG or JPEG images" $train --data "$tmp/emptyclass" --epochs 1 --output "$tmp/x.h5"
expect_error "not a folder of class folders" "no class subfolders" $train --data "$tmp/pics/train/bags" --epochs 1 --output "$tmp/x.h5"
expect_error "a folder with --labels" "classes are its subfolders" $train --data "$tmp/pics/train" --labels "$tmp/pics/x.csv" --epochs 1 --output "$tmp/x.h5"
expect_error "infer a corrupt image" "notes.jpg: not a PNG or JPEG image" $infer --weights "$tmp/cvd.h5" "$tmp/badpics/trousers/notes.jpg"

# Memory stays flat as the folder grows (a 16 MB cache of decoded images; 1×, 2× and 4× the pictures).
"$precast" dataset pictures --output "$tmp/big" --train 400 --validation 0 --test 1 --seed 3 >/dev/null 2>&1
rss=()
for n in 100 200 400; do
  mkdir -p "$tmp/m$n/bags" "$tmp/m$n/trousers"
  ls "$tmp/big/train/bags" | head -$n | while read -r f; do ln -s "$tmp/big/train/bags/$f" "$tmp/m$n/bags/$f"; done
  ls "$tmp/big/train/trousers" | head -$n | while read -r f; do ln -s "$tmp/big/train/trousers/$f" "$tmp/m$n/trousers/$f"; done
  /usr/bin/time -f "%M" -o "$tmp/rss$n" $train --data "$tmp/m$n" --normalize --epochs 1 --validation-split 0 --image-cache-mb 16 --seed 1 --verbose 0 --output "$tmp/m.h5" >/dev/null 2>&1
  rss+=("$(tail -1 "$tmp/rss$n")")
done
if [ -n "${rss[2]:-}" ] && [ "${rss[2]}" -le $(( ${rss[0]} + 20000 )) ]; then
  ok "peak memory with 200, 400, 800 pictures and a 16 MB cache: ${rss[0]}, ${rss[1]}, ${rss[2]} KB (flat within 20 MB)"
else
  bad "memory grows with the folder: ${rss[*]} KB"
fi

# Seeing inside the convnet: feature maps of every Conv2D and pooling layer, the filters' input patterns, the Grad-CAM
# heatmap and a PNG history chart; each a PNG whose signature and IHDR size are checked.
png_size() {  # prints "width height" of a PNG, or nothing when the file is not one
  python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read(24)
if d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR": print(*struct.unpack(">II", d[16:24]))' "$1" 2>/dev/null
}
check_png() {  # check_png WHAT FILE "WIDTH HEIGHT"
  local size; size="$(png_size "$2")"
  [ "$size" = "$3" ] && ok "$1: $(basename "$2") is a ${size/ /×} PNG" || bad "$1: $2 is '${size:-not a PNG}', expected a ${3/ /×} PNG"
}
image="$tmp/pics/test/bags/bag.0000.png"
if $infer --weights "$tmp/cvd.h5" --activations "$tmp/act" "$image" >"$tmp/act.log" 2>&1; then
  check_png "--activations conv2d (32 maps of 148×148, 16 to a row)" "$tmp/act/conv2d.png" "2383 297"
  check_png "--activations max_pooling2d_3 (128 maps of 7×7)" "$tmp/act/max_pooling2d_3.png" "127 63"
  npy="$(python3 -c 'import ast, sys; d = open(sys.argv[1], "rb").read(256); print(ast.literal_eval(d[10:10 + int.from_bytes(d[8:10], "little")].decode())["shape"])' "$tmp/act/conv2d_3.npy" 2>&1)"
  [ "$npy" = "(15, 15, 128)" ] && [ "$(ls "$tmp/act" | wc -l)" -eq 16 ] && ok "--activations: 8 layers' .png and .npy, conv2d_3.npy $npy" || bad "--activations files: $npy, $(ls "$tmp/act" | tr '\n' ' ')"
else
  bad "--activations: $(tail -2 "$tmp/act.log")"
fi
if $infer --weights "$tmp/cvd.h5" --filters conv2d_1 --max-filters 16 --steps 20 --output "$tmp/filters.png" >"$tmp/filters.log" 2>&1; then
  check_png "--filters conv2d_1 (16 patterns of 150×150, 8 to a row)" "$tmp/filters.png" "1235 305"
else
  bad "--filters: $(tail -2 "$tmp/filters.log")"
fi
expect_error "--filters of a layer that is not a Conv2D" "--filters dense: not a Conv2D layer of this model \\(conv2d, conv2d_1, conv2d_2, conv2d_3\\)" \
  $infer --weights "$tmp/cvd.h5" --filters dense
if $infer --weights "$tmp/cvd.h5" --heatmap "$tmp/heatmap.png" "$image" >"$tmp/heatmap.log" 2>&1 \
   && grep -q "Grad-CAM of class .* at conv2d_3 (15×15)" "$tmp/heatmap.log"; then
  check_png "--heatmap ($(cut -d' ' -f2- "$tmp/heatmap.log"), over the picture at its own size)" "$tmp/heatmap.png" "$(png_size "$image")"
else
  bad "--heatmap: $(tail -2 "$tmp/heatmap.log")"
fi
if $train --data "$tmp/pics/validation" --normalize --epochs 2 --validation-split 0.2 --seed 3 --verbose 0 --plot "$tmp/history.png" \
     --output "$tmp/plot.h5" >"$tmp/plot.log" 2>&1; then
  check_png "--plot history.png (loss and accuracy panels)" "$tmp/history.png" "840 336"
else
  bad "--plot PNG: $(tail -2 "$tmp/plot.log")"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
