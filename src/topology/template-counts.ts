/**
 * @module topology/template-counts
 * Template counts for the store's template table: per batch, one delta per (source, template); with
 * checkpoints, deltas are merged in memory and written at the checkpoint, so SQLite sees one upsert
 * per template per checkpoint instead of one per batch, and counts are saved with the acks.
 *
 * Templates a miner evicts are deleted from the table with the next write (after the upserts, in
 * the same transaction), and a delta still held for one is dropped instead of written: template ids
 * are never reused, so no later event can bring the row back. The table then holds at most what
 * the miners hold (50,000 clusters per source), not one row per never-seen line.
 */
import type { LogEvent } from '../core/event.js';
import type { EngineStateStore, EvictedTemplates, TemplateDelta } from '../core/engine.js';
import { boundedExample } from '../store/templates.js';

/** Pending deltas (or evictions) beyond which a flood of distinct templates is written early rather than held. */
const MAX_PENDING = 10_000;

export class TemplateCounts {
  private pending = new Map<string, Map<number, TemplateDelta>>();
  private count = 0;
  /** Evicted template ids per source, not deleted yet. */
  private evicted = new Map<string, number[]>();
  private evictedCount = 0;

  /** `deferred`: hold deltas until `flush` (the engine's checkpoint); otherwise write each batch. */
  constructor(
    private readonly store: Pick<EngineStateStore, 'upsertTemplates'>,
    private readonly deferred: boolean,
  ) {}

  add(events: LogEvent[]): void {
    // A store without a template table: the per-batch maps and example params would be dropped.
    if (this.store.upsertTemplates === undefined) return;
    if (!this.deferred) {
      const by = new Map<string, Map<number, TemplateDelta>>();
      templateDeltas(events, by);
      this.write(by);
      return;
    }
    this.count += templateDeltas(events, this.pending).length;
    if (this.count >= MAX_PENDING || this.evictedCount >= MAX_PENDING) this.flush();
  }

  /** Template `templateId` of `source` left its miner: its row is deleted with the next write. */
  evict(source: string, templateId: number): void {
    if (this.store.upsertTemplates === undefined) return;
    let ids = this.evicted.get(source);
    if (ids === undefined) this.evicted.set(source, (ids = []));
    ids.push(templateId);
    this.evictedCount++;
  }

  /** Writes what is held (one upsert per template, then the evicted templates' rows deleted). */
  flush(): void {
    if (this.count === 0 && this.evictedCount === 0) return;
    this.write(this.pending);
    this.pending = new Map();
    this.count = 0;
  }

  /** Upserts the deltas of `by` but those of evicted templates, deletes the evicted; clears the evictions once written. */
  private write(by: Map<string, Map<number, TemplateDelta>>): void {
    const gone: EvictedTemplates[] = [];
    for (const [source, templateIds] of this.evicted) {
      const bySource = by.get(source);
      if (bySource !== undefined) for (const id of templateIds) bySource.delete(id);
      gone.push({ source, templateIds });
    }
    const rows: TemplateDelta[] = [];
    for (const bySource of by.values()) for (const d of bySource.values()) rows.push(d);
    if (rows.length === 0 && gone.length === 0) return;
    // Cleared only once written: a refused write (disk full, locked) keeps them for the next flush.
    this.store.upsertTemplates?.(rows, gone);
    this.evicted = new Map();
    this.evictedCount = 0;
  }
}

/**
 * Per-template counts of a batch, for the store's template table, merged into `by` (source →
 * template id → delta: no key string is built per event); returns the deltas it created.
 */
export function templateDeltas(events: LogEvent[], by = new Map<string, Map<number, TemplateDelta>>()): TemplateDelta[] {
  const out: TemplateDelta[] = [];
  // Example parameters are bounded (and copied) as they are taken, not when saved: until the next
  // checkpoint a pending delta would otherwise keep a whole hostile line alive.
  let lastSource: string | undefined;
  let bySource: Map<number, TemplateDelta> | undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.source !== lastSource || bySource === undefined) {
      lastSource = e.source;
      bySource = by.get(e.source);
      if (bySource === undefined) by.set(e.source, (bySource = new Map()));
    }
    const d = bySource.get(e.templateId);
    if (d === undefined) {
      const nd = { source: e.source, templateId: e.templateId, template: e.template, count: 1, firstSeen: e.ts, lastSeen: e.ts, exampleParams: boundedExample(e.params) };
      bySource.set(e.templateId, nd);
      out.push(nd);
    } else {
      d.count++;
      d.template = e.template;
      if (e.ts < d.firstSeen) d.firstSeen = e.ts;
      if (e.ts > d.lastSeen) d.lastSeen = e.ts;
    }
  }
  return out;
}
