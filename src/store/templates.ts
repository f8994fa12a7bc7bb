/**
 * @module store/templates
 * Mined templates per source with their running counts and first/last seen times. Bounded like the
 * miners: the rows of templates a miner evicted are deleted (ARCHITECTURE.md, "Templates table").
 */
import type { EvictedTemplates, TemplateDelta } from '../core/engine.js';
import { kept } from '../core/text.js';
import type { Db, Stmt } from './db.js';
import { parseColumn } from './json.js';
import { likePattern, pageOffset, pageSize } from './paging.js';

/** A batch delta for one template (`core/engine.ts`), as stored. */
export type TemplateRow = TemplateDelta;

export interface TemplateQuery {
  source?: string;
  /** Substring of the template text (case-insensitive for ASCII). */
  search?: string;
  limit?: number;
  offset?: number;
}

export interface TemplatePage {
  templates: TemplateRow[];
  /** Rows matching the filters, ignoring limit/offset. */
  total: number;
}

interface Raw {
  source: string;
  template_id: number;
  template: string;
  count: number;
  first_seen: number;
  last_seen: number;
  example_params: string | null;
}

const SOURCE = 1;
const SEARCH = 2;


export class Templates {
  private readonly upsert;
  private readonly evict;
  private readonly lists = new Map<number, ListStatements>();
  /** The batch upsert (and evictions) wrapped in a transaction once, not per call. */
  private readonly upsertTxn: (batch: readonly TemplateRow[], evicted: readonly EvictedTemplates[]) => void;
  /** Rows deleted because their template was evicted from its miner (since this store was opened). */
  evictedRows = 0;

  constructor(private readonly db: Db) {
    // Positional parameters: binding by name costs a third of the row under a flood of new
    // templates (1.4 vs 2.0 µs per row measured, better-sqlite3, in-memory; issue 17).
    this.upsert = db.prepare(
      `INSERT INTO templates (source, template_id, template, count, first_seen, last_seen, example_params)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, template_id) DO UPDATE SET
         template = excluded.template,
         count = count + excluded.count,
         first_seen = MIN(first_seen, excluded.first_seen),
         last_seen = MAX(last_seen, excluded.last_seen),
         example_params = COALESCE(example_params, excluded.example_params)`,
    );
    // One statement per source and flush, the ids as a JSON array: a unique-line flood evicts a
    // template per line, and one `run` per id would cost as much as the upsert it follows.
    this.evict = db.prepare('DELETE FROM templates WHERE source = ? AND template_id IN (SELECT value FROM json_each(?))');
    for (const shape of [0, SOURCE, SEARCH, SOURCE | SEARCH]) this.lists.set(shape, this.prepareList(shape));
    this.upsertTxn = db.transaction((batch: readonly TemplateRow[], evicted: readonly EvictedTemplates[]) => {
      this.upsertRows(batch);
      for (const e of evicted) if (e.templateIds.length > 0) this.evictedRows += this.evict.run(e.source, JSON.stringify(e.templateIds)).changes;
    });
  }

  private prepareList(shape: number): ListStatements {
    const where: string[] = [];
    if (shape & SOURCE) where.push('source = @source');
    if (shape & SEARCH) where.push("template LIKE @search ESCAPE '\\'");
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return {
      page: this.db.prepare(
        `SELECT * FROM templates ${w} ORDER BY count DESC, source, template_id LIMIT @limit OFFSET @offset`,
      ),
      count: this.db.prepare(`SELECT COUNT(*) AS n FROM templates ${w}`),
    };
  }

  /**
   * Adds each row's count to the stored one, keeps the earliest first_seen and the latest last_seen;
   * then deletes the rows of `evicted` templates. Both in one transaction.
   */
  upsertMany(rows: readonly TemplateRow[], evicted: readonly EvictedTemplates[] = []): void {
    this.upsertTxn(rows, evicted);
  }

  private upsertRows(batch: readonly TemplateRow[]): void {
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i];
      const example = r.exampleParams ? JSON.stringify(boundedExample(r.exampleParams)) : null;
      this.upsert.run(r.source, r.templateId, r.template, r.count, r.firstSeen, r.lastSeen, example);
    }
  }

  list(q: TemplateQuery = {}): TemplatePage {
    const shape = (q.source !== undefined ? SOURCE : 0) | (q.search ? SEARCH : 0);
    const st = this.lists.get(shape) as ListStatements;
    const params: Record<string, unknown> = {};
    if (shape & SOURCE) params.source = q.source;
    if (shape & SEARCH) params.search = likePattern(q.search as string);
    const limit = pageSize(q.limit);
    const offset = pageOffset(q.offset);
    const raws = st.page.all({ ...params, limit, offset }) as Raw[];
    const total = (st.count.get(params) as { n: number }).n;
    return { templates: raws.map(toRow), total };
  }
}

interface ListStatements {
  page: Stmt;
  count: Stmt;
}

function toRow(r: Raw): TemplateRow {
  const row: TemplateRow = {
    source: r.source,
    templateId: r.template_id,
    template: r.template,
    count: r.count,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  };
  if (r.example_params !== null) row.exampleParams = parseColumn<string[]>(r.example_params, 'template example');
  return row;
}

/** Most parameters kept of a template's example, and most characters of each. */
export const EXAMPLE_MAX_PARAMS = 32;
export const EXAMPLE_MAX_CHARS = 256;

/**
 * A template's example parameters as stored: the first EXAMPLE_MAX_PARAMS, each cut at
 * EXAMPLE_MAX_CHARS (marked with …; the rest dropped). A hostile line of a megabyte of words is one template with a
 * megabyte of parameters: stored whole, 180 of them made `GET /api/templates` build ~1 GB.
 */
export function boundedExample(params: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < params.length && i < EXAMPLE_MAX_PARAMS; i++) {
    const p = params[i];
    if (p.length <= EXAMPLE_MAX_CHARS) {
      out.push(p);
      continue;
    }
    // Not between the halves of a surrogate pair.
    const end = (p.charCodeAt(EXAMPLE_MAX_CHARS - 2) & 0xfc00) === 0xd800 ? EXAMPLE_MAX_CHARS - 2 : EXAMPLE_MAX_CHARS - 1;
    // Copied: a view of the parameter would keep the whole (hostile) line alive (core/text.ts).
    out.push(kept(`${p.slice(0, end)}…`));
  }
  return out;
}
