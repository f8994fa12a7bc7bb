/**
 * @module topology/kafka/memory-state
 * A Kafka partition's engine state in memory — parser and detector snapshots, trained models —
 * written whole to the changelog at each checkpoint and read back whole by the partition's next
 * owner. The same ports as the SQLite store (`EngineStateStore`, `ModelRegistry`).
 */
import type { Clock } from '../../core/clock.js';
import type { EngineStateStore } from '../../core/engine.js';
import type { Snapshot } from '../../core/parser.js';
import type { ModelRegistry, SaveModel, StoredModel } from '../../core/ports.js';

export class MemoryState implements EngineStateStore, ModelRegistry {
  readonly states = new Map<string, Snapshot>();
  /** The active model per kind (older versions are not kept: the changelog holds the latest state). */
  readonly models = new Map<string, StoredModel>();

  constructor(private readonly clock: Clock) {}

  loadParserState(key: string): Snapshot | undefined {
    return this.states.get(key);
  }

  saveParserState(key: string, snapshot: Snapshot): void {
    this.states.set(key, snapshot);
  }

  // No `upsertTemplates`: a worker keeps no template table (the serve node's is fed by its own
  // sources), so the engine does not count templates for it.

  saveModel<A>(m: SaveModel<A>): StoredModel<A> {
    const stored: StoredModel<A> = { id: m.id, kind: m.kind, version: m.version, artifact: m.artifact, createdAt: this.clock.now(), active: m.activate !== false };
    if (stored.active) this.models.set(m.kind, stored as StoredModel);
    return stored;
  }

  activeModel<A = unknown>(kind: string): StoredModel<A> | undefined {
    return this.models.get(kind) as StoredModel<A> | undefined;
  }
}
