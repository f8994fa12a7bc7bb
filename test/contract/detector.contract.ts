/**
 * @module test/contract/detector.contract
 * The shared suite every StreamDetector runs (STYLE §3.6): deterministic ids, snapshot → restore →
 * identical subsequent output, refusal of newer snapshot versions, bounded state under 100k distinct
 * templates, and no throw on odd events.
 */
import { describe, expect, it } from 'vitest';
import type { StreamDetector } from '../../src/core/detector.js';
import type { Anomaly, LogEvent } from '../../src/core/event.js';
import { errorCode } from '../harness/errors.js';

/** One step of a scripted stream: a batch of events or a clock tick. */
export type Step = { events: LogEvent[] } | { tick: number };

export interface DetectorContractOptions {
  /** A fresh detector with small caps (so the 100k-template test stays fast). */
  make: () => StreamDetector;
  /** A scripted stream that raises anomalies in its second half. */
  stream: () => Step[];
  /** Suffix of the suite name when a detector runs the contract in several configurations. */
  variant?: string;
}

export function run(d: StreamDetector, steps: readonly Step[]): Anomaly[] {
  const out: Anomaly[] = [];
  for (const s of steps) out.push(...('events' in s ? d.observe(s.events) : d.tick(s.tick)));
  return out;
}

function ev(i: number, ts: number, templateId: number, params: string[], extra: Partial<LogEvent> = {}): LogEvent {
  return { ts, source: 'src', level: 'info', message: `m ${i}`, raw: `m ${i}`, templateId, template: `t${templateId} <*>`, params, ...extra };
}

export function detectorContract(name: string, o: DetectorContractOptions): void {
  describe(`${name}${o.variant ? ` [${o.variant}]` : ''} (StreamDetector contract)`, () => {
    it('gives the same anomaly ids when the same input is processed twice', () => {
      const steps = o.stream();
      const a = run(o.make(), steps);
      const b = run(o.make(), steps);
      expect(a.length).toBeGreaterThan(0);
      expect(b.map((x) => x.id)).toEqual(a.map((x) => x.id));
      expect(new Set(a.map((x) => x.id)).size).toBe(a.length);
      for (const x of a) {
        expect(x.detector).toBe(name);
        expect(x.title).toMatch(/^[A-Z].*\.$/);
        expect(x.title.split(/\.\s+[A-Z]/).length).toBe(1);
      }
    });

    it('continues identically after snapshot → JSON → restore', () => {
      const steps = o.stream();
      const cut = Math.floor(steps.length / 2);
      const original = o.make();
      run(original, steps.slice(0, cut));
      const saved = JSON.parse(JSON.stringify(original.snapshot()));
      const restored = o.make();
      restored.restore(saved);
      const rest = steps.slice(cut);
      const a = run(original, rest);
      const b = run(restored, rest);
      expect(a.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
      expect(JSON.parse(JSON.stringify(restored.snapshot()))).toEqual(JSON.parse(JSON.stringify(original.snapshot())));
    });

    it('refuses a snapshot of a newer version and one of another kind', () => {
      const d = o.make();
      run(d, o.stream().slice(0, 3));
      const s = d.snapshot();
      expect(errorCode(() => o.make().restore({ ...s, version: s.version + 1 }))).toBe('ANOMALOG_ERR_SNAPSHOT_VERSION');
      expect(errorCode(() => o.make().restore({ ...s, kind: 'other' }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
      expect(errorCode(() => o.make().restore({ ...s, data: null }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    });

    it('keeps its state bounded under 100k distinct templates', () => {
      const d = o.make();
      const size = () => JSON.stringify(d.snapshot()).length;
      const t0 = Date.UTC(2026, 0, 1);
      let sizeAt10k = 0;
      const batch: LogEvent[] = [];
      for (let i = 0; i < 100_000; i++) {
        batch.push(ev(i, t0 + i * 10, 1_000_000 + i, [String(i % 97), `${i}ms`]));
        if (batch.length === 1000) {
          d.observe(batch.splice(0));
          if (i + 1 === 10_000) sizeAt10k = size();
        }
      }
      d.tick(t0 + 100_000 * 10 + 3_600_000);
      expect(sizeAt10k).toBeGreaterThan(0);
      expect(size()).toBeLessThan(2 * sizeAt10k + 10_000);
    });

    it('never throws on odd events or clocks', () => {
      const d = o.make();
      run(d, o.stream());
      const t = Date.UTC(2026, 0, 1);
      const odd: LogEvent[] = [
        ev(1, t, 5, []),
        ev(2, t, 5, ['', ' ', 'NaN', 'nan', 'Infinity', '-Infinity', '1e400', '-1e400', '9'.repeat(400), '0x1f', '12abc', '5KB', '-0']),
        ev(3, Number.NaN, 6, ['1']),
        ev(4, -1e18, 7, ['2']),
        ev(5, 8.64e15, 8, ['3']),
        ev(6, t, Number.NaN, ['4']),
        ev(7, t, -1, ['NaN strings', 'Number.MAX_VALUE', String(Number.MAX_VALUE)]),
        { ts: t, source: '', message: '', raw: '', templateId: 9, template: '', params: [] },
        { ts: t, source: 'x'.repeat(10_000), message: 'y', raw: 'y'.repeat(100_000), templateId: 10, template: 'z', params: ['1'.repeat(100_000)] },
        {} as LogEvent,
        { ts: t } as LogEvent,
        { ts: t, source: 'p', templateId: 11, params: null } as unknown as LogEvent,
        { ts: t, source: 'p', templateId: 12, params: [1, null, {}] } as unknown as LogEvent,
      ];
      expect(() => d.observe(odd)).not.toThrow();
      for (const now of [Number.NaN, -1, 0, t + 1, 8.64e15, Number.POSITIVE_INFINITY, Number.MAX_VALUE]) expect(() => d.tick(now)).not.toThrow();
      expect(() => d.observe([ev(8, t + 60_000, 5, ['1'])])).not.toThrow();
      expect(() => JSON.stringify(d.snapshot())).not.toThrow();
      const again = o.make();
      expect(() => again.restore(JSON.parse(JSON.stringify(d.snapshot())))).not.toThrow();
    });
  });
}
