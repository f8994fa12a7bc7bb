/**
 * @module topology/ports
 * What the engine needs from the store (the SQLite store implements it; tests use a memory one).
 */
import type { Anomaly } from '../core/event.js';
import type { Snapshot } from '../core/parser.js';
import type { TemplateRow } from '../store/index.js';

/** Counts of one template seen in one batch (the store's template row). */
export type TemplateDelta = TemplateRow;

export interface EngineStore {
  loadParserState(source: string): Snapshot | undefined;
  saveParserState(source: string, snapshot: Snapshot): void;
  upsertTemplates(rows: readonly TemplateDelta[]): void;
  /** Stores anomalies not stored before (same id = same anomaly) and returns those it stored. */
  insertAnomalies(batch: readonly Anomaly[]): Anomaly[];
}
