import { compress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { lokiProtobuf } from '../../../test/harness/loki-push.js';
import { decodeLokiProtobuf, parseLabels } from './loki-proto.js';

describe('Loki protobuf push', () => {
  it('decodes streams, label sets and nanosecond timestamps into the JSON push shape', () => {
    const body = lokiProtobuf([
      { labels: '{job="api", filename="/var/log/api.log"}', entries: [{ s: 1_700_000_000, ns: 123_456_789, line: 'connection from 10.0.0.1 closed' }, { s: 1_700_000_001, ns: 5, line: 'ünïcode ✓' }] },
      { labels: '{app="web"}', entries: [{ s: 1_700_000_002, ns: 0, line: 'GET / 200' }] },
    ]);
    expect(decodeLokiProtobuf(body, 1 << 20)).toEqual({
      streams: [
        { stream: { job: 'api', filename: '/var/log/api.log' }, values: [['1700000000123456789', 'connection from 10.0.0.1 closed'], ['1700000001000000005', 'ünïcode ✓']] },
        { stream: { app: 'web' }, values: [['1700000002000000000', 'GET / 200']] },
      ],
    });
  });

  it('refuses a corrupt stream, a body that is not a PushRequest, and a decompression bomb before allocating it', () => {
    expect(() => decodeLokiProtobuf(new Uint8Array([0xff, 0xff, 0xff]), 1 << 20)).toThrow(/not a Snappy-compressed Loki push/);
    expect(() => decodeLokiProtobuf(compress(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])), 1 << 20)).toThrow(/not a Loki PushRequest/);
    // A Snappy preamble announcing 128 MiB over a limit of 40: refused from the header, nothing that size is allocated.
    expect(() => decodeLokiProtobuf(new Uint8Array([0x80, 0x80, 0x80, 0x40, 0x00]), 40 << 20)).toThrow(/uncompressed length of 134217728 is too big/);
  });

  it('parses label sets with escapes, and keeps a label named __proto__ a plain key', () => {
    expect(parseLabels('{job="a\\"b", path="C:\\\\logs", msg="x\\ny", empty=""}')).toEqual({ job: 'a"b', path: 'C:\\logs', msg: 'x\ny', empty: '' });
    const p = parseLabels('{__proto__="polluted", app="x"}');
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.keys(p)).toEqual(['__proto__', 'app']);
    expect(parseLabels('{app="x", broken')).toEqual({ app: 'x' });
    expect(parseLabels('')).toEqual({});
  });
});
