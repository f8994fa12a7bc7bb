/**
 * @module core/ports
 * What components may need from the store, as the component context hands it to them
 * (`ComponentContext.checkpoints`, `.models`): the SQLite store implements both; tests and replay
 * pass memory ones or none.
 */
import type { Cursor } from './event.js';

/** Where sources keep their resume points (the SQLite store implements it). */
export interface CheckpointStore {
  load(sourceId: string): Cursor | undefined;
  save(sourceId: string, cursor: Cursor): void;
}

export interface StoredModel<A = unknown> {
  id: string;
  /** What the model is for (`model-detector`, `novelty`…); one active model per kind. */
  kind: string;
  version: number;
  artifact: A;
  createdAt: number;
  active: boolean;
}

export interface SaveModel<A = unknown> {
  id: string;
  kind: string;
  version: number;
  artifact: A;
  /** Make it the active model of its kind (the previous active one is deactivated). Default true. */
  activate?: boolean;
}

/** The model registry: versioned artifacts per kind, at most one active per kind. */
export interface ModelRegistry {
  saveModel<A>(m: SaveModel<A>): StoredModel<A>;
  activeModel<A = unknown>(kind: string): StoredModel<A> | undefined;
  /** Deletes inactive versions beyond the newest `keep`. */
  pruneModels?(kind: string, keep: number): number;
}
