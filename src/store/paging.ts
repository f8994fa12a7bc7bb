/**
 * @module store/paging
 * Limits and the opaque keyset cursor of anomaly pages: base64url of `[ts, id]` of the last row.
 */
import { AnomalogError } from '../core/errors.js';

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

function queryError(message: string): AnomalogError {
  return new AnomalogError('ANOMALOG_ERR_STORE_QUERY', message);
}

/** Escapes LIKE wildcards so a search is a plain substring (bound as a parameter; use with `ESCAPE '\\'`). */
export function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A page size: default when absent, capped at MAX_PAGE, an error when not a positive integer. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1) throw queryError(`The page limit must be a positive integer, got ${String(limit)}.`);
  return Math.min(limit, MAX_PAGE);
}

export function pageOffset(offset: number | undefined): number {
  if (offset === undefined) return 0;
  if (!Number.isInteger(offset) || offset < 0) throw queryError(`The page offset must be a non-negative integer, got ${String(offset)}.`);
  return offset;
}

export function checkTime(name: string, t: number | undefined): void {
  if (t !== undefined && !Number.isFinite(t)) throw queryError(`\`${name}\` must be a finite epoch-ms time, got ${String(t)}.`);
}

export interface Keyset {
  ts: number;
  id: string;
}

export function encodeCursor(k: Keyset): string {
  return Buffer.from(JSON.stringify([k.ts, k.id]), 'utf8').toString('base64url');
}

export function decodeCursor(s: string): Keyset {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || !Number.isFinite(v[0]) || typeof v[1] !== 'string') {
    throw queryError('The paging cursor is malformed; pass back the `next` value of the previous page unchanged.');
  }
  return { ts: v[0], id: v[1] };
}
