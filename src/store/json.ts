/**
 * @module store/json
 * JSON column helpers: a corrupt column becomes a clear AnomalogError, not a SyntaxError.
 */
import { AnomalogError } from '../core/errors.js';

export function parseColumn<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `The stored ${what} is not valid JSON.`, { cause: e });
  }
}
