#!/usr/bin/env python3
"""Sums a dotnet-trace CPU-sampling profile (converted to speedscope JSON) per frame.

    dotnet-trace collect -p PID --profile dotnet-sampled-thread-time --duration 00:00:20 -o trace.nettrace
    dotnet-trace convert --format speedscope trace.nettrace        # -> trace.speedscope.json
    bench/profile-summary.py trace.speedscope.json [--top 25] [--match 'label=regex' ...]
    bench/profile-summary.py --perf app.perf.txt.gz ...             # `perf script` output (bench/profile-cpu.sh PROFILE_PERF=1)

.NET's sample profiler samples every managed thread every millisecond, running or not, so most of a web service's
samples are threads waiting (idle pool workers, the socket engine, timers). A sample counts as busy unless one of the
frames nearest its leaf is a wait (WAITS below); the summary is over busy samples only, with the waiting total printed
beside it so the split can be checked against the process's CPU time over the same window (/proc/PID/stat).
perf samples are real CPU (every sample is busy), native frames included; with DOTNET_PerfMapEnabled=1 JIT-compiled
methods are named. Async methods resumed after I/O show their awaiting callers above them rather than below, so inclusive
time is reliable for synchronous work only; exclusive (leaf) time always is.
The speedscope leaves CPU_TIME and UNMANAGED_CODE_TIME are states, not code: exclusive time goes to the frame above them.
Inclusive time of a frame counts each sample once even when the frame recurses; exclusive time is the leaf's.
--match sums the busy samples whose stack has a frame matching the regex (each sample once per label), to put a number on
a cross-cutting cost (e.g. 'auth=OpenIddict|JsonWebToken', 'ef-save=SaveChanges').
"""
import argparse
import json
import re
import sys
from collections import defaultdict

# A frame near the leaf that means the thread is not on a CPU.
WAITS = re.compile(
    r"LowLevelLifoSemaphore|WaitHandle\.Wait|Monitor\.Wait|Thread\.Sleep|SleepInternal|WaitOneNoCheck|WaitForSignal"
    r"|ManualResetEventSlim\.Wait|SemaphoreSlim\.Wait\b|SpinThenBlockingWait|Interop\+Sys\.WaitForSocketEvents"
    r"|WaitForSocketEvents|PortableThreadPool\+GateThread|TimerQueue\.TimerThread|WaitHandle\.WaitMultiple"
    r"|Interop\+Sys\.Read\b|Console|Thread\.Join|LowLevelMonitor\.Wait|WaitSubsystem|BlockingCollection|WaitCore"
    r"|Interop\+Kernel32\.GetQueuedCompletionStatus|ThreadPoolWorkQueue\+.*Wait|EventPipe"
)
LEAF_DEPTH = 4  # how many frames from the leaf are looked at for a wait


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    frames = [fr["name"] for fr in doc["shared"]["frames"]]
    # A trie of stacks: node -> (parent, frame); time per node.
    parent = [-1]
    frame_of = [-1]
    children = [dict()]
    time = defaultdict(float)
    total = 0.0
    for profile in doc["profiles"]:
        events = profile.get("events")
        if events is None:
            continue
        node = 0
        last = None
        for ev in events:
            at = ev["at"]
            if last is not None and node != 0:
                time[node] += at - last
                total += at - last
            last = at
            if ev["type"] == "O":
                kids = children[node]
                child = kids.get(ev["frame"])
                if child is None:
                    child = len(parent)
                    parent.append(node)
                    frame_of.append(ev["frame"])
                    children.append(dict())
                    kids[ev["frame"]] = child
                node = child
            else:
                node = parent[node] if node != 0 else 0
    return frames, parent, frame_of, time, total


