#!/usr/bin/env python3
"""peak-rss.py OUT COMMAND...: runs COMMAND and writes "SECONDS PEAK_MB" to OUT: the wall time and the peak of
the summed resident memory of the command and every process it started (polled from /proc every 0.1 s), or
the largest single process's peak (getrusage) where that is more: a poll can miss a short peak.
A job such as dbt on Spark is a Python process and a JVM: /usr/bin/time's %M would show only the larger one.
The exit status is the command's."""
import os
import resource
import subprocess
import sys
import time


def children():
    """parent pid → child pids, for every process now."""
    tree = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(name))
    return tree


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss(root):
    tree, total, todo = children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += rss_kb(pid)
        todo.extend(tree.get(pid, []))
    return total


def main():
    out, command = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    proc = subprocess.Popen(command)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    elapsed = time.monotonic() - start
    peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KiB on Linux
    with open(out, "w") as f:
        f.write(f"{elapsed:.2f} {peak / 1024:.0f}\n")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
