/**
 * @module test/harness/memory-store
 * An in-memory EngineStore + CheckpointStore for engine tests (the SQLite store has its own tests).
 */
import type { Anomaly, Cursor } from '../../src/core/event.js';
import type { Snapshot } from '../../src/core/parser.js';
import type { CheckpointStore } from '../../src/core/source.js';
import type { EngineStore, EvictedTemplates, TemplateDelta } from '../../src/core/engine.js';

export class MemoryStore implements EngineStore, CheckpointStore {
  readonly anomalies = new Map<string, Anomaly>();
  readonly templates = new Map<string, TemplateDelta>();
  readonly parserStates = new Map<string, Snapshot>();
  readonly cursors = new Map<string, Cursor>();

  loadParserState(source: string): Snapshot | undefined {
    const s = this.parserStates.get(source);
    return s === undefined ? undefined : JSON.parse(JSON.stringify(s));
  }
  saveParserState(source: string, snapshot: Snapshot): void {
    this.parserStates.set(source, JSON.parse(JSON.stringify(snapshot)));
  }
  upsertTemplates(rows: readonly TemplateDelta[], evicted: readonly EvictedTemplates[] = []): void {
    for (const r of rows) {
      const key = `${r.source}/${r.templateId}`;
      const old = this.templates.get(key);
      this.templates.set(key, old ? { ...r, count: old.count + r.count, firstSeen: Math.min(old.firstSeen, r.firstSeen) } : { ...r });
    }
    for (const e of evicted) for (const id of e.templateIds) this.templates.delete(`${e.source}/${id}`);
  }
  insertAnomalies(batch: readonly Anomaly[]): Anomaly[] {
    const out: Anomaly[] = [];
    for (const a of batch) {
      if (this.anomalies.has(a.id)) continue;
      this.anomalies.set(a.id, a);
      out.push(a);
    }
    return out;
  }
  load(sourceId: string): Cursor | undefined {
    return this.cursors.get(sourceId);
  }
  save(sourceId: string, cursor: Cursor): void {
    this.cursors.set(sourceId, cursor);
  }
}
