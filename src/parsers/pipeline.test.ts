import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines/index.js';
import { LogParser } from './pipeline.js';

const fixture = (p: string) => readFileSync(new URL(`../../test/fixtures/logs/${p}`, import.meta.url));
const HDFS_LAYOUT = '<Date> <Time> <Pid> <Level> <Component>: <Content>';

function parseBuffer(buf: Buffer, parser: LogParser, chunk = 7) {
  const split = new LineSplitter({ maxLineBytes: 4096 });
  const events = [];
  // Feed odd-sized chunks so lines straddle chunk boundaries.
  for (let i = 0; i < buf.length; i += chunk) events.push(...parser.pushLines(split.push(buf.subarray(i, i + chunk)), 1_700_000_000_000));
  events.push(...parser.pushLines(split.end(), 1_700_000_000_000));
  events.push(...parser.flush(1_700_000_000_000));
  return { events, split };
}

describe('LogParser', () => {
  it('parses a Loghub layout: header fields, event time, level, template and params', () => {
    const p = new LogParser({ source: 'hdfs', format: HDFS_LAYOUT });
    const { events } = parseBuffer(fixture('loghub-samples/HDFS.log'), p);
    expect(events.length).toBeGreaterThanOrEqual(4);
    const first = events[0];
    expect(first.line).toBe(1);
    expect(first.level).toBe('info');
    expect(first.ts).toBe(Date.UTC(2008, 10, 9, 20, 36, 15));
    expect(first.tsFromArrival).toBeFalsy();
    expect(first.template).toBe('PacketResponder <NUM> for block <ID> terminating');
    expect(first.params).toEqual(['1', 'blk_38865049064139660']);
    expect(events[1].templateId).toBe(first.templateId);
    expect(first.fields?.Component).toBe('dfs.DataNode$PacketResponder');
  });

  it('joins a Java stack trace into one event that keeps its first line number', () => {
    const p = new LogParser({ source: 'java', format: '<Date> <Time> <Level> <Component>: <Content>' });
    const { events } = parseBuffer(fixture('other/java-stacktrace.log'), p);
    const severe = events.find((e) => e.level !== undefined && /SEVERE|ERROR/i.test(String(e.fields?.Level ?? e.level)));
    expect(severe).toBeDefined();
    expect(severe!.line).toBe(2);
    expect(severe!.message).toContain('\tat Main.main(Main.java:9)');
    expect(severe!.message).toContain('Caused by:');
    // no event starts with a continuation line
    for (const e of events) expect(e.raw.startsWith('\tat ')).toBe(false);
  });

  it('keeps every line separate with multiline off', () => {
    const buf = fixture('other/java-stacktrace.log');
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim().length > 0).length;
    const { events } = parseBuffer(buf, new LogParser({ format: 'plain', multiline: false }));
    expect(events).toHaveLength(lines);
  });

  it('survives hostile bytes without shifting line numbers', () => {
    const huge = 'x'.repeat(3 * 1024 * 1024);
    const parts = [
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('first line 1\r\n'),
      Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0x20, 0x75, 0x74, 0x66, 0x0a]), // "bad \xff\xfe utf\n"
      Buffer.from('nul\u0000byte 3\n\n'),
      Buffer.from(`${huge}\n`),
      Buffer.from('last line 7'),
    ];
    const p = new LogParser({ format: 'plain', multiline: false });
    const { events, split } = parseBuffer(Buffer.concat(parts), p, 65536);
    expect(events.map((e) => e.line)).toEqual([1, 2, 3, 5, 6]);
    expect(events[0].message).toBe('first line 1');
    expect(events[1].message).toContain('\uFFFD');
    expect(events[3].raw.length).toBeLessThanOrEqual(4096);
    expect(events[4].message).toBe('last line 7');
    expect(split.stats.truncated).toBe(1);
    expect(split.stats.invalidUtf8).toBe(1);
    expect(split.stats.bomStripped).toBe(1);
    expect(p.stats.emptyLines).toBe(1);
  });

  it('auto-detects JSON lines and mines their message field', () => {
    const lines = [
      '{"ts":"2026-11-24T01:00:00Z","level":"info","msg":"user 17 logged in","service":"auth"}',
      '{"ts":"2026-11-24T01:00:01Z","level":"warn","msg":"user 18 logged in","service":"auth"}',
    ].map((text, i) => ({ text, line: i + 1 }));
    const p = new LogParser({ detectSample: 2 });
    const events = p.pushLines(lines, 0).concat(p.flush(0));
    expect(p.formatSpec?.kind).toBe('json');
    expect(events).toHaveLength(2);
    expect(events[0].ts).toBe(Date.UTC(2026, 10, 24, 1, 0, 0));
    expect(events[1].templateId).toBe(events[0].templateId);
    expect(events[0].template).toBe('user <NUM> logged in');
  });

  it('restores format and template ids from a snapshot; match mode learns nothing', () => {
    const a = new LogParser({ format: HDFS_LAYOUT });
    const first = parseBuffer(fixture('loghub-samples/HDFS.log'), a).events;
    const snap = JSON.parse(JSON.stringify(a.snapshot()));
    const b = new LogParser();
    b.restore(snap);
    expect(b.formatSpec).toEqual(a.formatSpec);
    const again = parseBuffer(fixture('loghub-samples/HDFS.log'), b).events;
    expect(again.map((e) => e.templateId)).toEqual(first.map((e) => e.templateId));
    const before = b.miner.templates().length;
    const m = b.pushLines([{ text: '081109 203615 148 INFO dfs.X: something entirely new here', line: 1 }], 0, 'match').concat(b.flush(0, 'match'));
    expect(m[0].templateId).toBe(0);
    expect(b.miner.templates().length).toBe(before);
    expect(() => b.restore({ ...snap, version: 2 })).toThrow(/newer/);
  });
});
