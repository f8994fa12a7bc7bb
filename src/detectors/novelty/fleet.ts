/**
 * @module detectors/novelty/fleet
 * What the sources of one novelty detector learn together: the message types any of them logged
 * (by template text, LRU-bounded, evictions counted) and the fleet's discovery rate. A type another
 * source already logged is not news for a source that logs it first (pods of one deployment, hosts
 * behind a relay).
 *
 * The detector reaches the fleet only through {@link FleetKnowledge}, so a host can give several
 * detectors (one per engine thread) one shared fleet.
 * @example
 * const fleet = new NoveltyFleet(20_000);
 * fleet.sighted(fleetKey('Connection to <IP> refused')); // false: first in the fleet
 * fleet.sighted(fleetKey('Connection to <IP> refused')); // true
 */
import { createHash } from 'node:crypto';
import type { LogEvent } from '../../core/event.js';
import type { SharedFleet } from '../../core/fleet.js';
import { kept } from '../../core/text.js';
import { Lru } from '../shared/lru.js';
import { DiscoveryRate, num } from './discovery.js';

/**
 * Fleet keys are template texts; a longer one is cut to this length plus a hash of the whole text
 * (bounded keys, and two long types that differ only after their first 256 characters — a long
 * line with an error appended — stay two types).
 */
export const FLEET_KEY_CHARS = 256;

/** The fleet as the detector uses it. */
export interface FleetKnowledge {
  /** Whether the fleet is on (`max_fleet_templates` > 0). */
  readonly enabled: boolean;
  /** The fleet's discovery rate over all sources' events. */
  readonly rate: DiscoveryRate;
  /**
   * Counts one first sighting of `key` by a source (at event `e`); whether some source logged it
   * before — in a fleet shared across engines, earlier in the host's input.
   */
  sighted(key: string, e?: LogEvent): boolean;
}

/** The key of a template text (plus the words of a never-seen message inside it): bounded, and its own string. */
export function fleetKey(text: string, words?: string): string {
  const base = text.length > FLEET_KEY_CHARS ? `${text.slice(0, FLEET_KEY_CHARS)}\u0000${createHash('sha1').update(text).digest('hex').slice(0, 16)}` : text;
  // Copied: a key cut from a long template must not keep the template alive (core/text.ts).
  return kept(words === undefined ? base : `${base}\u0000${words}`);
}

/** One detector's fleet (not shared across threads). */
export class NoveltyFleet implements FleetKnowledge {
  readonly rate = new DiscoveryRate();
  private types: Lru<string, number> | null;

  constructor(private readonly max: number) {
    this.types = max > 0 ? new Lru(max) : null;
  }

  get enabled(): boolean {
    return this.types !== null;
  }

  get size(): number {
    return this.types?.size ?? 0;
  }

  sighted(key: string): boolean {
    if (this.types === null) return false;
    const known = this.types.get(key);
    this.types.set(key, Math.min((known ?? 0) + 1, 1e9));
    return known !== undefined;
  }

  /** Snapshot parts: `fleet` ([key, sources] oldest first) and `fleetRate` ([found, seen]). */
  snapshot(): { fleet: [string, number][]; fleetRate: [number[], number] } {
    return { fleet: this.types ? [...this.types] : [], fleetRate: [[...this.rate.found], this.rate.seen] };
  }

  restore(fleet: unknown, fleetRate: unknown): void {
    const types = this.max > 0 ? new Lru<string, number>(this.max) : null;
    if (types && Array.isArray(fleet)) for (const f of fleet as unknown[]) if (Array.isArray(f) && typeof f[0] === 'string') types.set(f[0], num(f[1], 1));
    this.types = types;
    const r = Array.isArray(fleetRate) ? (fleetRate as unknown[]) : [];
    const restored = DiscoveryRate.from(r[0], r[1]);
    this.rate.found = restored.found;
    this.rate.seen = restored.seen;
  }
}

/**
 * This detector's fleet, shared with the detectors of the host's other engines (worker threads:
 * `ComponentContext.fleet`, topology/fleet-board.ts): a key this detector never saw is asked of the
 * host, which answers whether another engine saw it earlier in the input. Its size is the keys this
 * engine sighted first (summed over engines: the fleet's). The discovery rate stays this engine's.
 */
export class SharedNoveltyFleet extends NoveltyFleet {
  constructor(
    max: number,
    private readonly shared: SharedFleet,
  ) {
    super(max);
  }

  override get size(): number {
    return this.enabled ? this.shared.owned() : 0;
  }

  override sighted(key: string, e?: LogEvent): boolean {
    if (!this.enabled) return false;
    if (super.sighted(key)) return true;
    return e !== undefined && this.shared.seenElsewhere(key, e);
  }

  override restore(fleet: unknown, fleetRate: unknown): void {
    super.restore(fleet, fleetRate);
    // What this engine knew is known to every engine from the start.
    this.shared.seed(this.snapshot().fleet.map(([k]) => k));
  }
}
