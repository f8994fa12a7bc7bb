/**
 * @module demo/services/common
 * What every simulated service shares: the generator shape and the time stamps of the real formats
 * (nginx `$time_local`, RFC 3339, BSD syslog).
 */
import type { DemoRandom } from '../random.js';

export type ServiceName = 'web' | 'api' | 'db' | 'auth';
export const SERVICE_NAMES: readonly ServiceName[] = ['web', 'api', 'db', 'auth'];

/** How an incident bends a service's normal traffic. */
export interface Modifiers {
  /** Multiplies the latency of the affected query (db). */
  latencyFactor: number;
}

export const NO_MODIFIERS: Modifiers = Object.freeze({ latencyFactor: 1 });

export interface ServiceGenerator {
  readonly name: ServiceName;
  /** The record format the service writes (what format auto-detection should find). */
  readonly format: 'access-log' | 'json' | 'logfmt' | 'syslog';
  /** Normal lines per second. */
  readonly rate: number;
  /** One line of normal traffic at time `t` (epoch ms). */
  normal(t: number, r: DemoRandom, mods: Modifiers): string;
}

/** A weighted table of line makers: `pick` draws one by weight. */
export class Mix<F> {
  private readonly weights: number[];
  private readonly total: number;
  constructor(private readonly entries: readonly (readonly [number, F])[]) {
    this.weights = entries.map((e) => e[0]);
    this.total = this.weights.reduce((a, b) => a + b, 0);
  }
  pick(r: DemoRandom): F {
    return this.entries[r.weighted(this.weights, this.total)][1];
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function hms(d: Date): string {
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** nginx/Apache `$time_local` in UTC: `30/Nov/2026:15:12:28 +0000`. */
export function accessTime(t: number): string {
  const d = new Date(t);
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${hms(d)} +0000`;
}

/** RFC 3339 with milliseconds, UTC. */
export function isoTime(t: number): string {
  return new Date(t).toISOString();
}

/** BSD syslog (RFC 3164) time: `Nov 30 15:12:28`, day padded with a space. */
export function bsdTime(t: number): string {
  const d = new Date(t);
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${hms(d)}`;
}

/** A private (RFC 1918) client address. */
export function internalIp(r: DemoRandom): string {
  return `10.${r.int(0, 3)}.${r.int(0, 15)}.${r.int(2, 254)}`;
}

export const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yuki'];
