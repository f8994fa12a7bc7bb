/**
 * @module parsers/drain/snapshot
 * The miner's saved state (`Snapshot` of kind `anomalog.drain`): its shape, its version, and the
 * checks a restored one must pass (clear errors for a foreign or newer snapshot, never a half-restored tree).
 */
import { AnomalogError } from '../../core/errors.js';
import type { Snapshot } from '../../core/parser.js';
import type { FloodSnapshot } from './flood-guard.js';

export const DRAIN_SNAPSHOT_KIND = 'anomalog.drain';
/** 2: flood mode's overflow templates (`overflow` rows); written only when it holds some, else 1. */
export const DRAIN_SNAPSHOT_VERSION = 2;

export interface DrainSnapshotData {
  nextId: number;
  tick: number;
  evicted: number;
  /** The flood guard's state (absent before it: a fresh window, not flooding). */
  flood?: Partial<FloodSnapshot>;
  clusters: { id: number; canon?: number; tokens: string[]; size: number; lastSeen: number; overflow?: true; values?: [number, string[] | null][] }[];
}

export function validateSnapshot(s: Snapshot): DrainSnapshotData {
  if (s === null || typeof s !== 'object' || s.kind !== DRAIN_SNAPSHOT_KIND) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Not a template-miner snapshot (kind ${String((s as { kind?: unknown })?.kind)}).`);
  }
  if (typeof s.version !== 'number' || s.version > DRAIN_SNAPSHOT_VERSION || s.version < 1) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Template-miner snapshot version ${String(s.version)} is not supported (this build reads ${DRAIN_SNAPSHOT_VERSION}).`, {
      hint: 'Upgrade anomalog or rebuild the state from the logs.',
    });
  }
  const d = s.data as DrainSnapshotData;
  if (!d || !Array.isArray(d.clusters) || typeof d.nextId !== 'number') {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'Template-miner snapshot has no cluster list.');
  }
  for (const c of d.clusters) {
    if (typeof c.id !== 'number' || !Array.isArray(c.tokens) || c.id >= d.nextId) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Template-miner snapshot has a malformed cluster (id ${String(c.id)}).`);
    }
  }
  return d;
}
