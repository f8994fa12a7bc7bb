/**
 * @module detectors/model/stream
 * The streaming `model` detector of `anomalog serve` (DESIGN §2): per source, events are counted
 * into time windows (or sessions); every closed window is scored by the source's current model
 * and kept in a recency-biased reservoir. Once `min_windows` are collected a model is trained on
 * the reservoir, then retrained every `retrain_every_seconds` — in a worker thread, so `observe`
 * never waits — and swapped in when ready: windows scored after the swap use the new version.
 * Each trained model is saved in the store's model registry (kind `model-detector:<source>`, the
 * artifact carries its vocabulary), so a restart scores with the active model at once.
 *
 * Flagged windows are not learned (they stay out of the reservoir) unless feedback calls
 * `learnWindow(anomalyId)`, or the source stays flagged for `relearn_after_windows` windows in a
 * row (a new normal).
 *
 * This file scores windows and keeps the per-source state; the sources' own models (registry load,
 * background training, install) live in `own-models.ts`, the published models of the models topic
 * in `held-models.ts`: each is a lifecycle of its own that touches a source only through its state.
 *
 * @example
 * const d = new StreamModelDetector(modelDetectorConfigSchema.parse({ window_seconds: 60 }), { registry: store });
 * const found = [...d.observe(events), ...d.tick(clock.now())];
 */
import type { Logger } from '../../core/component.js';
import { silentLogger } from '../../core/component.js';
import type { LearnAsNormal, StreamDetector } from '../../core/detector.js';
import { type Anomaly, type Contribution, type LogEvent, SEVERITIES } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import type { ModelRegistry } from '../../core/ports.js';
import { AlarmBudget, expectShape, snapshotData, sourceOf } from '../shared/common.js';
import type { ModelDetectorConfig } from './config.js';
import { toAnomaly } from './describe.js';
import { type FlaggedWindow, FlaggedMemory } from './flagged.js';
import { Reservoir } from './reservoir.js';
import type { TrainedModel } from './training.js';
import { InlineTrainer, type Trainer, WorkerTrainer } from './trainer.js';
import { type SourceModelState, sourceFromJSON, sourceToJSON } from './state.js';
import type { ModelScope, PublishedRef, ReceivedModel } from './published.js';
import { HeldModels } from './held-models.js';
import { OwnModels } from './own-models.js';
import { type Closed, type ClosedCounts, SourceWindows, type WindowSpec } from '../../features/count-windows.js';

export type { SourceModelState } from './state.js';
export { registryKind } from './own-models.js';

export const MODEL_SNAPSHOT_VERSION = 1;
const MAX_SOURCE_CHARS = 200;

/** What the detector needs from the store: the model registry (`ctx.models`). */
export type { ModelRegistry } from '../../core/ports.js';

export interface StreamModelDeps {
  registry?: ModelRegistry;
  logger?: Logger;
  /** Defaults to a worker or inline trainer per `train_in`. */
  trainer?: Trainer;
}


/** Windows over which a source's typical window size is measured (half-life). */
const DENSITY_HALF_LIFE = 100;
const DENSITY_DECAY = Math.pow(2, -1 / DENSITY_HALF_LIFE);

export interface ModelDetectorStats {
  sources: number;
  windows: number;
  flagged: number;
  trainings: number;
  trainingFailures: number;
  lastTrainingMs: number;
  evictedSources: number;
  /** Published models installed (`installPublished`) and sources swapped to one. */
  published: { installed: number; swaps: number; templatesKnown: number; templatesUnknown: number };
  models: { source: string; version: number; windows: number; kind: string; published?: PublishedRef }[];
}

/** The windows the detector counts under `config` (a published model must have been trained on the same). */
export function windowSpecOf(config: ModelDetectorConfig): WindowSpec {
  const s = config.session;
  return s
    ? { mode: 'session', key_regex: s.key_regex, key_field: s.key_field, inactivity_ms: s.inactivity_seconds * 1000, max_duration_ms: s.max_duration_seconds * 1000, max_open: s.max_open }
    : { mode: 'time', size_ms: config.window_seconds * 1000 };
}

