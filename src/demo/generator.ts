/**
 * @module demo/generator
 * Lines of the four services, one second of simulated time at a time. A second's lines are a pure
 * function of (seed, second, scenario): each (second, service) draws from its own seeded stream,
 * and incident lines from another, so a run without incidents has exactly the same normal traffic.
 * Arrivals are Poisson; every second is capped (`maxLinesPerSecond` per service), so memory stays
 * bounded whatever the rates.
 * @example
 * const gen = new DemoGenerator({ seed: 7, origin: historyStart, scenario });
 * const { web, api, db, auth } = gen.second(t); // lines with time stamps in [t, t + 1000), sorted
 */
import { DemoRandom } from './random.js';
import type { Scenario } from './scenario.js';
import { api } from './services/api.js';
import { auth } from './services/auth.js';
import { type ServiceGenerator, type ServiceName, SERVICE_NAMES } from './services/common.js';
import { db } from './services/db.js';
import { web } from './services/web.js';

export const SERVICES: Readonly<Record<ServiceName, ServiceGenerator>> = { web, api, db, auth };

export type Lines = Record<ServiceName, string[]>;

export interface GeneratorOptions {
  seed: number;
  /** Time of second 0 (epoch ms): seconds are numbered from here, so runs started at different times draw the same lines. */
  origin: number;
  scenario: Scenario;
  /** Cap on one service's lines in one second (default 20 000). */
  maxLinesPerSecond?: number;
}

/** A 32-bit mix of seed, second and stream (splitmix-style), so neighbouring seconds are unrelated. */
function mix(seed: number, second: number, stream: number): number {
  let h = (seed ^ Math.imul(second | 0, 0x9e3779b1) ^ Math.imul(Math.floor(second / 4294967296), 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export class DemoGenerator {
  private readonly cap: number;
  /** Scratch arrays reused every second (bounded by the cap). */
  private readonly times: number[] = [];
  private readonly texts: string[] = [];

  constructor(private readonly opts: GeneratorOptions) {
    this.cap = opts.maxLinesPerSecond ?? 20_000;
  }

  /** The lines of every service for the second starting at `t` (epoch ms, a multiple of 1000). */
  second(t: number): Lines {
    const sec = Math.floor((t - this.opts.origin) / 1000);
    const fx = this.opts.scenario.effectsAt(t + 500);
    const out = {} as Lines;
    for (let i = 0; i < SERVICE_NAMES.length; i++) {
      const name = SERVICE_NAMES[i];
      const svc = SERVICES[name];
      this.times.length = 0;
      this.texts.length = 0;
      if (!fx.silent.has(name)) {
        const r = new DemoRandom(mix(this.opts.seed, sec, i));
        this.draw(r, svc.rate, (tt) => svc.normal(tt, r, fx.mods), t);
      }
      for (let k = 0; k < fx.extras.length; k++) {
        const x = fx.extras[k];
        if (x.service !== name) continue;
        const r = new DemoRandom(mix(this.opts.seed, sec, 100 + i * 16 + k));
        this.draw(r, x.rate, (tt) => x.line(tt, r), t);
      }
      out[name] = this.sorted();
    }
    return out;
  }

  private draw(r: DemoRandom, rate: number, make: (t: number) => string, t: number): void {
    const n = Math.min(r.poisson(rate), this.cap - this.times.length);
    for (let j = 0; j < n; j++) {
      const tt = t + Math.floor(r.float() * 1000);
      this.times.push(tt);
      this.texts.push(make(tt));
    }
  }

  /** The second's lines by time (stable for equal times). */
  private sorted(): string[] {
    const idx = this.times.map((_, i) => i);
    idx.sort((a, b) => this.times[a] - this.times[b] || a - b);
    return idx.map((i) => this.texts[i]);
  }
}
