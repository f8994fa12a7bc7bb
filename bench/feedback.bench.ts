/**
 * @module bench/feedback
 * What feedback buys on real labelled logs. Loghub BGL_20k (../shared/datasets/bgl; Zhu et al.,
 * ISSRE 2023 — labels per line, `-` = normal) is replayed in event-time order through the real-time
 * engine (src/topology/engine.ts) with the streaming detectors of `serve` at their defaults
 * (novelty, rate, params), twice:
 *
 *  - without feedback;
 *  - with the feedback policy (src/feedback), where a person answers every anomaly of the first
 *    `--feedback-share` (0.3) of the time span as it is stored: `real` when it hits an alert line,
 *    `noise` otherwise — through FeedbackService.give, the code path of the HTTP API.
 *
 * Both runs are scored on the rest of the time span only (anomalies with ts ≥ the cut).
 *
 * An anomaly **hits** when some line labelled as an alert (first column ≠ `-`; the label is
 * stripped before the line enters anomalog) of the same source has its event time inside the
 * anomaly's window [start, end) — or equal to its ts when it has no window — and, when the anomaly
 * names a template, was mined to that template. A false positive is an anomaly that hits nothing.
 * Recall: of the 1-hour windows (fixed, epoch-aligned) after the cut that hold an alert line, the
 * share in which some anomaly hits an alert line (window recall, the target's measure); line recall
 * is the share of alert lines after the cut hit by some anomaly. Nothing is tuned on the labels of
 * the later part: the detectors run at their defaults, the feedback follows the rule above.
 *
 * Usage: `npm run bench:feedback [-- --dataset DIR] [--feedback-share 0.3] [--kind-noise-min 5]
 * [--json] [--verbose]` (`--verbose`: every answer given, on stderr), or the environment variable
 * ANOMALOG_DATASETS=DIR (DIR holds bgl/BGL_20k.log).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processEnv } from '../src/config/load.js';
import { ManualClock } from '../src/core/clock.js';
import type { StreamDetector } from '../src/core/detector.js';
import type { Anomaly, LogEvent } from '../src/core/event.js';
import type { RawRecord, Source } from '../src/core/source.js';
import { createNovelty } from '../src/detectors/novelty/index.js';
import { createParams } from '../src/detectors/params/index.js';
import { createRate } from '../src/detectors/rate/index.js';
import { BGL_LAYOUT } from '../src/eval/bgl-eval.js';
import { createFeedback, feedbackConfigSchema } from '../src/feedback/index.js';
import { openStore } from '../src/store/index.js';
import { Engine } from '../src/topology/engine.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt?: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const datasets = resolve(opt('--dataset') ?? processEnv().ANOMALOG_DATASETS ?? join(import.meta.dirname, '../../shared/datasets'));
const file = existsSync(join(datasets, 'bgl/BGL_20k.log')) ? join(datasets, 'bgl/BGL_20k.log') : join(datasets, 'BGL_20k.log');
const share = Number(opt('--feedback-share', '0.3'));
/** The policy's `feedback` config; `--kind-noise-min 0` turns the kind rule off (ablation). */
const feedbackConfig = feedbackConfigSchema.parse(opt('--kind-noise-min') === undefined ? {} : { kind_noise_min: Number(opt('--kind-noise-min')) });
const HOUR = 3_600_000;
const SOURCE = 'bgl';

if (!existsSync(file)) {
  process.stderr.write(
    `bench:feedback: no BGL data at ${file}.\n` +
      'Point it at the Loghub datasets directory (the one holding bgl/BGL_20k.log):\n' +
      '  npm run bench:feedback -- --dataset /path/to/datasets\n' +
      '  ANOMALOG_DATASETS=/path/to/datasets npm run bench:feedback\n' +
      'BGL_20k.log is from Loghub (https://github.com/logpai/loghub).\n',
  );
  process.exit(2);
}
if (!(share > 0 && share < 1)) {
  process.stderr.write('bench:feedback: --feedback-share must be between 0 and 1.\n');
  process.exit(2);
}

interface Line {
  text: string;
  line: number;
  alert: boolean;
  /** Seconds (BGL's first header field), for the replay order only. */
  sec: number;
}

/** Label token stripped and kept aside; lines in event-time order (the file is a sample, not sorted). */
function readLines(path: string): Line[] {
  const out: Line[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      if (l.length === 0) return;
      const sp = l.indexOf(' ');
      const text = l.slice(sp + 1);
      out.push({ text, line: i + 1, alert: l.slice(0, sp) !== '-', sec: Number(text.slice(0, text.indexOf(' '))) || 0 });
    });
  return out.sort((a, b) => a.sec - b.sec || a.line - b.line);
}

