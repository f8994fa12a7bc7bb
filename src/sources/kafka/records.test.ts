import { describe, expect, it } from 'vitest';
import { fieldAt, headerAttrs, MAX_SOURCE_ID, SourceIds, sourceIdOf, toRawRecord, toRawRecords, type ConvertStats, type KafkaRecordIn } from './records.js';

const msg = (value: string | null, key: string | null = 'web-1', offset = 0, headers?: KafkaRecordIn['headers']): KafkaRecordIn => ({
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  timestamp: '1796000000000',
  offset: String(offset),
  headers,
});

describe('kafka records', () => {
  it('names the source by key, by a JSON field or by the topic, falling back to the topic', () => {
    const naming = { topic: 'logs', from: 'key' as const };
    expect(sourceIdOf(msg('x', 'api'), naming)).toBe('api');
    expect(sourceIdOf(msg('x', null), naming)).toBe('logs');
    expect(sourceIdOf(msg('x', ''), naming)).toBe('logs');
    expect(sourceIdOf(msg('x', 'api'), { topic: 'logs', from: 'topic' })).toBe('logs');
    const v = { host: { name: 'db-2' }, message: 'm' };
    expect(sourceIdOf(msg('x'), { topic: 'logs', from: 'field', field: 'host.name' }, v)).toBe('db-2');
    expect(sourceIdOf(msg('x'), { topic: 'logs', from: 'field', field: 'host.missing' }, v)).toBe('logs');
    expect(sourceIdOf(msg('x', 'k'.repeat(5000)), naming)).toHaveLength(MAX_SOURCE_ID);
  });

  it('reads only own properties of JSON values', () => {
    expect(fieldAt({ a: { b: 1 } }, 'a.b')).toBe(1);
    expect(fieldAt({}, 'constructor')).toBeUndefined();
    expect(fieldAt({ a: null }, 'a.b')).toBeUndefined();
  });

  it('turns Kafka headers into bounded string attrs', () => {
    expect(headerAttrs(undefined)).toBeUndefined();
    expect(headerAttrs({ env: Buffer.from('prod'), trace: ['a', Buffer.from('b')], none: undefined })).toEqual({ env: 'prod', trace: 'b' });
    const many: Record<string, string> = {};
    for (let i = 0; i < 100; i++) many[`h${i}`] = 'x'.repeat(5000);
    const out = headerAttrs(many)!;
    expect(Object.keys(out)).toHaveLength(32);
    expect(out.h0).toHaveLength(1024);
  });

  it('converts values to records: offsets as line numbers, tombstones skipped and counted, long values cut and counted, a JSON field as the source', () => {
    const stats: ConvertStats = { truncated: 0, empty: 0 };
    const { records, offsets } = toRawRecords(
      [msg('first line\r\n', 'a', 10, { env: 'prod' }), msg(null, 'a', 11), msg('y'.repeat(200), 'b', 12), msg('{"host":{"name":"h1"},"message":"m"}', null, 13)],
      { topic: 'logs', from: 'key' },
      5,
      100,
      stats,
    );
    expect(offsets).toEqual([10, 12, 13]);
    expect(records.map((r) => [r.source, r.text.length, r.line, r.arrivalTs])).toEqual([
      ['a', 10, 11, 5],
      ['b', 100, 13, 5],
      ['logs', 36, 14, 5],
    ]);
    expect(records[0].attrs).toEqual({ env: 'prod' });
    expect(records[1].truncated).toBe(true);
    expect(stats).toEqual({ truncated: 1, empty: 1 });
    const byField = toRawRecords([msg('{"host":{"name":"h1"},"message":"m"}', 'k', 0)], { topic: 'logs', from: 'field', field: 'host.name' }, 0, 1000, stats);
    expect(byField.records[0].source).toBe('h1');
  });

  it('remembers the source ids of recent keys: the same id as decoding each key, across more keys than it keeps', () => {
    const ids = new SourceIds();
    const naming = { topic: 'logs', from: 'key' as const };
    const keys = [...Array.from({ length: 40 }, (_, i) => `src-${i}`), 'é-ü', '', 'k'.repeat(70), 'src-1'];
    for (let round = 0; round < 3; round++) {
      for (const k of keys) expect(ids.of(msg('x', k), naming)).toBe(sourceIdOf(msg('x', k), naming));
    }
    expect(ids.of(msg('x', null), naming)).toBe('logs');
    // The key is copied: the client's buffer (a view into a fetch response) may be reused.
    const key = Buffer.from('web-7');
    expect(ids.of({ ...msg('x'), key }, naming)).toBe('web-7');
    key.write('web-8');
    expect(ids.of({ ...msg('x'), key }, naming)).toBe('web-8');
    // Other namings are not keyed: a field or the topic.
    const stats: ConvertStats = { truncated: 0, empty: 0 };
    const byField = { topic: 'logs', from: 'field' as const, field: 'host' };
    expect(toRawRecord(msg('{"host":"h2"}', 'k'), 0, byField, 0, 1000, stats, ids)?.source).toBe('h2');
    expect(toRawRecord(msg('plain', 'k'), 0, byField, 0, 1000, stats, ids)?.source).toBe('logs');
  });
});
