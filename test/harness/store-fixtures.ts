/**
 * @module test/harness/store-fixtures
 * Temporary store directories and generated anomalies for the store tests and the crash writer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Anomaly, Severity } from '../../src/core/event.js';

export const SOURCES = ['file:/var/log/app.log', 'syslog', 'http'];
export const DETECTORS = ['novelty', 'rate', 'params', 'model'];
export const SEVERITIES: Severity[] = ['info', 'warning', 'error', 'critical'];

export interface TmpDir {
  dir: string;
  file(name?: string): string;
  remove(): void;
}

export function tmpDir(): TmpDir {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-store-'));
  return {
    dir,
    file: (name = 'anomalog.db') => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The i-th generated anomaly. Many share a timestamp (i % 97 steps) so paging must order by id too;
 * optional fields are present on some rows only.
 */
export function makeAnomaly(i: number, prefix = 'a', baseTs = 1_700_000_000_000): Anomaly {
  const a: Anomaly = {
    id: `${prefix}-${i.toString(36)}-${(i * 2654435761) % 4294967296}`,
    ts: baseTs + (i % 97) * 1000,
    source: SOURCES[i % SOURCES.length],
    detector: DETECTORS[(i >> 1) % DETECTORS.length],
    score: (i % 13) / 7,
    severity: SEVERITIES[(i >> 2) % SEVERITIES.length],
    title: `Template ${i % 11} appeared ${i} times.`,
    explanation: [{ feature: `#events t${i % 11}`, templateId: i % 11, template: 'Receiving block <*>', observed: i, expected: i / 3, contribution: 0.5 }],
    context: [`line before ${i}`, `line ${i}`, `line after ${i}`],
  };
  if (i % 2 === 0) a.window = { start: a.ts - 60_000, end: a.ts };
  if (i % 3 === 0) a.sessionKey = `blk_${i}`;
  if (i % 5 === 0) a.templateId = i % 11;
  return a;
}

export function makeAnomalies(n: number, prefix = 'a', from = 0): Anomaly[] {
  const out: Anomaly[] = [];
  for (let i = from; i < from + n; i++) out.push(makeAnomaly(i, prefix));
  return out;
}
