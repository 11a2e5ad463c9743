#!/usr/bin/python3
"""process_cpu.py PID...: the CPU seconds (user + system) each PID's process
tree has used so far, one number per PID on one line.

A tree is the process, its live descendants, and the children it has already
waited for (the kernel's cutime/cstime): a PostgreSQL postmaster's tree holds
every backend, ended or not; `aurite serve`'s holds its SQL servers. The
benchmarks read it before and after a measured phase and divide the
difference by the calls made, to show where the CPU of a call goes.
"""
import os
import sys


def read_stats():
    """pid -> (parent pid, CPU ticks of the process and its waited-for children)."""
    stats = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                text = f.read()
        except OSError:
            continue  # ended while we looked
        # The command name may hold spaces and parentheses: split after its last ')'.
        fields = text[text.rindex(")") + 2:].split()
        parent = int(fields[1])
        utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
        stats[int(name)] = (parent, utime + stime + cutime + cstime)
    return stats


def tree_ticks(root, stats):
    children = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            todo.extend(children.get(pid, []))
    return total


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: process_cpu.py PID...")
    stats = read_stats()
    hz = os.sysconf("SC_CLK_TCK")
    print(" ".join(f"{tree_ticks(int(p), stats) / hz:.2f}" for p in sys.argv[1:]))


if __name__ == "__main__":
    main()
