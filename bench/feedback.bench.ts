/**
 * @module bench/feedback
 * What feedback buys on real labelled logs, on the data the policy was developed on and on data
 * nobody looked at while developing it. Each dataset is a Loghub log with one label per line (first
 * token: `-` = normal, anything else = an alert category; the token is stripped before the line
 * enters anomalog) parsed with its Loghub header layout (../shared/datasets/loghub/settings.json minus
 * `<Label>`). It is replayed in event-time order through the pipeline `serve` runs, as `eval stream`
 * replays (src/topology/replay-labelled.ts, one implementation for both), with the detector set
 * `anomalog serve` runs by default (`validate({}, serveConfigSchema).detectors`: novelty, rate, params and
 * watch; the model detector only when serve's default turns it on, then with `train_in: 'inline'` so that
 * training is part of the replay and the run is deterministic; `--no-model` leaves it out), once per run:
 *
 *  - without feedback;
 *  - with the feedback policy (src/feedback, frozen at its defaults), once per feedback part, where
 *    a person answers every anomaly of the feedback part — the first `--feedback-share` (0.3), or
 *    60% for protocol B — of the time span as it is stored: `real` when it
 *    hits an alert line, `noise` otherwise — through FeedbackService.give, the code path of the API.
 *
 * Rows (dataset, feedback part → scored slice of the time span):
 *  - BGL_20k 0–30% → 30–100%: the development split. NOT held-out: the kind rule of the policy was
 *    added after a first measurement on exactly this slice.
 *  - BGL_20k 0–30% → 60–100%: the least-seen part of the same runs. NOT held-out either (it is
 *    inside the slice the rule was developed on), reported so the later part can be read on its own.
 *  - protocol B, every dataset: feedback on 0–60% → 60–100% (a second replay with feedback).
 *  - BGL_2k and Thunderbird_2k (../shared/datasets/loghub), both protocols: held-out — never run
 *    while the policy was developed. The bench prints how many BGL_2k lines also occur in BGL_20k.
 *
 * An anomaly **hits** when some alert line of the same source inside the scored slice has its event
 * time inside the anomaly's window [start, end) — or equal to its ts when it has no window — and,
 * when the anomaly names a template, was mined to that template. Scored anomalies are those with ts
 * in the slice; one that hits nothing is a false positive. Window recall: of the 1-hour windows
 * (fixed, epoch-aligned) in the slice that hold an alert line, the share in which some anomaly hits
 * an alert line; line recall: the share of the slice's alert lines hit. TP/FP per detector/kind are
 * printed and recorded, and FPs without the rate detector's source silences (Loghub's files are
 * samples: silences there are mostly the sampling). The policy is frozen at its defaults; nothing
 * was tuned on any row's labels. Recall is a weak guard: the baselines' true positives all come from
 * novelty (new templates), which feedback does not suppress (BENCHMARKS.md, Feedback).
 *
 * Usage: `npm run bench:feedback [-- --dataset DIR] [--feedback-share 0.3] [--kind-noise-min 5]
 * [--no-model] [--json] [--verbose]` (`--verbose`: every answer given, on stderr), or the environment
 * variable ANOMALOG_DATASETS=DIR (DIR holds bgl/BGL_20k.log and loghub/<S>/<S>_2k.log; a missing
 * held-out file is reported and its row skipped).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processEnv, validate } from '../src/config/load.js';
import { serveConfigSchema } from '../src/config/schema.js';
import type { Anomaly } from '../src/core/event.js';
import { BGL_LAYOUT } from '../src/eval/bgl-eval.js';
import { feedbackConfigSchema } from '../src/feedback/index.js';
import { type MinedLine, replayLabelled } from '../src/topology/replay-labelled.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt?: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const datasets = resolve(opt('--dataset') ?? processEnv().ANOMALOG_DATASETS ?? join(import.meta.dirname, '../../shared/datasets'));
const bgl20k = existsSync(join(datasets, 'bgl/BGL_20k.log')) ? join(datasets, 'bgl/BGL_20k.log') : join(datasets, 'BGL_20k.log');
const share = Number(opt('--feedback-share', '0.3'));
/** The policy's `feedback` config; `--kind-noise-min 0` turns the kind rule off (ablation). */
const feedbackConfig = feedbackConfigSchema.parse(opt('--kind-noise-min') === undefined ? {} : { kind_noise_min: Number(opt('--kind-noise-min')) });
const withModel = !args.includes('--no-model');
const HOUR = 3_600_000;

