/**
 * @module detectors/model/flagged
 * What the model detector remembers for feedback: the last flagged windows (bounded) by anomaly
 * id, and the keys already learned as normal (so feedback re-applied at start is acknowledged).
 */
import type { LearnAsNormal } from '../../core/detector.js';
import type { ClosedCounts } from '../../features/count-windows.js';

/** Flagged windows remembered for feedback. */
const MAX_FLAGGED = 100;
/** Learned-as-normal keys remembered. */
const MAX_LEARNED = 1000;

export interface FlaggedWindow {
  source: string;
  counts: ClosedCounts;
  /** The first explanation entry: what feedback names. */
  templateId?: number;
  feature?: string;
}

function keyOf(source: string, templateId: number | undefined, feature: string | undefined): string | null {
  if (typeof templateId === 'number' && Number.isFinite(templateId)) return `${source}\u0000t:${templateId}`;
  if (typeof feature === 'string') return `${source}\u0000f:${feature}`;
  return null;
}

export function isCounts(x: unknown): x is ClosedCounts {
  const c = x as ClosedCounts;
  return Boolean(c) && typeof c === 'object' && Array.isArray(c.ids) && Array.isArray(c.counts) && c.ids.length === c.counts.length && typeof c.events === 'number';
}

export class FlaggedMemory {
  private flagged = new Map<string, FlaggedWindow>();
  private learned = new Set<string>();

  remember(anomalyId: string, w: FlaggedWindow): void {
    this.flagged.set(anomalyId, w);
    if (this.flagged.size > MAX_FLAGGED) this.flagged.delete(this.flagged.keys().next().value as string);
  }

  /** The flagged window of this anomaly (forgotten once taken). */
  take(anomalyId: string): FlaggedWindow | undefined {
    const f = this.flagged.get(anomalyId);
    if (f) this.flagged.delete(anomalyId);
    return f;
  }

  /** The newest flagged window matching the feedback, or `true` when that key was learned before. */
  takeMatching(what: LearnAsNormal): FlaggedWindow | boolean {
    const key = keyOf(what.source, what.templateId, what.feature);
    if (key === null) return false;
    let hit: [string, FlaggedWindow] | undefined;
    for (const entry of this.flagged) if (keyOf(entry[1].source, entry[1].templateId, entry[1].feature) === key) hit = entry;
    if (hit === undefined) return this.learned.has(key);
    this.flagged.delete(hit[0]);
    this.learned.add(key);
    if (this.learned.size > MAX_LEARNED) this.learned.delete(this.learned.values().next().value as string);
    return hit[1];
  }

  toJSON(): { flagged: unknown[]; learned: string[] } {
    return { flagged: [...this.flagged.entries()].map(([id, f]) => ({ id, ...f })), learned: [...this.learned] };
  }

  static fromJSON(flagged: unknown, learned: unknown): FlaggedMemory {
    const m = new FlaggedMemory();
    if (Array.isArray(flagged)) {
      for (const f of flagged as Record<string, unknown>[]) {
        if (!f || typeof f.id !== 'string' || typeof f.source !== 'string' || !isCounts(f.counts)) continue;
        const w: FlaggedWindow = { source: f.source, counts: f.counts };
        if (typeof f.templateId === 'number') w.templateId = f.templateId;
        if (typeof f.feature === 'string') w.feature = f.feature;
        m.remember(f.id, w);
      }
    }
    if (Array.isArray(learned)) for (const k of learned.slice(-MAX_LEARNED)) if (typeof k === 'string') m.learned.add(k);
    return m;
  }
}