export class StreamModelDetector implements StreamDetector {
  readonly kind = 'model';
  private sources = new Map<string, SourceModelState>();
  private memory = new FlaggedMemory();
  private readonly spec: WindowSpec;
  private readonly logger: Logger;
  private readonly counters = { windows: 0, flagged: 0, trainings: 0, trainingFailures: 0, evictedSources: 0 };
  /** The sources' own models: registry, background training, install (own-models.ts). */
  private readonly own: OwnModels;
  /** Published models by scope (held-models.ts); not in the snapshot. */
  private readonly held: HeldModels;

  constructor(
    private readonly config: ModelDetectorConfig,
    private readonly deps: StreamModelDeps = {},
  ) {
    this.spec = windowSpecOf(config);
    const trainer: Trainer = deps.trainer ?? (config.train_in === 'inline' ? new InlineTrainer() : new WorkerTrainer(config.train_timeout_seconds * 1000));
    this.logger = deps.logger ?? silentLogger;
    // `this.sources` is replaced by `restore`: a training that returns must look at the map of then.
    this.own = new OwnModels(config, trainer, deps.registry, this.logger, this.counters, (st) => this.sources.get(st.name) === st);
    this.held = new HeldModels(this.spec, this.logger);
  }

  /** Per event: a source lookup per run of same-source events, then plain counters. */
  observe(events: readonly LogEvent[]): Anomaly[] {
    const closed: Closed[] = [];
    const out: Anomaly[] = [];
    let i = 0;
    while (i < events.length) {
      const e = events[i];
      if (!e || typeof e !== 'object') {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < events.length && events[j] && events[j].source === e.source) j++;
      const st = this.state(sourceOf(e));
      st.windows.add(events, i, j, closed);
      for (const c of closed) this.closed(st, c, out);
      closed.length = 0;
      i = j;
    }
    return out;
  }

  /** Closes windows ended by time, then starts (re)trainings that are due. */
  tick(now: number): Anomaly[] {
    const out: Anomaly[] = [];
    const closed: Closed[] = [];
    for (const st of this.sources.values()) {
      st.windows.tick(now, closed);
      for (const c of closed) this.closed(st, c, out);
      closed.length = 0;
    }
    // One training at a time, started from a tick: the worker trains one job after the other anyway,
    // and copying a reservoir out costs the pipeline thread a few ms — once per tick at most.
    if (Number.isFinite(now) && !this.own.inFlight(this.sources.values())) for (const st of this.sources.values()) if (this.own.maybeTrain(st, now)) break;
    return out;
  }

  /** Feedback: the flagged window of this anomaly is normal; it joins its source's reservoir. */
  learnWindow(anomalyId: string): boolean {
    const f = this.memory.take(anomalyId);
    if (f) this.learn(f);
    return f !== undefined;
  }

  /**
   * "Learn as normal" feedback (core/detector.ts): the newest flagged window of the source whose
   * explanation starts with that template (or feature) joins the reservoir, and the source retrains
   * at the next tick, so windows like it stop being flagged. True again when re-applied at start.
   */
  learnAsNormal(what: LearnAsNormal): boolean {
    // A source scored by a published model trains none of its own: the lesson cannot be learned here
    // (the policy then mutes such windows instead); publishing a model trained with it teaches it.
    if (this.sources.get(what.source)?.published?.model) return false;
    const f = this.memory.takeMatching(what);
    if (typeof f === 'boolean') return f;
    this.learn(f);
    return true;
  }

  private learn(f: FlaggedWindow): void {
    const st = this.sources.get(f.source);
    if (!st) return;
    st.reservoir.add(f.counts);
    st.nextTrainAt = -Infinity;
  }

  /** Stops the training worker (the service's abort signal calls it). */
  close(): void {
    this.own.close();
  }

