import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../core/source.js';
import { waitFor } from '../../../test/contract/source.contract.js';
import { syslogConfigSchema } from './config.js';
import { createSyslogSource } from './index.js';
import type { SyslogOptions } from './config.js';

const frame = (m: string) => `${Buffer.byteLength(m)} ${m}`;
const MSGS = [
  '<134>1 2026-12-06T10:00:00Z web-1 nginx 10 - - GET / 200',
  '<134>1 2026-12-06T10:00:01Z web-1 cron 11 - - job done',
  '<134>1 2026-12-06T10:00:02Z web-2 nginx 12 - - GET /a 200',
  '<134>Dec  6 10:00:03 web-2 sshd[99]: Accepted key',
  '<134>1 2026-12-06T10:00:04Z - - - - - no header values',
  'not syslog at all',
];

/** The record sources of MSGS sent over one TCP connection to a source with `options`. */
async function sourcesOf(options: SyslogOptions, maxSources?: number): Promise<{ records: RawRecord[]; overflow: number }> {
  const source = createSyslogSource({ udp: null, tcp: { port: 0 }, batch_wait_ms: 5, ...options }, { maxSources });
  const ac = new AbortController();
  const records: RawRecord[] = [];
  const done = source.run(async (b) => void records.push(...b.records), ac.signal);
  const { tcp } = await source.ready();
  await new Promise<void>((resolve, reject) => {
    const s = connect(tcp!.port, '127.0.0.1', () => s.end(MSGS.map(frame).join(''), () => resolve()));
    s.on('error', reject);
  });
  await waitFor(() => records.length >= MSGS.length, 5000, 'every message');
  const overflow = source.stats().overflow_records;
  ac.abort();
  await done;
  return { records, overflow };
}

describe('syslog source_by', () => {
  it('defaults to [hostname, appname]: each program on each host is its own record source (RFC 5424 and 3164)', async () => {
    expect(syslogConfigSchema.parse({}).source_by).toEqual(['hostname', 'appname']);
    const { records, overflow } = await sourcesOf({});
    expect(records.map((r) => r.source)).toEqual(['syslog:web-1/nginx', 'syslog:web-1/cron', 'syslog:web-2/nginx', 'syslog:web-2/sshd', 'syslog', 'syslog']);
    expect(overflow).toBe(0);
    // The connection's attributes stay on every record.
    expect(records.every((r) => r.attrs?.transport === 'tcp')).toBe(true);
  });

  it('takes other header fields and source_id as the base; [] keeps one source', async () => {
    expect((await sourcesOf({ source_by: ['hostname'], source_id: 'relay' })).records.map((r) => r.source)).toEqual(['relay:web-1', 'relay:web-1', 'relay:web-2', 'relay:web-2', 'relay', 'relay']);
    expect((await sourcesOf({ source_by: ['procid'] })).records.map((r) => r.source).slice(0, 4)).toEqual(['syslog:10', 'syslog:11', 'syslog:12', 'syslog:99']);
    expect(new Set((await sourcesOf({ source_by: [] })).records.map((r) => r.source))).toEqual(new Set(['syslog']));
  });

  it('opens at most pipeline.max_sources record sources; the rest go to syslog:_overflow, counted', async () => {
    const { records, overflow } = await sourcesOf({}, 2);
    expect(records.map((r) => r.source)).toEqual(['syslog:web-1/nginx', 'syslog:web-1/cron', 'syslog:_overflow', 'syslog:_overflow', 'syslog', 'syslog']);
    expect(overflow).toBe(2);
  });

  it('refuses a bad source_by in the config with the path of the key', () => {
    expect(() => syslogConfigSchema.parse({ source_by: 'hostname' })).toThrow(/source_by/);
    expect(() => syslogConfigSchema.parse({ source_by: ['hostname', 'hostname'] })).toThrow(/twice/);
    expect(() => syslogConfigSchema.parse({ source_by: [''] })).toThrow();
    expect(() => syslogConfigSchema.parse({ source_by: Array.from({ length: 9 }, (_, i) => `k${i}`) })).toThrow();
  });
});