/** Alert lines by event time, overall and per template, for the hit test. */
class Truth {
  readonly all: number[] = [];
  readonly byTemplate = new Map<number, number[]>();
  readonly alertTs: number[] = [];
  constructor(events: readonly LogEvent[], alertByLine: Map<number, boolean>) {
    for (const e of events) {
      if (!alertByLine.get(e.line ?? -1)) continue;
      this.all.push(e.ts);
      let t = this.byTemplate.get(e.templateId);
      if (!t) this.byTemplate.set(e.templateId, (t = []));
      t.push(e.ts);
    }
    this.all.sort((a, b) => a - b);
    for (const t of this.byTemplate.values()) t.sort((a, b) => a - b);
  }

  /** Event times of the alert lines an anomaly hits (see the module comment). */
  hits(a: Anomaly): number[] {
    if (a.source !== SOURCE) return [];
    const list = a.templateId !== undefined ? (this.byTemplate.get(a.templateId) ?? []) : this.all;
    const start = a.window ? a.window.start : a.ts;
    const end = a.window ? a.window.end : a.ts + 1;
    const out: number[] = [];
    for (let i = lowerBound(list, start); i < list.length && list[i] < end; i++) out.push(list[i]);
    return out;
  }
}

function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface RunResult {
  anomalies: Anomaly[];
  events: LogEvent[];
  feedback: { real: number; noise: number };
  suppressed: number;
  suppressedByKind: number;
}

/** One replay through the engine; with `truth` and `cut`, feedback is given on anomalies before the cut. */
async function replay(lines: Line[], withFeedback: { truth: Truth; cut: number } | undefined): Promise<RunResult> {
  const clock = new ManualClock(0);
  const store = openStore(':memory:', { clock });
  const detectors: StreamDetector[] = [createNovelty(), createRate(), createParams()];
  const fb = withFeedback ? createFeedback({ store, clock, detectors, config: feedbackConfig }) : undefined;
  const anomalies: Anomaly[] = [];
  const events: LogEvent[] = [];
  const given = { real: 0, noise: 0 };
  let eventTime = 0;
  const engine = new Engine({
    sources: [],
    detectors,
    store,
    clock,
    detectorSaveMs: Number.MAX_SAFE_INTEGER,
    parserOptions: () => ({ format: BGL_LAYOUT, multiline: false }),
    onEvents: (batch) => {
      for (const e of batch) {
        events.push(e);
        if (e.ts > eventTime) eventTime = e.ts;
      }
    },
    filterAnomalies: fb ? (a) => fb.policy.apply(a) : undefined,
    onAnomalies: (stored) => {
      for (const a of stored) {
        anomalies.push(a);
        if (!fb || !withFeedback || a.ts >= withFeedback.cut) continue;
        const verdict = withFeedback.truth.hits(a).length > 0 ? 'real' : 'noise';
        given[verdict]++;
        if (args.includes('--verbose')) console.error(`${verdict}\t${a.detector}/${a.explanation[0]?.feature}\t${a.templateId}\t${a.title.slice(0, 100)}`);
        fb.service.give(a.id, { verdict, user: 'bench' });
      }
    },
  });
  const source: Source = { id: SOURCE, run: async () => {}, ack: () => {}, stats: () => ({ received: 0, bytes: 0, dropped: 0, errors: 0 }) };
  for (let i = 0; i < lines.length; i += 200) {
    const records: RawRecord[] = lines.slice(i, i + 200).map((l) => ({ source: SOURCE, text: l.text, line: l.line, arrivalTs: l.sec * 1000 }));
    await engine.process(source, { records });
    clock.set(Math.max(clock.now(), eventTime));
    engine.tick();
  }
  clock.set(eventTime + HOUR);
  engine.tick();
  store.close();
  return { anomalies, events, feedback: given, suppressed: fb ? fb.policy.stats.suppressed : 0, suppressedByKind: fb ? fb.policy.stats.suppressedByKind : 0 };
}

interface Scores {
  anomalies: number;
  tp: number;
  fp: number;
  precision: number;
  windowRecall: number;
  lineRecall: number;
  byDetector: Record<string, { tp: number; fp: number }>;
}

function score(r: RunResult, truth: Truth, cut: number): Scores {
  const later = r.anomalies.filter((a) => a.ts >= cut);
  const hitLines = new Set<number>();
  const byDetector: Record<string, { tp: number; fp: number }> = {};
  let tp = 0;
  for (const a of later) {
    const h = truth.hits(a).filter((t) => t >= cut);
    const hit = truth.hits(a).length > 0;
    const d = (byDetector[`${a.detector}/${a.explanation[0]?.feature ?? '?'}`] ??= { tp: 0, fp: 0 });
    if (hit) {
      tp++;
      d.tp++;
    } else d.fp++;
    for (const t of h) hitLines.add(t);
  }
  const alertsLater = truth.all.filter((t) => t >= cut);
  const windows = new Set(alertsLater.map((t) => Math.floor(t / HOUR)));
  const found = new Set([...hitLines].map((t) => Math.floor(t / HOUR)));
  // Line recall counts alert lines (several lines may share a timestamp: count by multiplicity).
  const lineHits = alertsLater.filter((t) => hitLines.has(t)).length;
  return {
    anomalies: later.length,
    tp,
    fp: later.length - tp,
    precision: later.length ? tp / later.length : 0,
    windowRecall: windows.size ? [...windows].filter((w) => found.has(w)).length / windows.size : 0,
    lineRecall: alertsLater.length ? lineHits / alertsLater.length : 0,
    byDetector,
  };
}

