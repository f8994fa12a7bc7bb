#!/usr/bin/env python3
"""Drain3 (PyPI `drain3`, IBM, MIT licence) on the Loghub 2k systems, with Drain's per-dataset settings.

For each system in <dataset>/settings.json: read the Content column of <S>_2k.log_structured.csv,
configure Drain3 with that system's Drain settings (`regex` as masking instructions masked to `<*>`,
`st` as sim_th, `depth` as depth; everything else Drain3's defaults, i.e. max_children 100,
parametrize_numeric_tokens True, no extra delimiters), feed every line in order, and emit for every line
its final cluster id and the cluster's final template (as logparser's Drain writes its output at the end).

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


def read_contents(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [row["Content"] for row in csv.DictReader(f)]


def run_system(dataset, settings):
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
    args = ap.parse_args()
    settings_path = os.path.join(args.dataset, "settings.json")
    if not os.path.isfile(settings_path):
        sys.exit(f"drain3_accuracy: no settings.json in {args.dataset}; pass --dataset DIR")
    with open(settings_path, encoding="utf-8") as f:
        systems = json.load(f)["systems"]
    names = [s for s in args.systems.split(",") if s] or list(systems)
    out = {"drain3": importlib.metadata.version("drain3"), "systems": {}}
    for name in names:
        out["systems"][name] = run_system(args.dataset, systems[name])
        print(f"drain3_accuracy: {name} done in {out['systems'][name]['seconds']:.2f}s", file=sys.stderr)
    text = json.dumps(out)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
