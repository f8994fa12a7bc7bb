/**
 * @module test/harness/errors
 * The AnomalogError code a call throws (undefined if it does not throw).
 */
import { isAnomalogError } from '../../src/core/errors.js';

export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isAnomalogError(e) ? e.code : 'not-anomalog';
  }
  return undefined;
}