if (!existsSync(bgl20k)) {
  process.stderr.write(
    `bench:feedback: no BGL data at ${bgl20k}.\n` +
      'Point it at the Loghub datasets directory (the one holding bgl/BGL_20k.log and loghub/):\n' +
      '  npm run bench:feedback -- --dataset /path/to/datasets\n' +
      '  ANOMALOG_DATASETS=/path/to/datasets npm run bench:feedback\n' +
      'The files are from Loghub (https://github.com/logpai/loghub).\n',
  );
  process.exit(2);
}
if (!(share > 0 && share < 1)) {
  process.stderr.write('bench:feedback: --feedback-share must be between 0 and 1.\n');
  process.exit(2);
}

interface Dataset {
  name: string;
  file: string;
  layout: string;
  /** Feedback on [0, fb) of the time span, scored on [from, to) (fractions; `to` 1 = the end), each with its held-out status. */
  rows: { fb: number; from: number; to: number; heldOut: boolean; note: string }[];
}

/** Loghub's layout of a system minus its leading `<Label>` field (the label is stripped before parsing). */
function loghubLayout(system: string): string | undefined {
  const settings = join(datasets, 'loghub/settings.json');
  if (!existsSync(settings)) return undefined;
  const s = JSON.parse(readFileSync(settings, 'utf8')) as { systems: Record<string, { log_format: string }> };
  return s.systems[system]?.log_format.replace(/^<Label>\s+/, '');
}

function loadDatasets(): Dataset[] {
  const out: Dataset[] = [
    {
      name: 'BGL_20k',
      file: bgl20k,
      layout: BGL_LAYOUT,
      rows: [
        { fb: share, from: share, to: 1, heldOut: false, note: 'development split: the kind rule was added after a first run on it' },
        { fb: share, from: Math.max(0.6, share), to: 1, heldOut: false, note: 'least-seen part of the same runs; inside the development split' },
        { fb: 0.6, from: 0.6, to: 1, heldOut: false, note: 'protocol B: feedback on the first 60%; inside the development split' },
      ],
    },
  ];
  for (const system of ['BGL', 'Thunderbird']) {
    const file = join(datasets, `loghub/${system}/${system}_2k.log`);
    const layout = loghubLayout(system);
    if (!existsSync(file) || !layout) {
      process.stderr.write(`bench:feedback: ${file} or its layout in loghub/settings.json is missing; the ${system}_2k row is skipped.\n`);
      continue;
    }
    const note = 'held-out: never run while the policy was developed';
    out.push({
      name: `${system}_2k`,
      file,
      layout,
      rows: [
        { fb: share, from: share, to: 1, heldOut: true, note },
        { fb: 0.6, from: 0.6, to: 1, heldOut: true, note: `protocol B: feedback on the first 60%; ${note}` },
      ],
    });
  }
  return out;
}

interface Line {
  text: string;
  line: number;
  alert: boolean;
  /** Seconds (the first header field of BGL and Thunderbird), for the replay order only. */
  sec: number;
}

