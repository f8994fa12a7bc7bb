/**
 * @module cli/speed
 * `--speed` of `demo` and `replay`: `10`, `10x`, `0.5x` → 10, 10, 0.5; `max` (where allowed) →
 * Infinity, as fast as possible. One parser, so both commands take the same spellings.
 */
import { AnomalogError } from '../core/errors.js';

export function parseSpeed(v: string, allowMax = false): number {
  const s = v.trim();
  if (allowMax && s.toLowerCase() === 'max') return Number.POSITIVE_INFINITY;
  const m = /^(\d+(?:\.\d+)?)x?$/i.exec(s);
  if (!m || !(Number(m[1]) > 0)) {
    throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `--speed must be a positive factor like 10 or 10x${allowMax ? ', or max' : ''}, got '${v}'.`);
  }
  return Number(m[1]);
}
