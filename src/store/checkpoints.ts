/**
 * @module store/checkpoints
 * Source resume points (`CheckpointStore`) and parser state snapshots, one row per source.
 */
import type { Cursor } from '../core/event.js';
import type { Snapshot } from '../core/parser.js';
import type { CheckpointStore } from '../core/source.js';
import { AnomalogError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Db } from './db.js';
import { parseColumn } from './json.js';

const CURSOR_KINDS = new Set(['file', 'kafka', 'stream']);

function checkCursor(c: unknown, sourceId: string): Cursor {
  const o = c as Partial<Cursor> | null;
  if (!o || typeof o !== 'object' || !CURSOR_KINDS.has(o.kind as string) || typeof o.id !== 'string' || !Number.isFinite(o.offset)) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `The stored cursor of source ${sourceId} is malformed.`);
  }
  return { kind: o.kind as Cursor['kind'], id: o.id, offset: o.offset as number };
}

export class SqliteCheckpoints implements CheckpointStore {
  private readonly get;
  private readonly put;

  constructor(db: Db, private readonly clock: Clock) {
    this.get = db.prepare<[string], { cursor: string }>('SELECT cursor FROM checkpoints WHERE source_id = ?');
    this.put = db.prepare<[string, string, number]>(
      `INSERT INTO checkpoints (source_id, cursor, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (source_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    );
  }

  load(sourceId: string): Cursor | undefined {
    const row = this.get.get(sourceId);
    return row ? checkCursor(parseColumn(row.cursor, `cursor of ${sourceId}`), sourceId) : undefined;
  }

  save(sourceId: string, cursor: Cursor): void {
    const c = checkCursor(cursor, sourceId);
    this.put.run(sourceId, JSON.stringify(c), this.clock.now());
  }
}

export class ParserStates {
  private readonly get;
  private readonly put;

  constructor(db: Db, private readonly clock: Clock) {
    this.get = db.prepare<[string], { snapshot: string }>('SELECT snapshot FROM parser_state WHERE source = ?');
    this.put = db.prepare<[string, string, number]>(
      `INSERT INTO parser_state (source, snapshot, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (source) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
    );
  }

  save(source: string, snapshot: Snapshot): void {
    this.put.run(source, JSON.stringify(snapshot), this.clock.now());
  }

  load(source: string): Snapshot | undefined {
    const row = this.get.get(source);
    if (!row) return undefined;
    const s = parseColumn<Snapshot>(row.snapshot, `parser state of ${source}`);
    if (!s || typeof s !== 'object' || typeof s.kind !== 'string' || typeof s.version !== 'number') {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `The stored parser state of ${source} is not a snapshot.`);
    }
    return s;
  }
}
