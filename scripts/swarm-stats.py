#!/usr/bin/python3
"""Figures for scripts/bench-swarm (standard library only).

usage: swarm-stats.py run RUN_DIR      one JSON line for the run recorded in RUN_DIR
       swarm-stats.py table FILE.jsonl a markdown table of medians per (client, N) of those lines

RUN_DIR holds what bench-swarm recorded: meta.json (client, kind btget|libtorrent, N, run, S, T_min, t0 = wall-clock
time the first leecher was launched, t_end, timed_out, seeder tx bytes before/after, seeder CPU s, load),
cpu.samples (busy % of all cores, one line per sample), and per leecher l<i>/ with out (stdout), exit
("<code> <epoch>"), time (GNU time "%e %U %S"), verified (1 when the file equals the seeder's), killed_cpu (CPU s
of a leecher killed at the timeout).
Completion of a leecher = the client's own "finished" event (btget --json "complete", libtorrent
torrent_finished_alert), counted only when the process exited 0 (killed-at-timeout ones do not count) and the file
on disk equals the seeder's. Start-up = its first event (btget "started", libtorrent "STARTED": the JVM or Python
and the client loaded, torrent parsed) minus t0.
"""
import json
import os
import statistics
import sys


# More than the handshakes, bitfields and a tracker announce: the seeder has started sending blocks.
SEEDER_FIRST_BYTES = 64 * 1024


def read(path, default=None):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def events(kind, out):
    """(started, finished) wall-clock times from a leecher's stdout, None where missing."""
    started = finished = None
    for line in (out or "").splitlines():
        if kind == "btget":
            if not line.startswith("{"):
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("event") == "started" and started is None:
                started = float(ev["time"])
            elif ev.get("event") == "complete":
                finished = float(ev["time"])
        else:
            parts = line.split(" ", 1)
            if len(parts) == 2 and parts[1] == "STARTED":
                started = float(parts[0])
            elif len(parts) == 2 and parts[1] == "FINISHED":
                finished = float(parts[0])
    return started, finished


def r3(x):
    return None if x is None else round(x, 3)


def run(run_dir):
    meta = json.loads(read(os.path.join(run_dir, "meta.json")))
    t0, n, size = meta["t0"], meta["N"], meta["S"]
    completions, startups, cpu, exit_lags, unfinished = [], [], [], [], []
    for i in range(1, n + 1):
        d = os.path.join(run_dir, "l%d" % i)
        started, finished = events(meta["kind"], read(os.path.join(d, "out")))
        ex = (read(os.path.join(d, "exit")) or "").split()
        code = int(ex[0]) if ex else None
        verified = (read(os.path.join(d, "verified")) or "").strip() == "1"
        if started is not None:
            startups.append(started - t0)
        # GNU time writes "Command exited with non-zero status N" before the format line when the exit is not 0.
        t = ((read(os.path.join(d, "time")) or "").strip().splitlines() or [""])[-1].split()
        if len(t) >= 3 and code is not None:
            cpu.append(float(t[1]) + float(t[2]))
        elif read(os.path.join(d, "killed_cpu")):
            cpu.append(float(read(os.path.join(d, "killed_cpu"))))
        if code == 0 and finished is not None and verified:
            completions.append(finished - t0)
            exit_lags.append(float(ex[1]) - finished)
        else:
            why = "killed at the timeout" if code is None or (meta["timed_out"] and code in (137, 143)) \
                else "exit %d" % code
            if code == 0 and finished is None:
                why = "exit 0 without a finished event"
            elif code == 0 and not verified:
                why = "exit 0 but the data differs from the seeder's"
            unfinished.append({"leecher": i, "why": why})
    # cpu.samples lines: "epoch busy unniced seeder_tx" (busy per mille), or "busy unniced" from older versions.
    rows = [line.split() for line in (read(os.path.join(run_dir, "cpu.samples")) or "").splitlines()]
    rows = [r[1:] if len(r) == 4 else r for r in rows if len(r) in (2, 4)]
    samples = [int(r[0]) / 10.0 for r in rows]
    unniced = [int(r[1]) / 10.0 for r in rows]
    timeline = [(float(r[0]), int(r[3])) for r in (line.split() for line in
                (read(os.path.join(run_dir, "cpu.samples")) or "").splitlines()) if len(r) == 4]
    t_last = max(completions) if len(completions) == n else None
    tx = meta["seeder_tx_after"] - meta["seeder_tx_before"]
    # From the seeder's byte counter sampled every 0.5 s: when its first block went out (start-up of the leechers
    # and the first requests), and how long, up to the last completion, its link ran below half of U_seed.
    first_byte = idle = None
    u_seed = meta.get("U_seed_mbit")
    if timeline and u_seed and completions:
        end = t0 + (t_last if t_last is not None else max(completions, default=0.0))
        for at, sent in timeline:
            if sent - meta["seeder_tx_before"] > SEEDER_FIRST_BYTES:
                first_byte = at - t0
                break
        idle = 0.0
        for (a, x), (b, y) in zip(timeline, timeline[1:]):
            if b <= t0 or a >= end or b <= a:
                continue
            if (y - x) * 8 / (b - a) < 0.5 * u_seed * 1e6:
                idle += min(b, end) - max(a, t0)
    line = {
        "client": meta["client"], "N": n, "run": meta["run"], "S": size,
        "T_min": r3(meta["T_min"]),
        "T_last": r3(t_last),
        "T_last_over_T_min": r3(t_last / meta["T_min"]) if t_last is not None else None,
        "finished": len(completions), "timed_out": meta["timed_out"],
        "completion_s": [r3(c) for c in sorted(completions)],
        "completion_spread_s": r3(max(completions) - min(completions)) if completions else None,
        "startup_s": [r3(s) for s in sorted(startups)],
        "startup_spread_s": r3(max(startups) - min(startups)) if startups else None,
        "exit_lag_max_s": r3(max(exit_lags)) if exit_lags else None,
        "seeder_tx_bytes": tx,
        "seeder_copies": r3(tx / size),
        # How busy the seeder's upload was until the last completion: near 1 means the seeder's link was the
        # bottleneck, and then T_last/T_min cannot beat seeder copies (T_min = S/U_seed in that case).
        "seeder_link_use": r3(tx * 8 / (meta["U_seed_mbit"] * 1e6 * t_last))
        if t_last and meta.get("U_seed_mbit") else None,
        "seeder_first_block_s": r3(first_byte),
        "seeder_idle_s": r3(idle),
        "seeder_cpu_s": r3(meta.get("seeder_cpu_s")),
        "cpu_s_per_leecher": r3(statistics.mean(cpu)) if cpu else None,
        "cpu_s_leechers": [r3(c) for c in cpu],
        "cpu_busy_mean_pct": r3(statistics.mean(samples)) if samples else None,
        "cpu_samples_above_95_pct": r3(100.0 * sum(1 for s in samples if s > 95.0) / len(samples)) if samples else None,
        "cpu_busy_unniced_mean_pct": r3(statistics.mean(unniced)) if unniced else None,
        "cpu_samples_unniced_above_95_pct":
            r3(100.0 * sum(1 for s in unniced if s > 95.0) / len(unniced)) if unniced else None,
        "load1_before": meta.get("load1_before"),
        "delay_ms": meta.get("delay_ms"),
        "unfinished": unfinished,
    }
    print(json.dumps(line, separators=(",", ":")))


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=2):
    if x is None:
        return "n/a"
    if x == float("inf"):
        return "inf"
    return "%.*f" % (digits, x)


