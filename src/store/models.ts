/**
 * @module store/models
 * The model registry: versioned artifacts (JSON) per kind, at most one active per kind.
 */
import type { Clock } from '../core/clock.js';
import type { SaveModel, StoredModel } from '../core/ports.js';
import type { Db, Stmt } from './db.js';
import { parseColumn } from './json.js';

export type { SaveModel, StoredModel } from '../core/ports.js';

/**
 * An active model without its artifact, plus what `GET /api/models` shows of a model detector's
 * artifact (src/detectors/model/training.ts) when it has them: the algorithm, the threshold rule and
 * the threshold fixed at training (SPOT's initial `z`; it moves online afterwards).
 */
export interface ActiveModel extends Omit<StoredModel<never>, 'artifact'> {
  modelKind?: string;
  thresholdRule?: string;
  threshold?: number;
}

/** SQL: the artifact's string (or number) at a constant JSON path, NULL when absent, another type or not JSON. */
const text = (path: string) => `CASE WHEN json_valid(artifact) AND json_type(artifact, '${path}') = 'text' THEN json_extract(artifact, '${path}') END`;
const real = (path: string) => `CASE WHEN json_valid(artifact) AND json_type(artifact, '${path}') IN ('real', 'integer') THEN json_extract(artifact, '${path}') END`;

interface Raw {
  id: string;
  kind: string;
  version: number;
  artifact: string;
  created_at: number;
  active: number;
}

export class Models {
  private readonly put: Stmt;
  private readonly deactivate: Stmt;
  private readonly active: Stmt;
  private readonly activeAllStmt: Stmt;
  private readonly pruneStmt: Stmt;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.put = db.prepare(
      `INSERT INTO models (id, kind, version, artifact, created_at, active) VALUES (@id, @kind, @version, @artifact, @createdAt, @active)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, version = excluded.version, artifact = excluded.artifact,
         created_at = excluded.created_at, active = excluded.active`,
    );
    this.deactivate = db.prepare('UPDATE models SET active = 0 WHERE kind = ? AND active = 1');
    this.active = db.prepare(
      'SELECT * FROM models WHERE kind = ? AND active = 1 ORDER BY created_at DESC, id DESC LIMIT 1',
    );
    this.activeAllStmt = db.prepare(
      `SELECT id, kind, version, created_at, ${text('$.modelKind')} AS model_kind, ${text('$.threshold.kind')} AS threshold_rule,
         coalesce(${real('$.threshold.threshold')}, ${real('$.threshold.z')}) AS threshold
       FROM models WHERE active = 1 ORDER BY kind, created_at DESC, id DESC`,
    );
    this.pruneStmt = db.prepare(
      `DELETE FROM models WHERE kind = @kind AND active = 0
         AND id NOT IN (SELECT id FROM models WHERE kind = @kind ORDER BY created_at DESC, id DESC LIMIT @keep)`,
    );
  }

  /** Every active model (one per kind) without its artifact: kind, id, version, creation time (and ActiveModel's extras). */
  activeAll(): ActiveModel[] {
    type Row = Omit<Raw, 'artifact'> & { model_kind: unknown; threshold_rule: unknown; threshold: unknown };
    return (this.activeAllStmt.all() as Row[]).map((r) => ({
      id: r.id,
      kind: r.kind,
      version: r.version,
      createdAt: r.created_at,
      active: true,
      ...(typeof r.model_kind === 'string' ? { modelKind: r.model_kind } : {}),
      ...(typeof r.threshold_rule === 'string' ? { thresholdRule: r.threshold_rule } : {}),
      ...(typeof r.threshold === 'number' && Number.isFinite(r.threshold) ? { threshold: r.threshold } : {}),
    }));
  }

  /** Stores (or replaces) a model; with `activate` (default) it becomes the active one of its kind atomically. */
  save<A>(m: SaveModel<A>): StoredModel<A> {
    const activate = m.activate ?? true;
    const createdAt = this.clock.now();
    this.db.transaction(() => {
      if (activate) this.deactivate.run(m.kind);
      this.put.run({ id: m.id, kind: m.kind, version: m.version, artifact: JSON.stringify(m.artifact), createdAt, active: activate ? 1 : 0 });
    })();
    return { id: m.id, kind: m.kind, version: m.version, artifact: m.artifact, createdAt, active: activate };
  }

  /** Deletes the inactive models of `kind` beyond its `keep` newest (the active one always stays); returns how many. */
  prune(kind: string, keep: number): number {
    return this.pruneStmt.run({ kind, keep: Math.max(1, Math.floor(keep)) }).changes;
  }

  activeOf<A = unknown>(kind: string): StoredModel<A> | undefined {
    const r = this.active.get(kind) as Raw | undefined;
    if (!r) return undefined;
    return {
      id: r.id,
      kind: r.kind,
      version: r.version,
      artifact: parseColumn<A>(r.artifact, `artifact of model ${r.id}`),
      createdAt: r.created_at,
      active: r.active === 1,
    };
  }
}
