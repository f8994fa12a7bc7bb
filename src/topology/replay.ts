/**
 * @module topology/replay
 * The pipeline `anomalog serve` runs, built for a replay of historical lines by their own time: the
 * same detectors from the registry with the same context (checkpoints, model registry), the same
 * parser options per source (`parserOptionsFor`), the same feedback policy hook — on an event-time
 * clock (`ManualClock`) that follows the lines instead of the wall clock. `anomalog replay`,
 * `anomalog eval stream` and `bench:feedback` all replay through here, so there is one place to swap
 * when the engine moves behind the `EngineHost` contract.
 *
 * Two departures from `serve`, both for a replay that gives the same answer twice: the model
 * detector trains inline (inside `tick`, at event time) rather than in a worker whose timing depends
 * on the machine; and the engine runs on this thread (the worker thread runs the same engine code,
 * but its clock is the wall clock).
 * @example
 * const clock = new ManualClock(0);
 * const store = openStore(':memory:', { clock });
 * const r = createReplay({ config: validate({}, serveConfigSchema), store, clock, onAnomalies: print });
 * for (const chunk of chunks) await r.step(chunk.map((l) => ({ source: 'file:app.log', text: l.text, line: l.line })));
 * r.finish();
 */
import type { ComponentContext } from '../core/component.js';
import { silentLogger } from '../core/component.js';
import type { ManualClock } from '../core/clock.js';
import type { StreamDetector } from '../core/detector.js';
import type { Anomaly, LogEvent } from '../core/event.js';
import type { RawRecord, Source } from '../core/source.js';
import type { ServeConfig } from '../config/schema.js';
import { createFeedback, type FeedbackPolicy, type FeedbackService } from '../feedback/index.js';
import type { Store } from '../store/index.js';
import { createSteppedHost, type SteppedEngineHost } from './host.js';

/** Lines between two ticks when replaying as fast as possible (the service ticks every second). */
export const REPLAY_TICK_LINES = 500;
/** How far the clock moves past the last event when the replay ends (closes open windows, sees silence). */
export const REPLAY_END_MS = 3_600_000;

export interface ReplayOptions {
  /** A validated serve configuration (zero config: `validate({}, serveConfigSchema)`). */
  config: ServeConfig;
  store: Store;
  clock: ManualClock;
  /** Record format for every source (default: `config.parser.format`, else auto-detect per source). */
  format?: string;
  /** Called with every batch of newly stored anomalies. */
  onAnomalies?: (anomalies: Anomaly[]) => void;
  /** Called with every batch of mined events (after the replay's own event-time bookkeeping). */
  onEvents?: (events: readonly LogEvent[]) => void;
  /** Save detector state as `serve` does (every `detectorSaveMs` of event time); default: only at the end. */
  saveState?: boolean;
  /**
   * Arrival time of lines read before the first timestamped event (epoch ms; default: the clock's
   * start). It supplies the year of year-less timestamps (syslog `Jun 14 15:16:01`): a replayed file's
   * modification time puts its lines in the year they were written, not in 1970.
   */
  referenceTime?: number;
}

/** One input line of a replay: its source id (as `serve` names it: `file:<path>`, `stdin`, …). */
export interface ReplayLine {
  source: string;
  text: string;
  line?: number;
}

export interface Replay {
  readonly engine: SteppedEngineHost;
  readonly detectors: StreamDetector[];
  /** The feedback policy and service, as `serve` wires them (the API's `POST /api/anomalies/:id/feedback`). */
  readonly feedback: { policy: FeedbackPolicy; service: FeedbackService };
  /** Latest event time seen (epoch ms; 0 before the first timestamped event). */
  readonly eventTime: number;
  /** Event time of the first timestamped event (NaN before it). */
  readonly firstEventTime: number;
  /** Processes `lines` as one batch, then moves the clock to the latest event time and ticks. */
  step(lines: readonly ReplayLine[]): Promise<void>;
  /**
   * Processes `lines` as one batch without moving the clock or ticking: a replay that must act
   * between batches (an operator's feedback) cuts a tick's lines into several batches and ticks as
   * often as a replay without it, so both see time pass at the same points.
   */
  process(lines: readonly ReplayLine[]): Promise<void>;
  /** Moves the clock to the latest event time and ticks. */
  tick(): void;
  /** Moves the clock `REPLAY_END_MS` past the last event, ticks, saves state and stops the detectors. */
  finish(): void;
}

function isSilence(a: Anomaly): boolean {
  return a.explanation.some((e) => e.feature === 'source_silence');
}

export function createReplay(o: ReplayOptions): Replay {
  const { config, store, clock } = o;
  const stop = new AbortController();
  // A backtest must give the same answer twice: models train inside `tick` at event time.
  const section = { ...config.detectors, model: { ...config.detectors.model, train_in: 'inline' as const } };
  const ctx = (id: string): ComponentContext => ({
    id,
    logger: silentLogger,
    clock,
    signal: stop.signal,
    checkpoints: store.checkpoints,
    models: store,
    busy: () => false,
  });
  let eventTime = 0;
  let firstTs = Number.NaN;
  let ended = false;
  const owner: Source = { id: 'replay', run: async () => {}, ack: () => {}, stats: () => ({ received: 0, bytes: 0, dropped: 0, errors: 0 }) };
  // The in-process host, stepped: no sources run, batches come through `process` (topology/host.ts).
  const engine = createSteppedHost(
    {
      config: { ...config, detectors: section },
      dbPath: '',
      sources: [],
      store,
      anomalies: store,
      clock,
      logger: silentLogger,
      context: ctx,
      // The input ended, the log did not go quiet: silence seen only because the clock moved past the
      // last line (see `finish`) is not a finding of the log.
      filterAnomalies: (a) => feedback.policy.apply(ended ? a.filter((x) => !isSilence(x)) : a),
      onEvents: (events) => {
        for (const e of events) {
          if (e.tsFromArrival) continue;
          if (Number.isNaN(firstTs)) firstTs = e.ts;
          if (e.ts > eventTime) eventTime = e.ts;
        }
        o.onEvents?.(events);
      },
      onAnomalies: (a) => o.onAnomalies?.(a),
    },
    { format: o.format, detectorSaveMs: o.saveState ? undefined : Number.MAX_SAFE_INTEGER },
  );
  // The host built the detectors from the registry; feedback's `learn` reaches them directly.
  const detectors = engine.learners();
  const feedback = createFeedback({ store, clock, detectors, config: config.feedback });
  feedback.service.loadPolicy();
  return {
    engine,
    detectors,
    feedback,
    get eventTime() {
      return eventTime;
    },
    get firstEventTime() {
      return firstTs;
    },
    async step(lines) {
      await this.process(lines);
      this.tick();
    },
    async process(lines) {
      if (lines.length === 0) return;
      // A line without a time of its own arrives "now" in event time (before the first timestamped
      // event, at the reference time).
      const arrivalTs = eventTime > 0 ? clock.now() : (o.referenceTime ?? clock.now());
      const records: RawRecord[] = lines.map((l) => ({ source: l.source, text: l.text, line: l.line, arrivalTs }));
      await engine.process(owner, { records });
    },
    tick() {
      clock.set(Math.max(clock.now(), eventTime));
      engine.tick();
    },
    finish() {
      ended = true;
      clock.set(Math.max(clock.now(), eventTime) + REPLAY_END_MS);
      engine.tick();
      if (o.saveState) engine.saveDetectors();
      stop.abort();
    },
  };
}
