#!/usr/bin/env python3
"""The locus view's time to first frame: wall time from starting
`seqlens explore MODEL LOCUS.fa --locus` in a terminal (a private tmux server, 120x40) to the
first screen whose tracks are complete (the status line says "N tiles in ... ms"), for a 1 Mb
locus: one uniform-random sequence (seeded) of 1,000,000 bases in a temporary FASTA. The screen
is polled every 20 ms, so the time is exact to about that. Then one edit: a base typed in the
middle of the locus, and the time the explorer reports for recomputing the tiles that read it.

Also reports how many cores were busy meanwhile, ours included (from /proc/stat).

  swift build -c release --product seqlens
  python3 bench/locus.py [--model sample-models/multitask-deep-relu.onnx] [--length 1000000]

Needs tmux and only the Python standard library.
"""
from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def system_busy_seconds() -> float:
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "seqlens"))
    ap.add_argument("--model", default="sample-models/multitask-deep-relu.onnx")
    ap.add_argument("--length", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()

    folder = tempfile.mkdtemp(prefix="seqlens-locus-bench-")
    fasta = os.path.join(folder, "locus.fa")
    rng = random.Random(args.seed)
    bases = "".join(rng.choice("ACGT") for _ in range(args.length))
    with open(fasta, "w") as f:
        f.write(">random_locus\n")
        for start in range(0, len(bases), 60):
            f.write(bases[start:start + 60] + "\n")

    socket = os.path.join(folder, "tmux.sock")
    tmux = ["tmux", "-S", socket, "-f", "/dev/null"]
    command = f"env LANG=C.UTF-8 {args.binary} explore {os.path.join(REPO, args.model)} {fasta} --locus --save-as {os.path.join(folder, 'locus')}; sleep 60"
    cpu0 = system_busy_seconds()
    t0 = time.perf_counter()
    subprocess.run(tmux + ["new-session", "-d", "-x", "120", "-y", "40", command], check=True)

    def screen() -> list[str]:
        return subprocess.run(tmux + ["capture-pane", "-p"], capture_output=True, text=True).stdout.splitlines()

    def wait(condition) -> tuple[float, list[str]]:
        while True:
            lines = screen()
            if condition(lines):
                return time.perf_counter(), lines
            if time.perf_counter() - t0 > args.timeout:
                subprocess.run(tmux + ["kill-server"])
                raise SystemExit(f"no complete frame within {args.timeout} s; last screen:\n" + "\n".join(lines))
            time.sleep(0.02)

    tiles = re.compile(r"([\d,]+) tiles in ([\d.,]+) (ms)")
    status = lambda lines: lines[38] if len(lines) > 38 else ""
    first, lines = wait(lambda lines: tiles.search(status(lines)) is not None)
    first_frame = first - t0
    computed, milliseconds = tiles.search(status(lines)).group(1, 2)
    header = lines[0]

    # One edit in the middle of the locus (read by two tiles): a base other than the one there.
    middle = args.length // 2
    subprocess.run(tmux + ["send-keys", "-l", f":{middle}"], check=True)
    subprocess.run(tmux + ["send-keys", "Enter"], check=True)
    _, lines = wait(lambda lines: status(lines).startswith(f" pos {middle:,}/"))
    present = re.search(r"base ([ACGT])", status(lines)).group(1)
    new = "A" if present != "A" else "C"
    subprocess.run(tmux + ["send-keys", "-l", new], check=True)
    # Done when the status line reports the edit's own count of tiles (not the first frame's).
    _, edited = wait(lambda lines: f"now {new}" in status(lines) and (tiles.search(status(lines)) or [None, computed])[1] != computed)
    edit_tiles, edit_ms = tiles.search(status(edited)).group(1, 2)
    subprocess.run(tmux + ["send-keys", "q", "q"])  # quit, without saving the edit
    time.sleep(0.5)
    subprocess.run(tmux + ["kill-server"])

    cores = os.cpu_count()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(header.strip())
    print(f"\n## Locus view (`bench/locus.py`, {stamp})\n")
    print("| model | locus | tiles | first complete frame | tracks computed (explorer's own clock) | one edit: tiles, time |")
    print("|---|---|---:|---:|---:|---:|")
    print(f"| {os.path.basename(args.model)} | {args.length:,} nt uniform random (seed {args.seed}) | {computed} | "
          f"{first_frame:.2f} s | {milliseconds} ms | {edit_tiles}, {edit_ms} ms |")
    print(f"\n{cores} cores; the tiles run on the slow lane with every core. Wall time from launch, "
          f"screen polled every 20 ms. Cores busy while it ran, ours included: {(system_busy_seconds() - cpu0) / (time.perf_counter() - t0):.2f}.")


if __name__ == "__main__":
    main()
