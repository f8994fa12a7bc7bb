/**
 * @module core/fleet
 * What a detector shares across the engines a host splits its record sources between (engine
 * worker threads): the novelty detector's fleet — "a message type another source already logged
 * is not news" — must not depend on which engine a source landed in. The host answers, for a key
 * the engine's own detector has never seen, whether another engine saw it first, earlier in the
 * input: the same answer a single engine would give for the same input, whatever the threads'
 * timing (topology/fleet-board.ts). A host with one engine hands no fleet: the detector's own map
 * is the whole fleet.
 */
import type { LogEvent } from './event.js';

export interface SharedFleet {
  /**
   * Whether `key` was first seen by another engine, before event `e` in the host's input; records
   * this engine's sighting either way. Called only for keys the caller has not seen itself (new
   * to it), never per line; it may wait until the other engines have got as far as `e`.
   */
  seenElsewhere(key: string, e: LogEvent): boolean;
  /** Keys the caller knew when its state was restored: known to every engine from the start. */
  seed(keys: Iterable<string>): void;
  /** Keys this engine sighted first (its share of the fleet: summed over engines, the fleet's size). */
  owned(): number;
}
