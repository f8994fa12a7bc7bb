/**
 * @module bench/flood-guard-data
 * The numbers behind the miner's flood guard (src/parsers/drain/flood-guard.ts): how large a share
 * of a real log's lines make a new template, per window, and whether the guard ever enters flood
 * mode on them. Every Loghub 2k log (file order, zero-config: auto-detected format, as `serve`
 * parses a source) and BGL_20k (label token stripped, as `eval stream` feeds it), then the
 * unique-line flood of bench:memory for contrast.
 *
 *   npx tsx bench/flood-guard-data.ts [--dataset ../shared/datasets] [--window 1000]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { option } from './built-cli.js';
import { LogParser } from '../src/parsers/pipeline.js';
import { loadLoghubSettings, splitLogLines } from '../src/eval/loghub.js';
import { parseLineLabelled } from '../src/eval/stream/datasets.js';
import { uniqueLines } from './unique-lines.js';

const dir = option('--dataset', '../shared/datasets');
const window = Number(option('--window', '1000'));

interface Row {
  log: string;
  lines: number;
  templates: number;
  /** Largest share of new-template lines in any `window` consecutive lines (sliding), and in the first window. */
  maxShare: number;
  firstShare: number;
  /** Largest share after the first window (a settled source). */
  maxShareAfterFirst: number;
  /** Largest share in any 100 consecutive lines. */
  maxShare100: number;
  floodEntries: number;
  floodLines: number;
}

function measure(log: string, lines: string[]): Row {
  const p = new LogParser({ source: log });
  const created: boolean[] = [];
  for (let i = 0; i < lines.length; i += 500) {
    const batch = lines.slice(i, i + 500).map((text, k) => ({ text, line: i + k + 1 }));
    for (const e of p.pushLines(batch, 0)) created.push(e.change === 'created');
  }
  for (const e of p.flush(0)) created.push(e.change === 'created');
  const slide = (w: number, from: number) => {
    let best = 0;
    let n = 0;
    for (let i = 0; i < created.length; i++) {
      if (created[i]) n++;
      if (i >= w && created[i - w]) n--;
      if (i + 1 >= Math.min(w, created.length) && i >= from) best = Math.max(best, n / Math.min(w, i + 1));
    }
    return best;
  };
  const first = created.slice(0, window).filter(Boolean).length / Math.max(1, Math.min(window, created.length));
  const f = p.miner.flood;
  return {
    log,
    lines: created.length,
    templates: p.miner.stats.clusters,
    maxShare: round(slide(window, 0)),
    firstShare: round(first),
    maxShareAfterFirst: created.length > window ? round(slide(window, 2 * window - 1)) : Number.NaN,
    maxShare100: round(slide(100, 0)),
    floodEntries: f.entries,
    floodLines: f.overflowLines,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

const rows: Row[] = [];
const loghub = join(dir, 'loghub');
for (const s of await loadLoghubSettings({ datasetDir: loghub })) {
  rows.push(measure(s.name, splitLogLines(readFileSync(join(loghub, s.logFile), 'utf8'))));
}
rows.push(measure('BGL_20k', parseLineLabelled(readFileSync(join(dir, 'bgl/BGL_20k.log'), 'utf8'), 'BGL_20k').map((l) => l.text)));
let seed = 7;
const r = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
rows.push(measure('unique flood (100k)', uniqueLines(100_000, r)));
console.table(rows);