const lines = readLines(file);
const t0 = performance.now();
const base = await replay(lines, undefined);
const alertByLine = new Map(lines.map((l) => [l.line, l.alert]));
const truth = new Truth(base.events, alertByLine);
const first = base.events.reduce((m, e) => Math.min(m, e.ts), Infinity);
const last = base.events.reduce((m, e) => Math.max(m, e.ts), -Infinity);
const cut = first + share * (last - first);
const withFb = await replay(lines, { truth, cut });
const seconds = (performance.now() - t0) / 1000;
const same = withFb.events.length === base.events.length && withFb.events.every((e, i) => e.templateId === base.events[i].templateId);
if (!same) throw new Error('The two replays mined different templates; the comparison would be meaningless.');

const a = score(base, truth, cut);
const b = score(withFb, truth, cut);
const before = base.events.filter((e) => e.ts < cut);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fpDrop = a.fp ? 1 - b.fp / a.fp : 0;
const recallDrop = 100 * (a.windowRecall - b.windowRecall);
const met = fpDrop >= 0.7 && recallDrop <= 2;
const result = {
  date: new Date().toISOString(),
  node: process.version,
  file,
  lines: base.events.length,
  alertLines: truth.all.length,
  cut: new Date(cut).toISOString(),
  feedbackPeriod: { lines: before.length, alertLines: truth.all.filter((t) => t < cut).length, given: withFb.feedback },
  laterPeriod: { lines: base.events.length - before.length, alertLines: truth.all.filter((t) => t >= cut).length, alertWindows1h: new Set(truth.all.filter((t) => t >= cut).map((t) => Math.floor(t / HOUR))).size },
  without: a,
  with: { ...b, suppressed: withFb.suppressed },
  feedbackConfig,
  suppressedByKind: withFb.suppressedByKind,
  fpReduction: fpDrop,
  windowRecallChangePoints: -recallDrop,
  target: '≥ 70% fewer false positives, window recall ≤ 2 points lower',
  met,
  seconds,
};
if (args.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`BGL_20k: ${result.lines} lines (${result.alertLines} alert lines), ${new Date(first).toISOString()} … ${new Date(last).toISOString()}`);
  console.log(`feedback on the first ${share * 100}% of the time span (until ${result.cut}): ${result.feedbackPeriod.lines} lines, ${result.feedbackPeriod.alertLines} alert lines; answers given: ${withFb.feedback.real} real, ${withFb.feedback.noise} noise`);
  console.log(`scored on the rest: ${result.laterPeriod.lines} lines, ${result.laterPeriod.alertLines} alert lines in ${result.laterPeriod.alertWindows1h} one-hour windows`);
  console.log('');
  console.log('                  anomalies    TP    FP  precision  window recall  line recall');
  for (const [name, s] of [['without feedback', a], ['with feedback', b]] as const) {
    console.log(`${name.padEnd(18)}${String(s.anomalies).padStart(9)}${String(s.tp).padStart(6)}${String(s.fp).padStart(6)}${pct(s.precision).padStart(11)}${pct(s.windowRecall).padStart(15)}${pct(s.lineRecall).padStart(13)}`);
  }
  console.log('');
  console.log(`per detector/kind (TP/FP), without → with: ${Object.keys({ ...a.byDetector, ...b.byDetector }).map((d) => `${d} ${a.byDetector[d]?.tp ?? 0}/${a.byDetector[d]?.fp ?? 0} → ${b.byDetector[d]?.tp ?? 0}/${b.byDetector[d]?.fp ?? 0}`).join(', ')}`);
  console.log(`suppressed by the policy in the run with feedback: ${withFb.suppressed} (${withFb.suppressedByKind} by the kind rule, kind_noise_min ${feedbackConfig.kind_noise_min}, share ${feedbackConfig.kind_noise_share})`);
  console.log(`false positives ${pct(fpDrop)} fewer; window recall ${recallDrop <= 0 ? '+' : '−'}${Math.abs(recallDrop).toFixed(1)} points — target (≥ 70% fewer, ≤ 2 points lower) ${met ? 'met' : 'NOT met'}. ${seconds.toFixed(1)} s, node ${process.version}.`);
}