def load_perf(path):
    """`perf script` text: a header line per sample, then one frame per line (leaf first), then a blank line."""
    import gzip
    opener = gzip.open if path.endswith(".gz") else open
    frames, index = [], {}
    parent, frame_of, children = [-1], [-1], [dict()]
    time = defaultdict(float)
    total = 0.0

    def add(stack):
        nonlocal total
        node = 0
        for name in reversed(stack):
            i = index.get(name)
            if i is None:
                i = index[name] = len(frames)
                frames.append(name)
            child = children[node].get(i)
            if child is None:
                child = len(parent)
                parent.append(node)
                frame_of.append(i)
                children.append(dict())
                children[node][i] = child
            node = child
        time[node] += 1.0
        total += 1.0

    stack = None
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip():
                if stack:
                    add(stack)
                stack = None
            elif line[0] not in " \t":
                stack = []
            elif stack is not None:
                parts = line.strip().split(" ", 1)
                name = parts[1] if len(parts) > 1 else parts[0]
                name = re.sub(r"\+0x[0-9a-f]+ \(", " (", name)
                stack.append(name)
    if stack:
        add(stack)
    return frames, parent, frame_of, time, total


def path_of(node, parent, frame_of):
    path = []
    while node > 0:
        path.append(frame_of[node])
        node = parent[node]
    path.reverse()
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("speedscope")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--match", action="append", default=[], help="label=regex")
    ap.add_argument("--width", type=int, default=150)
    ap.add_argument("--perf", action="store_true", help="the input is `perf script` output (samples, not milliseconds)")
    args = ap.parse_args()

    frames, parent, frame_of, time, total = load_perf(args.speedscope) if args.perf else load(args.speedscope)
    unit = "samples" if args.perf else "s"
    inclusive = defaultdict(float)
    exclusive = defaultdict(float)
    matches = [(m.split("=", 1)[0], re.compile(m.split("=", 1)[1])) for m in args.match]
    matched = defaultdict(float)
    busy = 0.0
    waiting = 0.0
    wait_leaves = defaultdict(float)
    for node, t in time.items():
        path = path_of(node, parent, frame_of)
        names = [frames[i] for i in path]
        near_leaf = names[-LEAF_DEPTH:]
        if not args.perf and any(WAITS.search(n) for n in near_leaf):
            waiting += t
            wait_leaves[" <- ".join(reversed(near_leaf[-2:]))] += t
            continue
        busy += t
        leaf = names[-1]
        if leaf in ("CPU_TIME", "UNMANAGED_CODE_TIME") and len(names) > 1:
            leaf = names[-2] + " [" + leaf + "]"
        exclusive[leaf] += t
        for name in set(names):
            inclusive[name] += t
        for label, rx in matches:
            if any(rx.search(n) for n in names):
                matched[label] += t

    def line(name, t):
        short = name if len(name) <= args.width else name[: args.width - 1] + "…"
        return f"{t / scale:9.2f} {unit} {100 * t / busy:6.1f} %  {short}"

    scale = 1 if args.perf else 1000
    print(f"# {args.speedscope}")
    print(f"sampled: {total / scale:.2f} {unit}; busy (not in a wait): {busy / scale:.2f} {unit}; waiting: {waiting / scale:.2f} {unit}")
    print("(percentages below are of the busy time)")
    print(f"\n## top {args.top} frames by inclusive busy time")
    for name, t in sorted(inclusive.items(), key=lambda kv: -kv[1])[: args.top]:
        print(line(name, t))
    print(f"\n## top {args.top} frames by exclusive busy time")
    for name, t in sorted(exclusive.items(), key=lambda kv: -kv[1])[: args.top]:
        print(line(name, t))
    if matches:
        print("\n## busy time of stacks with a frame matching (each sample once per label)")
        for label, _ in matches:
            print(f"{matched[label] / scale:9.2f} {unit} {100 * matched[label] / busy if busy else 0:6.1f} %  {label}")
    print("\n## largest waits (not counted above), leaf <- caller")
    for name, t in sorted(wait_leaves.items(), key=lambda kv: -kv[1])[:8]:
        print(f"{t / 1000:9.2f} s  {name[: args.width]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
