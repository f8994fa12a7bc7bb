/**
 * @module topology/replay-labelled
 * One replay of labelled lines (labels already stripped) through the pipeline `serve` runs
 * (topology/replay.ts), recording what was stored and what each line was mined to — optionally with
 * a simulated operator who answers each stored anomaly through the feedback service (the code path
 * of the API's feedback route) once `delayMs` of event time has passed since it. `eval stream
 * --feedback simulated` and `bench:feedback` both replay through here.
 * @example
 * const run = await replayLabelled({ lines, operator: { delayMs: 3_600_000, verdict: (a) => (isInEpisode(a) ? 'real' : 'noise') } });
 */
import { validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { ManualClock } from '../core/clock.js';
import type { Anomaly, LogEvent } from '../core/event.js';
import type { LabelledRun, MinedLine, Operator } from '../eval/stream/port.js';
import type { MinedLines } from '../eval/stream/score.js';
import { openStore } from '../store/index.js';
import { createReplay, REPLAY_TICK_LINES, type ReplayLine } from './replay.js';

export type { LabelledRun, MinedLine, Operator } from '../eval/stream/port.js';

/** A replay line that may carry its own event time (cuts the steps of an operator's replay only). */
export type TimedLine = ReplayLine & { ts?: number };

export interface ReplayLabelledOptions {
  lines: readonly TimedLine[];
  /** Serve configuration (default: zero config). */
  config?: ServeConfig;
  /** Record format for every source (default: the configuration's, else auto-detect). */
  format?: string;
  operator?: Operator;
  /** Lines per batch, each followed by a tick at event time (default: `anomalog replay`'s). */
  chunkLines?: number;
  /** Called after every batch with the lines done so far (progress). */
  onProgress?: (done: number) => void;
}

/** Index of mined lines by source and line number. */
class MinedIndex implements MinedLines {
  private readonly bySource = new Map<string, Map<number, MinedLine>>();
  add(e: LogEvent): MinedLine {
    const m: MinedLine = { source: e.source, line: e.line ?? 0, ts: e.ts, templateId: e.templateId };
    let s = this.bySource.get(e.source);
    if (!s) this.bySource.set(e.source, (s = new Map()));
    s.set(m.line, m);
    return m;
  }
  get(source: string, line: number): MinedLine | undefined {
    return this.bySource.get(source)?.get(line);
  }
}

/** A step with an operator spans at most this much of the lines' own time: a quarter of the answer delay, at least a minute. */
export function stepSpanMs(delayMs: number): number {
  return Math.max(60_000, delayMs / 4);
}

/**
 * Lines of the next step from `i`: `chunk`, or — with a `spanMs` and lines that carry their own time
 * (`ts`, as the labelled file states it; the pipeline never sees it) — fewer, ending before the first
 * line more than `spanMs` away from the step's first, or later than `dueAt` (the next operator
 * answer's time: it is given before that line is read, as a person answering at their time would).
 * On a sparse log 500 lines can be days, and an operator's answers given only after them would come
 * days after the delay, not at it.
 */
export function stepLines(lines: readonly TimedLine[], i: number, chunk: number, spanMs?: number, dueAt = Number.POSITIVE_INFINITY): number {
  const end = Math.min(lines.length, i + chunk);
  const t0 = lines[i]?.ts;
  if (spanMs === undefined || t0 === undefined) return end - i;
  let j = i + 1;
  while (j < end) {
    const t = lines[j].ts;
    if (t !== undefined && (Math.abs(t - t0) > spanMs || t > dueAt)) break;
    j++;
  }
  return j - i;
}

export async function replayLabelled(o: ReplayLabelledOptions): Promise<LabelledRun> {
  const started = performance.now();
  const config = o.config ?? validate({}, serveConfigSchema);
  const clock = new ManualClock(0);
  const store = openStore(':memory:', { clock });
  const anomalies: Anomaly[] = [];
  const events: MinedLine[] = [];
  const mined = new MinedIndex();
  const answers = { real: 0, noise: 0 };
  /** Stored anomalies waiting for the operator, oldest ts first (they are stored roughly in ts order). */
  let waiting: Anomaly[] = [];
  /** Gives the answers due by the event time so far, or by `before` (the time of the next line to read). */
  const answerDue = (before?: number) => {
    const op = o.operator;
    if (!op || waiting.length === 0) return;
    const now = Math.max(clock.now(), replay.eventTime, before ?? Number.NEGATIVE_INFINITY);
    const later: Anomaly[] = [];
    for (const a of waiting) {
      if (a.ts + op.delayMs > now) {
        later.push(a);
        continue;
      }
      const v = op.verdict(a, mined);
      if (v === undefined) continue;
      answers[v]++;
      op.onAnswer?.(a, v, now);
      replay.feedback.service.give(a.id, { verdict: v, user: 'eval' });
    }
    waiting = later;
  };
  /** When the next answer falls due (the earliest waiting anomaly's ts + delay). */
  const nextDue = (): number => {
    let due = Number.POSITIVE_INFINITY;
    if (o.operator) for (const a of waiting) due = Math.min(due, a.ts + o.operator.delayMs);
    return due;
  };
  const replay = createReplay({
    config,
    store,
    clock,
    format: o.format,
    onEvents: (batch) => {
      for (const e of batch) events.push(mined.add(e));
    },
    onAnomalies: (stored) => {
      for (const a of stored) anomalies.push(a);
      if (o.operator) {
        waiting.push(...stored);
        answerDue();
      }
    },
  });
  const chunk = o.chunkLines ?? REPLAY_TICK_LINES;
  try {
    for (let i = 0; i < o.lines.length; ) {
      // Ticks every `chunk` lines, with or without an operator; an operator's answers also between
      // smaller batches inside a tick's lines (`stepLines`).
      // Answers due before this line's time are given before it is read.
      answerDue(o.lines[i].ts);
      const n = stepLines(o.lines, i, chunk - (i % chunk), o.operator ? stepSpanMs(o.operator.delayMs) : undefined, nextDue());
      await replay.process(o.lines.slice(i, i + n));
      i += n;
      if (i % chunk === 0 || i === o.lines.length) replay.tick();
      answerDue();
      o.onProgress?.(i);
    }
    replay.finish();
  } finally {
    store.close();
  }
  const stats = replay.feedback.policy.stats;
  return {
    anomalies,
    events,
    mined,
    detectors: replay.detectors.map((d) => d.kind),
    answers,
    suppressed: stats.suppressed,
    suppressedByKind: stats.suppressedByKind,
    held: stats.held,
    seconds: (performance.now() - started) / 1000,
  };
}
