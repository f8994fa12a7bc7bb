/**
 * @module test/harness/log-streams
 * Event streams built from real log lines for the streaming-detector tests: the HDFS content sample
 * (test/fixtures/logs/hdfs-content-sample.txt, Loghub) mined with the product's TemplateMiner, given
 * seeded exponential inter-arrival times, so template ids and params are real and time is scripted.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LogEvent } from '../../src/core/event.js';
import { TemplateMiner } from '../../src/parsers/drain/index.js';
import { rng } from './rng.js';

export { rng };

export const HDFS_SAMPLE = fileURLToPath(new URL('../fixtures/logs/hdfs-content-sample.txt', import.meta.url));

export function hdfsLines(): string[] {
  return readFileSync(HDFS_SAMPLE, 'utf8').split('\n').filter((l) => l.trim() !== '');
}


/** Builds LogEvents from lines with one miner (ids stable across calls on the same miner). */
export class EventFactory {
  readonly miner = new TemplateMiner();
  event(line: string, ts: number, source = 'hdfs', level = 'info'): LogEvent {
    const r = this.miner.add(line);
    return { ts, source, level, message: line, raw: line, templateId: r.templateId, template: r.template, params: r.params };
  }
}

export interface ReplayOptions {
  /** Events to produce (the 200-line sample is cycled). */
  count: number;
  /** Mean inter-arrival time in ms (exponential). */
  meanGapMs: number;
  start?: number;
  seed?: number;
  source?: string;
}

/** Normal replay: the HDFS sample cycled with seeded Poisson arrivals. */
export function hdfsReplay(f: EventFactory, o: ReplayOptions): LogEvent[] {
  const lines = hdfsLines();
  const next = rng(o.seed ?? 7);
  const out: LogEvent[] = [];
  let ts = o.start ?? Date.UTC(2026, 10, 24);
  for (let i = 0; i < o.count; i++) {
    ts += Math.max(1, Math.round(-Math.log(1 - next()) * o.meanGapMs));
    out.push(f.event(lines[i % lines.length], ts, o.source ?? 'hdfs'));
  }
  return out;
}

/** Splits a stream into batches of `size`. */
export function batches<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