  stats(): ModelDetectorStats {
    const models: ModelDetectorStats['models'] = [];
    let known = 0;
    let unknown = 0;
    for (const st of this.sources.values()) {
      const p = st.published;
      if (p?.model) models.push({ source: st.name, version: p.model.version, windows: p.model.artifact.training.windows, kind: p.model.kind, published: p.ref });
      else if (st.model) models.push({ source: st.name, version: st.model.version, windows: st.model.artifact.training.windows, kind: st.model.kind });
      if (p?.remap) {
        known += p.remap.counts.known;
        unknown += p.remap.counts.unknown;
      }
    }
    return { sources: this.sources.size, ...this.counters, lastTrainingMs: this.own.lastTrainingMs, published: { ...this.held.counts, templatesKnown: known, templatesUnknown: unknown }, models };
  }

  /** The model scoring a source now: a published one in force, else its own (tests, metrics). */
  modelOf(source: string): TrainedModel | null {
    const st = this.sources.get(source);
    return st?.published?.model ?? st?.model ?? null;
  }

  /**
   * Hot swap of a published model (the models topic, `topology/kafka/models.ts`): from now on it
   * scores the sources of its scope — its source, or (`default`) every source without a model
   * published for it — including sources first seen later; they train none of their own meanwhile.
   * Latest wins: a model replaces the one held for its scope whatever their versions (a rollback is
   * publishing the old artifact again). Throws `ANOMALOG_ERR_MODEL_REFUSED` when it was trained on
   * other windows than this detector counts. Returns the number of sources swapped.
   */
  installPublished(received: ReceivedModel): number {
    return this.held.install(received, this.sources.values());
  }

  /**
   * A scope's published model was withdrawn (a tombstone on the models topic): its sources go back
   * to the `default` model if one is held, else to their own model and training (due at the next
   * tick). Returns the number of sources that changed model.
   */
  removePublished(scope: ModelScope): number {
    return this.held.remove(scope, this.sources.values());
  }

  private state(raw: string): SourceModelState {
    const name = raw.length > MAX_SOURCE_CHARS ? raw.slice(0, MAX_SOURCE_CHARS) : raw;
    let st = this.sources.get(name);
    if (st !== undefined) {
      this.sources.delete(name);
      this.sources.set(name, st);
      return st;
    }
    st = this.newState(name);
    this.own.loadActive(st);
    this.held.apply(st);
    this.sources.set(name, st);
    if (this.sources.size > this.config.max_sources) {
      this.sources.delete(this.sources.keys().next().value as string);
      this.counters.evictedSources++;
    }
    return st;
  }

  private newState(name: string, rng = this.config.seed): SourceModelState {
    return {
      name,
      windows: new SourceWindows(this.spec, this.config),
      reservoir: new Reservoir<ClosedCounts>(this.config.reservoir_size, rng),
      model: null,
      version: 0,
      nextTrainAt: -Infinity,
      training: false,
      flaggedRun: 0,
      episodeUntil: Number.NEGATIVE_INFINITY,
      episodeRank: 0,
      budget: new AlarmBudget(this.config.max_alerts_per_hour),
      texts: new Map(),
      density: Number.NaN,
      published: null,
    };
  }