/** Label token stripped and kept aside; lines in event-time order (a sample is not always sorted). */
function readLines(path: string): Line[] {
  const out: Line[] = [];
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
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
  constructor(
    readonly source: string,
    events: readonly MinedLine[],
    alertByLine: Map<number, boolean>,
  ) {
    for (const e of events) {
      if (!alertByLine.get(e.line)) continue;
      this.all.push(e.ts);
      let t = this.byTemplate.get(e.templateId);
      if (!t) this.byTemplate.set(e.templateId, (t = []));
      t.push(e.ts);
    }
    this.all.sort((a, b) => a - b);
    for (const t of this.byTemplate.values()) t.sort((a, b) => a - b);
  }

  /** Event times of the alert lines in [from, to) an anomaly hits (see the module comment). */
  hits(a: Anomaly, from = -Infinity, to = Infinity): number[] {
    if (a.source !== this.source) return [];
    const list = a.templateId !== undefined ? (this.byTemplate.get(a.templateId) ?? []) : this.all;
    const start = Math.max(from, a.window ? a.window.start : a.ts);
    const end = Math.min(to, a.window ? a.window.end : a.ts + 1);
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
  events: MinedLine[];
  detectors: string[];
  feedback: { real: number; noise: number };
  suppressed: number;
  suppressedByKind: number;
}

/**
 * One replay through the pipeline `serve` runs (topology/replay-labelled.ts, shared with `eval
 * stream`); with `truth` and `cut`, an operator answers every anomaly before the cut at once.
 */
async function replay(ds: Dataset, lines: Line[], withFeedback: { truth: Truth; cut: number } | undefined): Promise<RunResult> {
  const config = validate({}, serveConfigSchema);
  // The model detector trains inline (replayLabelled sees to it); `--no-model` leaves it out.
  const section = { ...config.detectors, model: { ...config.detectors.model, enabled: config.detectors.model.enabled && withModel } };
  const run = await replayLabelled({
    lines: lines.map((l) => ({ source: ds.name, text: l.text, line: l.line })),
    config: { ...config, detectors: section, feedback: feedbackConfig },
    format: ds.layout,
    chunkLines: 200,
    operator: withFeedback && {
      delayMs: 0,
      verdict: (a) => (a.ts >= withFeedback.cut ? undefined : withFeedback.truth.hits(a).length > 0 ? 'real' : 'noise'),
      onAnswer: (a, verdict) => {
        if (args.includes('--verbose')) console.error(`${ds.name}\t${verdict}\t${a.detector}/${a.explanation[0]?.feature}\t${a.templateId}\t${a.title.slice(0, 100)}`);
      },
    },
  });
  return { anomalies: run.anomalies, events: run.events, detectors: run.detectors, feedback: run.answers, suppressed: run.suppressed, suppressedByKind: run.suppressedByKind };
}

interface Scores {
  anomalies: number;
  tp: number;
  fp: number;
  precision: number;
  /** undefined when the slice holds no alert line. */
  windowRecall: number | undefined;
  lineRecall: number | undefined;
  byDetector: Record<string, { tp: number; fp: number }>;
}

/** Scores the anomalies with ts in [from, to) against the alert lines in [from, to). */
function score(r: RunResult, truth: Truth, from: number, to: number): Scores {
  const inSlice = r.anomalies.filter((a) => a.ts >= from && a.ts < to);
  const hitLines = new Set<number>();
  const byDetector: Record<string, { tp: number; fp: number }> = {};
  let tp = 0;
  for (const a of inSlice) {
    const h = truth.hits(a, from, to);
    // Detector + kind (first explanation feature); the model's features are templates: one `model/window` row.
    const kind = a.detector === 'model' ? 'window' : (a.explanation[0]?.feature ?? '?');
    const d = (byDetector[`${a.detector}/${kind}`] ??= { tp: 0, fp: 0 });
    if (h.length > 0) {
      tp++;
      d.tp++;
    } else d.fp++;
    for (const t of h) hitLines.add(t);
  }
  const alerts = truth.all.filter((t) => t >= from && t < to);
  const windows = new Set(alerts.map((t) => Math.floor(t / HOUR)));
  const found = new Set([...hitLines].map((t) => Math.floor(t / HOUR)));
  // Line recall counts alert lines (several lines may share a timestamp: count by multiplicity).
  const lineHits = alerts.filter((t) => hitLines.has(t)).length;
  return {
    anomalies: inSlice.length,
    tp,
    fp: inSlice.length - tp,
    precision: inSlice.length ? tp / inSlice.length : 0,
    windowRecall: windows.size ? [...windows].filter((w) => found.has(w)).length / windows.size : undefined,
    lineRecall: alerts.length ? lineHits / alerts.length : undefined,
    byDetector,
  };
}

/** Lines of `file` that also occur verbatim (label included) in BGL_20k. */
function sharedWithBgl20k(file: string): number {
  const big = new Set(readFileSync(bgl20k, 'utf8').split(/\r?\n/));
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0 && big.has(l)).length;
}

