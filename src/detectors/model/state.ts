/**
 * @module detectors/model/state
 * One source's state in the streaming `model` detector (its count windows, training reservoir,
 * current model, training schedule, episode and alarm budget) and its snapshot form: plain JSON,
 * bounded (`snapshot_windows` open windows and reservoir items), non-finite numbers as strings.
 * The detector (`stream.ts`) versions the snapshot as a whole (`MODEL_SNAPSHOT_VERSION`).
 */
import type { ClosedCounts } from '../../features/count-windows.js';
import type { SourceWindows } from '../../features/count-windows.js';
import { AlarmBudget } from '../shared/common.js';
import type { ModelDetectorConfig } from './config.js';
import { isCounts } from './flagged.js';
import { Reservoir } from './reservoir.js';
import type { PublishedRef } from './published.js';
import type { TemplateRemap } from './remap.js';
import { TrainedModel } from './training.js';

export interface SourceModelState {
  name: string;
  windows: SourceWindows;
  reservoir: Reservoir<ClosedCounts>;
  model: TrainedModel | null;
  /** Version of the latest model trained or loaded (0 = none). */
  version: number;
  nextTrainAt: number;
  training: boolean;
  /** Consecutive flagged windows. */
  flaggedRun: number;
  /** Open episode: event time until which flagged windows belong to it, and the most severe rank reported in it. */
  episodeUntil: number;
  episodeRank: number;
  budget: AlarmBudget;
  /** Template texts seen lately (bounded), written into the artifact of the next model. */
  texts: Map<number, string>;
  /** Share of closed windows holding at least `min_window_events` events, decayed over about the last `DENSITY_HALF_LIFE` windows (NaN: none yet). */
  density: number;
  /**
   * The published model in force (`installPublished`): while it has a model, it scores this source
   * and the source trains none of its own. After a restore only its `ref` is known (the snapshot
   * records which version scored), until the worker installs the models topic's latest again.
   */
  published: PublishedModelState | null;
}

export interface PublishedModelState {
  ref: PublishedRef;
  model: TrainedModel | null;
  remap: TemplateRemap | null;
}

/** A source's state as snapshot data: `keep` open windows and reservoir items at most; the model itself only `withModel` (no registry to reload it from). */
export function sourceToJSON(st: SourceModelState, keep: number, withModel: boolean): Record<string, unknown> {
  return {
    name: st.name,
    watermark: enc(st.windows.watermark),
    advancedAt: enc(st.windows.advancedAt),
    advanced: st.windows.advanced,
    closedEnd: enc(st.windows.closedEnd),
    late: st.windows.late,
    unkeyed: st.windows.unkeyed,
    open: st.windows.openWindows(keep),
    seen: st.reservoir.seen,
    rng: st.reservoir.rngState,
    reservoir: st.reservoir.sample(keep),
    version: st.version,
    nextTrainAt: enc(st.nextTrainAt),
    flaggedRun: st.flaggedRun,
    episode: [enc(st.episodeUntil), st.episodeRank],
    density: enc(st.density),
    budget: st.budget.toArray(),
    model: !withModel || st.model === null ? null : st.model.artifact,
    published: st.published === null ? null : st.published.ref,
  };
}

/** Fills a new source state `st` from its snapshot data (checked by the caller to have a name and a reservoir). */
export function sourceFromJSON(raw: Record<string, unknown>, st: SourceModelState, config: ModelDetectorConfig): void {
  const items = (raw.reservoir as unknown[]).filter(isCounts);
  st.reservoir = Reservoir.restore(config.reservoir_size, Number(raw.rng) >>> 0, Number(raw.seen) || 0, items);
  st.windows.watermark = dec(raw.watermark, -Infinity);
  st.windows.advancedAt = dec(raw.advancedAt, Number.NaN);
  st.windows.advanced = raw.advanced === true;
  st.windows.closedEnd = dec(raw.closedEnd, -Infinity);
  st.windows.late = Number(raw.late) || 0;
  st.windows.unkeyed = Number(raw.unkeyed) || 0;
  if (Array.isArray(raw.open)) st.windows.restoreOpen(raw.open);
  st.version = Number(raw.version) || 0;
  st.nextTrainAt = dec(raw.nextTrainAt, -Infinity);
  st.flaggedRun = Number(raw.flaggedRun) || 0;
  const episode = Array.isArray(raw.episode) ? (raw.episode as unknown[]) : [];
  st.episodeUntil = dec(episode[0], Number.NEGATIVE_INFINITY);
  st.episodeRank = Number(episode[1]) || 0;
  st.budget = AlarmBudget.from(config.max_alerts_per_hour, raw.budget);
  st.density = dec(raw.density, Number.NaN);
  if (raw.model) st.model = TrainedModel.fromArtifact(raw.model);
  const p = raw.published as Partial<PublishedRef> | null | undefined;
  // Which published version scored the source (its model comes again from the models topic).
  if (p && typeof p.scope === 'string' && typeof p.version === 'number' && typeof p.digest === 'string') st.published = { ref: { scope: p.scope as PublishedRef['scope'], version: p.version, digest: p.digest }, model: null, remap: null };
}

/** JSON has no Infinity or NaN: non-finite numbers travel as strings. */
function enc(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

function dec(x: unknown, fallback: number): number {
  if (typeof x === 'number') return x;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  if (x === 'NaN') return Number.NaN;
  return fallback;
}