def pair(rs, a, b):
    """'median of a (median of b)' over the runs rs, whole percent."""
    return "%s (%s)" % (fmt(median([r[a] for r in rs]), 0), fmt(median([r[b] for r in rs]), 0))


def table(path):
    rows = {}
    order = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            key = (r["client"], r["N"])
            if key not in rows:
                rows[key] = []
                order.append(key)
            rows[key].append(r)
    print("| client | N | T_last/T_min (median) | runs all finished | leechers finished (median) "
          "| seeder copies | CPU s per leecher | CPU busy % (un-niced) | samples > 95 % busy (un-niced) "
          "| completion spread s | seeder idle s | seeder first block s "
          "| start-up s (first-last) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for key in sorted(order, key=lambda k: (k[1], order.index(k))):
        rs = rows[key]
        # A run where some leecher never finished counts as infinitely slow, so a median over runs never hides it.
        ratios = [r["T_last_over_T_min"] if r["T_last_over_T_min"] is not None else float("inf") for r in rs]
        all_done = sum(1 for r in rs if r["finished"] == r["N"])
        print("| %s | %d | %s | %d of %d | %s/%d | %s | %s | %s | %s | %s | %s | %s | %s-%s |" % (
            key[0], key[1], fmt(median(ratios)), all_done, len(rs),
            fmt(median([r["finished"] for r in rs]), 1), key[1],
            fmt(median([r["seeder_copies"] for r in rs])),
            fmt(median([r["cpu_s_per_leecher"] for r in rs]), 1),
            pair(rs, "cpu_busy_mean_pct", "cpu_busy_unniced_mean_pct"),
            pair(rs, "cpu_samples_above_95_pct", "cpu_samples_unniced_above_95_pct"),
            fmt(median([r["completion_spread_s"] for r in rs]), 1),
            fmt(median([r.get("seeder_idle_s") for r in rs]), 1),
            fmt(median([r.get("seeder_first_block_s") for r in rs]), 1),
            fmt(median([min(r["startup_s"]) if r["startup_s"] else None for r in rs]), 1),
            fmt(median([max(r["startup_s"]) if r["startup_s"] else None for r in rs]), 1)))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "run":
        run(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