async function runDataset(ds: Dataset) {
  const lines = readLines(ds.file);
  const base = await replay(ds, lines, undefined);
  const truth = new Truth(ds.name, base.events, new Map(lines.map((l) => [l.line, l.alert])));
  const first = base.events.reduce((m, e) => Math.min(m, e.ts), Infinity);
  const last = base.events.reduce((m, e) => Math.max(m, e.ts), -Infinity);
  const at = (f: number) => (f >= 1 ? Infinity : first + f * (last - first));
  // One replay with feedback per feedback share.
  const runs = new Map<number, RunResult>();
  for (const fb of new Set(ds.rows.map((r) => r.fb))) {
    const run = await replay(ds, lines, { truth, cut: at(fb) });
    const same = run.events.length === base.events.length && run.events.every((e, i) => e.templateId === base.events[i].templateId);
    if (!same) throw new Error(`${ds.name}: the two replays mined different templates; the comparison would be meaningless.`);
    runs.set(fb, run);
  }
  const rows = ds.rows.map((r) => {
    const withFb = runs.get(r.fb)!;
    const a = score(base, truth, at(r.from), at(r.to));
    const b = score(withFb, truth, at(r.from), at(r.to));
    const alerts = truth.all.filter((t) => t >= at(r.from) && t < at(r.to));
    const recallChange = a.windowRecall === undefined || b.windowRecall === undefined ? undefined : 100 * (b.windowRecall - a.windowRecall);
    const fpReduction = a.fp ? 1 - b.fp / a.fp : 0;
    // Source silences of a sampled log (Loghub's files are samples: hours without a line are normal there).
    const silence = (s: Scores) => s.byDetector['rate/source_silence']?.fp ?? 0;
    const fpExclSilence = { without: a.fp - silence(a), with: b.fp - silence(b) };
    return {
      dataset: ds.name,
      split: `feedback 0–${r.fb * 100}%, scored ${r.from * 100}–${r.to * 100}%`,
      heldOut: r.heldOut,
      note: r.note,
      feedbackUntil: new Date(at(r.fb)).toISOString(),
      feedbackPeriod: { lines: base.events.filter((e) => e.ts < at(r.fb)).length, alertLines: truth.all.filter((t) => t < at(r.fb)).length, given: withFb.feedback },
      suppressed: withFb.suppressed,
      suppressedByKind: withFb.suppressedByKind,
      scored: { from: new Date(at(r.from)).toISOString(), lines: base.events.filter((e) => e.ts >= at(r.from) && e.ts < at(r.to)).length, alertLines: alerts.length, alertWindows1h: new Set(alerts.map((t) => Math.floor(t / HOUR))).size },
      without: a,
      with: b,
      fpReduction,
      fpExclSilence,
      fpReductionExclSilence: fpExclSilence.without ? 1 - fpExclSilence.with / fpExclSilence.without : 0,
      windowRecallChangePoints: recallChange,
      met: fpReduction >= 0.7 && recallChange !== undefined && recallChange >= -2,
    };
  }).map((r) => ({ ...r, target: verdict(r) }));
  return {
    dataset: ds.name,
    file: ds.file,
    layout: ds.layout,
    detectors: base.detectors,
    lines: base.events.length,
    alertLines: truth.all.length,
    span: [new Date(first).toISOString(), new Date(last).toISOString()],
    sharedLinesWithBgl20k: ds.name === 'BGL_2k' ? sharedWithBgl20k(ds.file) : undefined,
    rows,
  };
}

