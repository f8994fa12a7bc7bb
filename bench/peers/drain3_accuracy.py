#!/usr/bin/env python3
"""Drain3 (PyPI `drain3`, IBM, MIT licence) on the Loghub 2k systems, with Drain's per-dataset settings.

For each system in <dataset>/settings.json: read the Content column of <S>_2k.log_structured.csv,
configure Drain3 with that system's Drain settings (`regex` as masking instructions masked to `<*>`,
`st` as sim_th, `depth` as depth; everything else Drain3's defaults, i.e. max_children 100,
parametrize_numeric_tokens True, no extra delimiters), feed every line in order, and emit for every line
its final cluster id and the cluster's final template (as logparser's Drain writes its output at the end).

--raw: the whole raw lines of <S>_2k.log instead (no layout), with Drain3's example configuration
(drain3.ini: its masks, sim_th 0.4, depth 4) for every system: what a Drain3 user gets with no setup,
the peer of `anomalog eval parse --zero-config`.

Output (stdout or --out): {"drain3": "<version>", "systems": {S: {"groupIds": [...], "templates": [...],
"seconds": float}}}. The scores are computed by anomalog's own TypeScript evaluator
(bench/drain3-accuracy.ts), so Drain3 and anomalog are judged by the same code.

Data: Loghub (Zhu et al., ISSRE 2023, https://github.com/logpai/loghub).
"""
import argparse
import csv
import importlib.metadata
import json
import os
import sys
import time

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig


def make_miner(settings):
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    config.drain_sim_th = float(settings.get("st", 0.4))
    config.drain_depth = int(settings.get("depth", 4))
    config.masking_instructions = [MaskingInstruction(rx, "*") for rx in settings.get("regex", [])]
    config.mask_prefix = "<"
    config.mask_suffix = ">"
    return TemplateMiner(config=config)


def make_example_miner():
    """Drain3 as a new user runs it: its examples/drain3.ini (bench/peers/drain3.ini) masks and settings."""
    config = TemplateMinerConfig()
    config.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), "drain3.ini"))
    config.profiling_enabled = False
    return TemplateMiner(config=config)


def read_raw(path):
    """Raw lines split as src/eval/loghub.ts splitLogLines does (LF, one CR before it dropped)."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [l[:-1] if l.endswith("\r") else l for l in lines]


def read_contents(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [row["Content"] for row in csv.DictReader(f)]


def run_system(dataset, settings, raw=False):
    if raw:
        contents = read_raw(os.path.join(dataset, settings["log_file"]))
        miner = make_example_miner()
    else:
        contents = read_contents(os.path.join(dataset, settings["log_file"] + "_structured.csv"))
        miner = make_miner(settings)
    t0 = time.perf_counter()
    ids = [miner.add_log_message(c)["cluster_id"] for c in contents]
    seconds = time.perf_counter() - t0
    clusters = {c.cluster_id: c.get_template() for c in miner.drain.clusters}
    return {"groupIds": ids, "templates": [clusters[i] for i in ids], "seconds": seconds, "lines": len(contents)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="/work/shared/datasets/loghub", help="Loghub 2k dir with settings.json")
    ap.add_argument("--systems", default="", help="comma-separated subset (default: all)")
    ap.add_argument("--out", default="-", help="output JSON file (default: stdout)")
    ap.add_argument("--raw", action="store_true",
                    help="whole raw lines (no layout) with Drain3's example drain3.ini: what a user gets with no setup")
    args = ap.parse_args()
    settings_path = os.path.join(args.dataset, "settings.json")
    if not os.path.isfile(settings_path):
        sys.exit(f"drain3_accuracy: no settings.json in {args.dataset}; pass --dataset DIR")
    with open(settings_path, encoding="utf-8") as f:
        systems = json.load(f)["systems"]
    names = [s for s in args.systems.split(",") if s] or list(systems)
    out = {"drain3": importlib.metadata.version("drain3"), "systems": {}}
    for name in names:
        out["systems"][name] = run_system(args.dataset, systems[name], args.raw)
        print(f"drain3_accuracy: {name} done in {out['systems'][name]['seconds']:.2f}s", file=sys.stderr)
    text = json.dumps(out)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
