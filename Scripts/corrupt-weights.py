#!/usr/bin/env python3
"""corrupt-weights.py: damaged weight files must give one error line, never a crash or a hang.

Usage: corrupt-weights.py INFER INPUT_CSV COUNT FILE…

For each FILE (a Precast-written .h5, .weights.h5 or .keras), writes COUNT damaged copies (seeded, so a run is
repeatable) and runs `INFER --weights COPY INPUT_CSV` on each. Damage: 1–8 flipped bits, a truncation, a run of
1–256 bytes overwritten with random bytes, zeros or 0xFF. For a .keras zip, half the copies damage the raw zip and
half damage its model.weights.h5 and zip it again with a correct CRC, so the damage reaches libhdf5.
Each copy must load (exit 0) or fail cleanly: an exit status 1–127 within 60 s with exactly one line on stderr that
names the copy. A signal, a hang or any other answer is a failure; its copy is kept and the script exits 1.
"""
import io, os, random, shutil, subprocess, sys, tempfile, zipfile

def damage(data, rng):
    data = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 1:
        del data[rng.randrange(len(data)):]
    else:
        start = rng.randrange(len(data))
        length = min(rng.randint(1, 256), len(data) - start)
        fill = [lambda: rng.randrange(256), lambda: 0, lambda: 255][rng.randrange(3)]
        for i in range(start, start + length):
            data[i] = fill()
    return bytes(data), ["bit flips", "truncation", "overwritten run", "overwritten run"][kind]

def rezip(archive, rng):
    """The archive with its model.weights.h5 damaged, every member stored again with a correct CRC."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            member = source.read(info.filename)
            if info.filename == "model.weights.h5":
                member, kind = damage(member, rng)
            target.writestr(info.filename, member)
    return out.getvalue(), "weights member: " + kind

def main():
    infer, inputs, count, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    work = tempfile.mkdtemp(prefix="corrupt-weights-")
    kept = os.path.join(work, "failures")
    failures = 0
    for path in files:
        original = open(path, "rb").read()
        name = os.path.basename(path)
        rng = random.Random(name)
        tally = {"loaded": 0, "one-line error": 0, "signal": 0, "hang": 0, "other": 0}
        contained = 0  # one-line errors for which libhdf5 crashed or hung in the sandbox
        for i in range(count):
            if name.endswith(".keras") and i % 2 == 1:
                data, kind = rezip(original, rng)
            else:
                data, kind = damage(original, rng)
            copy = os.path.join(work, f"{i}-{name}")
            with open(copy, "wb") as f:
                f.write(data)
            try:
                run = subprocess.run([infer, "--weights", copy, inputs], capture_output=True, timeout=60)
                lines = run.stderr.decode(errors="replace").splitlines()
                if run.returncode == 0:
                    verdict = "loaded"
                elif 0 < run.returncode < 128 and len(lines) == 1 and copy in lines[0]:
                    verdict = "one-line error"
                elif run.returncode < 0 or run.returncode >= 128:
                    verdict = "signal"
                else:
                    verdict = "other"
                detail = f"exit {run.returncode}: " + " | ".join(lines[:3])
            except subprocess.TimeoutExpired:
                verdict, detail = "hang", "no answer in 60 s"
            tally[verdict] += 1
            if verdict == "one-line error" and ("library crashed" in detail or "did not finish" in detail):
                contained += 1
                if os.environ.get("KEEP_CONTAINED"):  # collect regression inputs
                    shutil.copy(copy, os.path.join(os.environ["KEEP_CONTAINED"], f"{i}-{name}"))
            if verdict in ("loaded", "one-line error"):
                os.remove(copy)
            else:
                failures += 1
                os.makedirs(kept, exist_ok=True)
                shutil.move(copy, kept)
                print(f"FAIL {name} copy {i} ({kind}): {verdict}: {detail}")
        summary = ", ".join(f"{v} {k}" for k, v in tally.items())
        print(f"{name}: {count} damaged copies: {summary} (libhdf5 crashed or hung in the sandbox: {contained})")
    if failures:
        print(f"corrupt-weights: {failures} failures; copies kept in {kept}")
        sys.exit(1)
    shutil.rmtree(work)

main()
