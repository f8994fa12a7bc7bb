/**
 * @module bench/soak/options
 * The soak's two shapes: short (CI, through test/soak/soak.test.ts) and long (`--minutes N`).
 * The short one keeps the whole run, faults included, under ~3 minutes of wall time.
 */
import { DEFAULT_LOGHUB_DIR } from '../../src/eval/loghub.js';
import type { SoakOptions } from './run.js';

/** The options of a short (CI) or long run; `minutes` sets the steady phase of a long one. */
export function soakOptions(short: boolean, minutes: number, command: string[], over: Partial<SoakOptions> = {}): SoakOptions {
  const base: SoakOptions = short
    ? { command, dataset: DEFAULT_LOGHUB_DIR, steadySeconds: 60, kills: 3, rate: 150, receiverPeriodSeconds: 8, rotateSeconds: 13, deleteSeconds: 29, probeSeconds: 3, sampleSeconds: 1, checkpointMs: 1000, seed: 17 }
    : { command, dataset: DEFAULT_LOGHUB_DIR, steadySeconds: minutes * 60, kills: 10, rate: 300, receiverPeriodSeconds: 20, rotateSeconds: 60, deleteSeconds: 170, probeSeconds: 10, sampleSeconds: 5, checkpointMs: 1000, seed: 17 };
  return { ...base, ...over };
}

