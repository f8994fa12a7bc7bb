/**
 * @module demo/scenario
 * The demo's timeline. Before `liveStart` is history (normal traffic only: what the detectors learn
 * as normal). From `liveStart` the scenario repeats in cycles of `cycleSeconds`; each cycle runs
 * five incidents at fixed offsets, each aimed at one detector:
 *
 * | at | for | service | incident | caught by |
 * |---|---|---|---|---|
 * | 0:15 | 30 s | api | burst of an error message never logged before (another one each cycle) | novelty |
 * | 0:40 | 40 s | auth | password-guessing burst from one address | rate (template spike) |
 * | 0:50 | 80 s | db | a warning (another one each cycle) rising in steps (×2.5 every 20 s) | rate (template spike) |
 * | 1:30 | 12 s | db | the orders query gets ~40× slower; nothing else changes | params |
 * | 2:00 | 50 s | web | nginx stops logging | rate (silence) |
 *
 * The trend rises in steps, not smoothly: the rate detector's EWMA baseline absorbs a smooth ramp
 * (its variance grows with the ramp), so a gradual rise is mostly missed — see README.md.
 *
 * Pure functions of time: the same time always gives the same effects.
 */
import { apiNewError, apiNewErrorName } from './services/api.js';
import { ATTACKER, authBruteForce } from './services/auth.js';
import { type Modifiers, NO_MODIFIERS, type ServiceName } from './services/common.js';
import { dbWarning, SLOW_STATEMENT, WARNINGS } from './services/db.js';
import type { DemoRandom } from './random.js';

export type IncidentKind = 'new-error' | 'brute-force' | 'warning-trend' | 'latency' | 'silence';
export type DetectorName = 'novelty' | 'rate' | 'params';

export interface Incident {
  kind: IncidentKind;
  service: ServiceName;
  /** Offset in the cycle and length, in seconds. */
  at: number;
  duration: number;
  /** The detector expected to flag it. */
  detector: DetectorName;
  /** One line: what happens (cycle-dependent where the incident varies). */
  describe(cycle: number): string;
}

export const INCIDENTS: readonly Incident[] = [
  { kind: 'new-error', service: 'api', at: 15, duration: 30, detector: 'novelty', describe: (c) => `starts failing with an error it never logged before: "${apiNewErrorName(c)}…"` },
  { kind: 'brute-force', service: 'auth', at: 40, duration: 40, detector: 'rate', describe: () => `password guessing against sshd from ${ATTACKER} (~25 attempts/s)` },
  { kind: 'warning-trend', service: 'db', at: 50, duration: 80, detector: 'rate', describe: (c) => `"${WARNINGS[c % WARNINGS.length]}" warnings start rising (x2.5 every 20 s, for 80 s)` },
  { kind: 'latency', service: 'db', at: 90, duration: 12, detector: 'params', describe: () => `the orders query gets ~40x slower; volume and messages stay the same (${SLOW_STATEMENT.slice(0, 40)}…)` },
  { kind: 'silence', service: 'web', at: 120, duration: 50, detector: 'rate', describe: () => 'nginx stops logging for 50 s' },
];

/** Extra lines an incident adds to a service: `rate` lines per second made by `line`. */
export interface Extra {
  service: ServiceName;
  rate: number;
  line(t: number, r: DemoRandom): string;
}

export interface Effects {
  /** Services whose normal traffic is off. */
  silent: ReadonlySet<ServiceName>;
  mods: Modifiers;
  extras: Extra[];
}

export interface ScheduledIncident {
  incident: Incident;
  cycle: number;
  /** Start and end (epoch ms). */
  start: number;
  end: number;
}

/** Normal rate of each db warning per second (its trickle), the trend's starting level. */
const TREND_BASE = 0.71;

const QUIET: Effects = Object.freeze({ silent: new Set<ServiceName>(), mods: NO_MODIFIERS, extras: [] });

export interface ScenarioOptions {
  /** When the history ends and the incidents begin (epoch ms). */
  liveStart: number;
  cycleSeconds: number;
  /** false: normal traffic only (a baseline run). */
  incidents: boolean;
}

export class Scenario {
  private readonly cycleMs: number;

  constructor(readonly opts: ScenarioOptions) {
    this.cycleMs = opts.cycleSeconds * 1000;
  }

  /** What the incidents do to traffic at time `t`. */
  effectsAt(t: number): Effects {
    if (!this.opts.incidents || t < this.opts.liveStart) return QUIET;
    const cycle = Math.floor((t - this.opts.liveStart) / this.cycleMs);
    const s = (t - this.opts.liveStart - cycle * this.cycleMs) / 1000;
    const silent = new Set<ServiceName>();
    const extras: Extra[] = [];
    let latencyFactor = 1;
    for (const inc of INCIDENTS) {
      const x = (s - inc.at) / inc.duration;
      if (x < 0 || x >= 1) continue;
      switch (inc.kind) {
        case 'new-error':
          extras.push({ service: 'api', rate: 6, line: (tt, r) => apiNewError(tt, r, cycle) });
          break;
        case 'brute-force':
          extras.push({ service: 'auth', rate: 25, line: authBruteForce });
          break;
        case 'warning-trend':
          // Rising in steps: ×2.5 every 20 s over the normal trickle (≈0.7/s → 1.8, 4.4, 11, 28 per second).
          // Short enough that the rate detector does not relearn it as the new normal (10 intervals in a
          // row). Its first steps are learned as normal, which widens that warning's baseline: another
          // warning each cycle (four) lets it narrow again before its next turn.
          extras.push({ service: 'db', rate: TREND_BASE * (Math.pow(2.5, Math.floor(x * 4) + 1) - 1), line: (tt, r) => dbWarning(tt, r, cycle) });
          break;
        case 'latency':
          latencyFactor = 40;
          break;
        case 'silence':
          silent.add(inc.service);
          break;
      }
    }
    if (silent.size === 0 && extras.length === 0 && latencyFactor === 1) return QUIET;
    return { silent, mods: { latencyFactor }, extras };
  }

  /** Incidents that start in [t0, t1), in order. */
  startsBetween(t0: number, t1: number): ScheduledIncident[] {
    const out: ScheduledIncident[] = [];
    if (!this.opts.incidents) return out;
    const from = Math.max(t0, this.opts.liveStart);
    if (t1 <= from) return out;
    const first = Math.floor((from - this.opts.liveStart) / this.cycleMs);
    const last = Math.floor((t1 - 1 - this.opts.liveStart) / this.cycleMs);
    for (let c = first; c <= last; c++) {
      for (const incident of INCIDENTS) {
        const start = this.opts.liveStart + c * this.cycleMs + incident.at * 1000;
        if (start >= from && start < t1) out.push({ incident, cycle: c, start, end: start + incident.duration * 1000 });
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }
}
