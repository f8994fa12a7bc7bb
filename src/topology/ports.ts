/**
 * @module topology/ports
 * What the engine needs from the store (the SQLite store implements it; tests use a memory one).
 */
import type { Anomaly } from '../core/event.js';
import type { Snapshot } from '../core/parser.js';

/** Counts of one template seen in one batch. */
export interface TemplateDelta {
  source: string;
  templateId: number;
  template: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Params of one event of this template, as an example. */
  exampleParams?: string[];
}

export interface EngineStore {
  loadParserState(source: string): Snapshot | undefined;
  saveParserState(source: string, snapshot: Snapshot): void;
  upsertTemplates(rows: readonly TemplateDelta[]): void;
  /** Stores anomalies not stored before (same id = same anomaly) and returns those it stored. */
  insertAnomalies(batch: readonly Anomaly[]): Anomaly[];
}
