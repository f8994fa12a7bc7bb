import { describe, expect, it } from 'vitest';
import { storedAttrs } from '../core/attrs.js';
import type { Anomaly, LogEvent } from '../core/event.js';
import { bigWords, retainedMiB } from '../../test/harness/heap.js';
import { ContextRing } from './context-ring.js';

const event = (i: number, raw: string, fields: Record<string, unknown>): LogEvent => ({ ts: i, source: 's', level: undefined, message: raw, fields, raw, line: i, tsFromArrival: false, templateId: i, template: raw, params: [], change: 'none' }) as unknown as LogEvent;
const anomaly = (templateId: number): Anomaly => ({ id: 'a', source: 's', ts: 100, templateId, context: [] }) as unknown as Anomaly;

describe('ContextRing: what a long record leaves in the ring (issue 17)', () => {
  it('keeps the stored pairs of a long JSON record’s fields, not its megabyte values', () => {
    const { mib, value } = retainedMiB(() => {
      const ring = new ContextRing(20);
      let expected;
      for (let i = 0; i < 20; i++) {
        // A JSON record whose stack trace is a megabyte: its raw text is long, its fields hold the value.
        const fields = { host: 'web-1', stack: bigWords(1 << 20, i + 1), n: i };
        expected = storedAttrs(fields, undefined);
        ring.add([event(i, `{"host":"web-1",${'x'.repeat(3000)}`, fields)]);
      }
      return { ring, expected };
    });
    // The fields themselves held 20 MiB.
    expect(mib).toBeLessThan(4);
    // The anomaly reads the same attributes as from the whole fields.
    const a = anomaly(19);
    value.ring.annotate(a);
    expect(a.attrs).toEqual(value.expected);
    expect(a.attrs?.stack).toHaveLength(256);
  });

  it('keeps a short record’s fields as they are', () => {
    const ring = new ContextRing(5);
    const fields = { host: 'web-2', nested: { id: 7 } };
    ring.add([event(1, 'short line', fields)]);
    const a = anomaly(1);
    ring.annotate(a);
    expect(a.attrs).toEqual({ host: 'web-2', 'nested.id': '7' });
  });

  it('storedAttrs: a value cut to 256 characters does not keep the megabyte it was cut from', () => {
    const { mib, value } = retainedMiB(() => Array.from({ length: 20 }, (_, i) => storedAttrs({ v: bigWords(1 << 20, i + 1) }, undefined)));
    expect(value.every((a) => a?.v.length === 256 && a.v.endsWith('…'))).toBe(true);
    expect(mib).toBeLessThan(4);
  });
});