const t0 = performance.now();
const results = [];
for (const ds of loadDatasets()) results.push(await runDataset(ds));
const seconds = (performance.now() - t0) / 1000;
const result = {
  date: new Date().toISOString(),
  node: process.version,
  feedbackShare: share,
  feedbackConfig,
  model: !withModel ? 'off (--no-model)' : validate({}, serveConfigSchema).detectors.model.enabled ? "on (train_in: 'inline')" : "off (serve's default)",
  target: '≥ 70% fewer false positives, window recall ≤ 2 points lower',
  datasets: results,
  seconds,
};

function verdict(r: { met: boolean; fpReduction: number; windowRecallChangePoints: number | undefined }): string {
  if (r.met) return 'met';
  if (r.windowRecallChangePoints === undefined) return r.fpReduction >= 0.7 ? 'FP part met, recall not measurable (no alert line)' : 'NOT met (recall not measurable: no alert line)';
  return 'NOT met';
}
const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${(100 * x).toFixed(1)}%`);
if (args.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  for (const d of results) {
    console.log(`${d.dataset}: ${d.lines} lines (${d.alertLines} alert lines), ${d.span[0]} … ${d.span[1]}; detectors ${d.detectors.join(', ')}`);
    if (d.sharedLinesWithBgl20k !== undefined) console.log(`  lines also in BGL_20k (verbatim): ${d.sharedLinesWithBgl20k} of ${d.lines}`);
    for (const r of d.rows) {
      console.log(`  ${r.split} (${r.heldOut ? 'HELD-OUT' : 'not held-out'}; ${r.note}): scored ${r.scored.lines} lines, ${r.scored.alertLines} alert lines in ${r.scored.alertWindows1h} one-hour windows`);
      console.log(`    feedback until ${r.feedbackUntil}: ${r.feedbackPeriod.lines} lines, ${r.feedbackPeriod.alertLines} alert lines; answers ${r.feedbackPeriod.given.real} real, ${r.feedbackPeriod.given.noise} noise; suppressed over the run ${r.suppressed} (${r.suppressedByKind} by the kind rule)`);
      for (const [name, s] of [['without', r.without], ['with', r.with]] as const) {
        console.log(`    ${name.padEnd(8)} anomalies ${s.anomalies}  TP ${s.tp}  FP ${s.fp}  precision ${pct(s.precision)}  window recall ${pct(s.windowRecall)}  line recall ${pct(s.lineRecall)}`);
      }
      const keys = Object.keys({ ...r.without.byDetector, ...r.with.byDetector }).sort();
      console.log(`    per detector/kind TP/FP without → with: ${keys.map((k) => `${k} ${r.without.byDetector[k]?.tp ?? 0}/${r.without.byDetector[k]?.fp ?? 0} → ${r.with.byDetector[k]?.tp ?? 0}/${r.with.byDetector[k]?.fp ?? 0}`).join(', ')}`);
    }
  }
  console.log('');
  const change = (x: number) => `${x > 0 ? '−' : x < 0 ? '+' : '±'}${Math.abs(100 * x).toFixed(1)}%`;
  console.log('| dataset | split | held-out | FP without → with | FP change | FP excl. source silence | window recall without → with |');
  console.log('|---|---|---|---:|---:|---:|---:|');
  for (const d of results) {
    for (const r of d.rows) {
      const ex = r.fpExclSilence;
      console.log(`| ${r.dataset} | ${r.split} | ${r.heldOut ? 'yes' : 'no'} | ${r.without.fp} → ${r.with.fp} | ${change(r.fpReduction)} | ${ex.without} → ${ex.with} (${change(r.fpReductionExclSilence)}) | ${pct(r.without.windowRecall)} → ${pct(r.with.windowRecall)} |`);
    }
  }
  console.log('');
  for (const d of results) for (const r of d.rows) console.log(`${r.dataset} ${r.split}: target (≥ 70% fewer FPs, window recall ≤ 2 points lower) ${verdict(r)}.`);
  console.log(`model detector ${result.model}; feedback config ${JSON.stringify(feedbackConfig)}; ${seconds.toFixed(1)} s, node ${process.version}.`);
}
