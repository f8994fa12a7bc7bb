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

export interface TimedLinesOptions {
  /** Epoch ms of the first minute. */
  start: number;
  /** Minutes of log. */
  minutes: number;
  /** Mean lines per minute (seeded Poisson arrivals). */
  perMinute: number;
  seed?: number;
  /** Minutes (0-based) that also hold 300 `ERROR Disk failure …` lines, a message never seen otherwise. */
  burstAt?: readonly number[];
}

/**
 * Raw timestamped lines (`<ISO time> INFO <HDFS content>`) for the model-detector tests that go
 * through a real parser (Kafka workers, `anomalog models train`): the HDFS sample cycled with
 * seeded arrivals, in time order; burst minutes add a message the sample never has.
 */
export function timedHdfsLines(o: TimedLinesOptions): string[] {
  const lines = hdfsLines();
  const next = rng(o.seed ?? 7);
  const out: [number, string][] = [];
  const end = o.start + o.minutes * 60_000;
  const gap = 60_000 / o.perMinute;
  let i = 0;
  for (let ts = o.start; ; i++) {
    ts += Math.max(1, Math.round(-Math.log(1 - next()) * gap));
    if (ts >= end) break;
    out.push([ts, `${new Date(ts).toISOString()} INFO ${lines[i % lines.length]}`]);
  }
  for (const m of o.burstAt ?? []) {
    for (let k = 0; k < 300; k++) {
      const ts = o.start + m * 60_000 + Math.floor((k * 60_000) / 300);
      out.push([ts, `${new Date(ts).toISOString()} ERROR Disk failure on /dev/sdb${k % 4} at sector ${1000 + k * 7}`]);
    }
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, l]) => l);
}
