#!/usr/bin/env python3
"""Drain3 throughput peer for bench/parse.bench.ts.

Reads a file of log messages (one per line, LF), feeds every line to Drain3 (PyPI `drain3`) configured
with bench/peers/drain3.ini (Drain3's examples/drain3.ini masking and Drain settings, profiling off),
and prints one JSON object: lines, seconds, lines_per_sec, clusters, peak RSS (KiB).
Timing covers reading + splitting + masking + mining, the same span as anomalog's measurement.
"""
import argparse
import importlib.metadata
import json
import os
import resource
import sys
import time

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", help="corpus: one message per line")
    ap.add_argument("--config", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "drain3.ini"))
    ap.add_argument("--limit", type=int, default=0, help="stop after this many lines (0 = all)")
    args = ap.parse_args()

    config = TemplateMinerConfig()
    config.load(args.config)
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    add = miner.add_log_message

    n = 0
    t0 = time.perf_counter()
    with open(args.file, "r", encoding="utf-8", newline="\n") as f:
        for line in f:
            add(line.rstrip("\n"))
            n += 1
            if n == args.limit:
                break
    seconds = time.perf_counter() - t0
    out = {
        "engine": "drain3",
        "version": importlib.metadata.version("drain3"),
        "python": sys.version.split()[0],
        "lines": n,
        "seconds": seconds,
        "lines_per_sec": n / seconds if seconds > 0 else 0.0,
        "clusters": len(miner.drain.clusters),
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
