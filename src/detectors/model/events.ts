/**
 * @module detectors/model/events
 * The bridge from parsed events to the model detector: batches of LogEvent → closed sessions or
 * time windows → training or detection. This is what `train FILE…` / `detect FILE…` run, and what
 * a live pipeline can call batch by batch.
 *
 * @example
 * const w: Windowing = { mode: 'session', key_regex: 'blk_-?\\d+' };
 * const det = await trainOnEvents(batches, w, { model: 'if' });
 * for await (const found of detectEvents(det, moreBatches, w)) console.log(found);
 */
import { AnomalogError } from '../../core/errors.js';
import type { LogEvent } from '../../core/event.js';
import { SessionWindower, type ClosedWindow } from '../../features/session-window.js';
import { TimeWindower } from '../../features/time-window.js';
import { SequenceDetector, type Detection, type TrainOptions } from './detector.js';

export type Windowing =
  | { mode: 'session'; key_regex?: string; key_field?: string; inactivity_ms?: number; max_duration_ms?: number; max_sessions?: number }
  | { mode: 'time'; size_ms: number; step_ms?: number; max_sources?: number };

export interface Windower {
  add(events: readonly LogEvent[]): ClosedWindow[];
  tick(now: number): ClosedWindow[];
  flush(): ClosedWindow[];
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `30s`, `5m`, `1h`, `2d` (or plain milliseconds) into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m || Number(m[1]) <= 0) {
    throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `Duration "${text}" is not like 500ms, 30s, 5m, 1h or 1d.`);
  }
  return Number(m[1]) * UNITS[m[2] ?? 'ms'];
}

/** `--window 1h` (tumbling) or `--window 10m,1m` (size, step). */
export function parseWindowSpec(text: string): Windowing {
  const [size, step] = text.split(',');
  const w: Windowing = { mode: 'time', size_ms: parseDuration(size) };
  if (step !== undefined) w.step_ms = parseDuration(step);
  return w;
}

export function makeWindower(w: Windowing): Windower {
  if (w.mode === 'time') return new TimeWindower({ size_ms: w.size_ms, step_ms: w.step_ms, max_sources: w.max_sources });
  const opts: ConstructorParameters<typeof SessionWindower>[0] = { key_regex: w.key_regex, key_field: w.key_field };
  if (w.inactivity_ms !== undefined) opts.inactivity_ms = w.inactivity_ms;
  if (w.max_duration_ms !== undefined) opts.max_duration_ms = w.max_duration_ms;
  if (w.max_sessions !== undefined) opts.max_sessions = w.max_sessions;
  return new SessionWindower(opts);
}

type Batches = AsyncIterable<LogEvent[]> | Iterable<LogEvent[]>;

/** All closed windows/sessions of a finite stream of event batches (end of input closes the rest). */
export async function collectWindows(batches: Batches, w: Windowing): Promise<ClosedWindow[]> {
  const win = makeWindower(w);
  const out: ClosedWindow[] = [];
  for await (const b of batches) for (const c of win.add(b)) out.push(c);
  for (const c of win.flush()) out.push(c);
  return out;
}

/** Trains a detector on the windows/sessions of unlabeled events; the windowing is stored with it. */
export async function trainOnEvents(batches: Batches, w: Windowing, opts: TrainOptions): Promise<SequenceDetector> {
  const windows = await collectWindows(batches, w);
  if (windows.length === 0) {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'No session or window closed in the training input.', {
      hint: w.mode === 'session' ? 'Check that --session-key matches the lines.' : 'Check the input has timestamps.',
    });
  }
  return SequenceDetector.train(windows, { ...opts, windowing: { ...w } });
}

/** Scores windows/sessions as they close, one array of detections per input batch (plus the end). */
export async function* detectEvents(det: SequenceDetector, batches: Batches, w: Windowing, opts: { explainAll?: boolean } = {}): AsyncGenerator<Detection[]> {
  const win = makeWindower(w);
  for await (const b of batches) {
    const closed = win.add(b);
    if (closed.length) yield det.detect(closed, opts);
  }
  const rest = win.flush();
  if (rest.length) yield det.detect(rest, opts);
}
