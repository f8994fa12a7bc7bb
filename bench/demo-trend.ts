/**
 * @module bench/demo-trend
 * How often the real `rate` detector flags a rising warning, by the shape of the rise — the study
 * behind the demo's trend incident (src/demo/README.md). One source: a steady filler template
 * (60 lines/s) and a warning that trickles for 60 intervals of 10 s, then rises (a smooth quadratic
 * ramp over 2 minutes, the demo's ×2.5 steps over 80 s, or one jump), 40 seeds each. A seed counts when the warning's
 * template spike is reported during the rise. Usage: `npx tsx bench/demo-trend.ts [baseline_intervals…]`.
 */
import type { LogEvent } from '../src/core/event.js';
import { createRate } from '../src/detectors/rate/index.js';
import { DemoRandom } from '../src/demo/random.js';

const INTERVAL_MS = 10_000;
const SEEDS = 40;
const T0 = Date.UTC(2026, 10, 30);

function event(ts: number, templateId: number): LogEvent {
  const template = templateId === 1 ? 'query ok' : 'connection pool nearly exhausted';
  return { ts, source: 'db', level: templateId === 1 ? 'info' : 'warn', message: template, raw: template, templateId, template, params: [] };
}

/** Share of seeds whose rise is flagged; `extra(x)` is the added warnings per second at x ∈ [0, 1) of the rise. */
function detected(baselineIntervals: number, base: number, rise: number, extra: (x: number) => number): { hits: number; median: number } {
  let hits = 0;
  const firsts: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = new DemoRandom(seed);
    const d = createRate({ interval_seconds: INTERVAL_MS / 1000, baseline_intervals: baselineIntervals });
    let first = -1;
    for (let k = 0; k < 60 + rise + 2; k++) {
      const x = (k - 60 + 0.5) / rise;
      const warn = k < 60 || k >= 60 + rise ? base : base + extra(x);
      const evs: LogEvent[] = [];
      for (let i = r.poisson(600); i > 0; i--) evs.push(event(T0 + k * INTERVAL_MS + r.int(0, INTERVAL_MS - 1), 1));
      for (let i = r.poisson(warn * 10); i > 0; i--) evs.push(event(T0 + k * INTERVAL_MS + r.int(0, INTERVAL_MS - 1), 2));
      evs.sort((a, b) => a.ts - b.ts);
      const found = [...d.observe(evs), ...d.tick(T0 + (k + 1) * INTERVAL_MS + 10_000)];
      if (first < 0 && k >= 60 && found.some((a) => a.templateId === 2 && a.explanation[0]?.feature === 'template_spike')) first = (k - 60) * 10;
    }
    if (first >= 0) {
      hits++;
      firsts.push(first);
    }
  }
  firsts.sort((a, b) => a - b);
  return { hits, median: firsts[firsts.length >> 1] ?? Number.NaN };
}

const spans = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [30, 180];
/** Name, trickle (/s), rise length (intervals), added warnings per second at x ∈ [0, 1) of the rise. */
const shapes: [string, number, number, (x: number) => number][] = [
  ['smooth x² to 6/s', 0.37, 12, (x) => 6 * x * x],
  ['smooth x² to 24/s', 0.37, 12, (x) => 24 * x * x],
  ['steps ×2.5 (demo)', 0.71, 8, (x) => 0.71 * (Math.pow(2.5, Math.floor(x * 4) + 1) - 1)],
  ['one step ×10', 0.37, 12, () => 3.3],
];
for (const span of spans) {
  for (const [name, base, rise, f] of shapes) {
    const { hits, median } = detected(span, base, rise, f);
    console.log(`baseline_intervals ${String(span).padStart(3)}  ${name.padEnd(20)} from ${base}/s: flagged ${String(hits).padStart(2)}/${SEEDS} seeds, median ${Number.isNaN(median) ? '—' : `${median} s`} into the rise`);
  }
}
