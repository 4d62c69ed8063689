"""Each thread's top frames in a ``py-spy --format raw`` file: inclusive and self samples."""

from __future__ import annotations

import collections
import sys


def main(path: str, top: int) -> None:
    inclusive: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    own: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    totals: collections.Counter[str] = collections.Counter()
    with open(path, encoding="utf-8") as raw:
        for line in raw:
            stack, _, count = line.rstrip().rpartition(" ")
            samples, frames = int(count), stack.split(";")
            thread = frames[0][:40]
            totals[thread] += samples
            seen = set()
            for frame in frames[1:]:
                key = frame.split(" (")[0] + " " + frame.split("/")[-1][:50]
                if key not in seen:
                    inclusive[thread][key] += samples
                    seen.add(key)
            last = frames[-1]
            own[thread][last.split(" (")[0] + " " + last.split("/")[-1][:50]] += samples
    for thread, samples in totals.most_common(6):
        if "sandbox-stdout" in thread:  # the benchmark's pipe reader, blocked in a read
            continue
        print("==", thread, samples)
        print(" -- inclusive")
        for key, count in inclusive[thread].most_common(top):
            print("  ", count, key)
        print(" -- self")
        for key, count in own[thread].most_common(20):
            print("  ", count, key)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 35)