  private closed(st: SourceModelState, c: Closed, out: Anomaly[]): void {
    this.counters.windows++;
    for (const [id, t] of c.texts) {
      st.texts.delete(id);
      st.texts.set(id, t);
    }
    // Recently seen first out; vocabulary templates (present in most windows) stay fresh.
    while (st.texts.size > 2 * this.config.max_vocabulary + 100) st.texts.delete(st.texts.keys().next().value as number);
    const full = c.counts.events >= this.config.min_window_events ? 1 : 0;
    st.density = st.density === st.density ? st.density * DENSITY_DECAY + full * (1 - DENSITY_DECAY) : full;
    // A restored source's record of a published model nobody handed back (withdrawn meanwhile): it is
    // scored by its own model now, and its snapshot must not say otherwise.
    if (st.published !== null && st.published.model === null) st.published = null;
    const pinned = st.published?.model ? st.published : null;
    const model = pinned ? pinned.model : st.model;
    if (model === null) {
      st.reservoir.add(c.counts);
      return;
    }
    // A published model reads its own template ids (remap.ts); the reservoir keeps the local ones.
    const remapped = pinned?.remap ? pinned.remap.translate(c) : null;
    const scored = remapped ? remapped.closed : c;
    const result = model.score(scored.counts, this.config.range_guard_sigmas);
    if (!result.anomalous) {
      st.flaggedRun = 0;
      st.reservoir.add(c.counts);
      return;
    }
    this.counters.flagged++;
    // A source flagged window after window has a new normal: learn it, and retrain at the next tick
    // (then again every `relearn_after_windows` flagged windows while it lasts).
    if (++st.flaggedRun >= this.config.relearn_after_windows) {
      st.reservoir.add(c.counts);
      if (st.flaggedRun % this.config.relearn_after_windows === 0) st.nextTrainAt = -Infinity;
    }
    const guarded = this.config.range_guard_sigmas > 0 && result.beyond > this.config.range_guard_sigmas;
    const explanation = model.explain(scored.counts, scored.texts, 5, guarded ? result.column : -1);
    if (remapped) this.localIds(st, explanation, remapped.back);
    const a = toAnomaly({
      source: st.name,
      closed: c,
      session: this.spec.mode === 'session',
      result,
      typical: model.typicalScore,
      guard: this.config.range_guard_sigmas,
      modelKind: model.kind,
      modelVersion: model.version,
      published: pinned?.ref,
      explanation,
    });
    const first = explanation[0];
    this.memory.remember(a.id, { source: st.name, counts: c.counts, templateId: first?.templateId, feature: first?.feature });
    // A sparse or sampled source (most of its windows hold a line or two) has no window shape to
    // learn: a flagged window is a few odd lines, which novelty and rate judge on their own.
    if (st.density < 0.5) return;
    // One problem, one alarm: flagged windows close to the last one are its episode; a budget per source.
    const rank = SEVERITIES.indexOf(a.severity);
    const open = a.ts <= st.episodeUntil;
    st.episodeUntil = a.ts + this.config.episode_seconds * 1000;
    if (open && rank <= st.episodeRank) return;
    if (!open) st.episodeRank = 0;
    if (!st.budget.take(a.ts, rank >= 3)) return;
    st.episodeRank = Math.max(st.episodeRank, rank);
    out.push(a);
  }

  /**
   * Explanations of a published model name its template ids: back to the source's own (feedback
   * and the UI use them) — from the window, else by text from the source's recent templates, else none.
   */
  private localIds(st: SourceModelState, explanation: Contribution[], back: ReadonlyMap<number, number>): void {
    for (const e of explanation) {
      if (e.templateId === undefined) continue;
      let local = back.get(e.templateId);
      if (local === undefined && e.template !== undefined) for (const [id, t] of st.texts) if (t === e.template) local = id;
      if (local === undefined || local <= -1_000_000) delete e.templateId;
      else e.templateId = local;
    }
  }

  snapshot(): Snapshot {
    const keep = this.config.snapshot_windows;
    // Without a registry the model itself travels in the snapshot.
    const sources = [...this.sources.values()].map((st) => sourceToJSON(st, keep, !this.deps.registry));
    return { kind: 'model', version: MODEL_SNAPSHOT_VERSION, data: { sources, ...this.memory.toJSON(), counters: { ...this.counters } } };
  }

  restore(snap: Snapshot): void {
    const d = snapshotData(snap, 'model', MODEL_SNAPSHOT_VERSION);
    expectShape(Array.isArray(d.sources), 'model', 'source list');
    const sources = new Map<string, SourceModelState>();
    for (const raw of d.sources as Record<string, unknown>[]) {
      expectShape(Boolean(raw) && typeof raw.name === 'string' && Array.isArray(raw.reservoir), 'model', 'source entry');
      const st = this.newState(raw.name as string);
      sourceFromJSON(raw, st, this.config);
      this.own.loadActive(st);
      sources.set(st.name, st);
    }
    this.sources = sources;
    for (const st of sources.values()) this.held.apply(st);
    this.memory = FlaggedMemory.fromJSON(d.flagged, d.learned);
    const c = d.counters as Partial<typeof this.counters> | undefined;
    if (c && typeof c === 'object') for (const k of Object.keys(this.counters) as (keyof typeof this.counters)[]) if (typeof c[k] === 'number') this.counters[k] = c[k];
  }
}
