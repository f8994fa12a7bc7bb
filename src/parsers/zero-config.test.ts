import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import type { RawLine } from './lines/index.js';
import { LogParser } from './pipeline.js';

const ARRIVAL = Date.UTC(2026, 11, 6, 12, 0, 0);
const OPENSSH = readFileSync(new URL('../../test/fixtures/logs/loghub-samples/OpenSSH.log', import.meta.url), 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.length > 0);

function numbered(texts: string[], from = 1): RawLine[] {
  return texts.map((text, i) => ({ text, line: from + i }));
}

function run(p: LogParser, texts: string[]): LogEvent[] {
  return p.pushLines(numbered(texts), ARRIVAL).concat(p.flush(ARRIVAL));
}

/** A header (clock, host, program[pid]) a relay would leave inside a structured record's message. */
const HEADED = /^(?:<[A-Z]+>|<\*>)[ :]+/;

describe('zero-config parsing: the layout is inferred from the lines', () => {
  it('splits header from message as a layout would, and shows the layout', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `2024-05-0${1 + (i % 9)} 10:${String(i).padStart(2, '0')}:07,123 ${i % 5 ? 'INFO' : 'WARN'} [main] org.app.Worker: job ${i} done`);
    const p = new LogParser({ source: 'app' });
    const events = run(p, lines);
    expect(p.formatSpec).toEqual({ kind: 'inferred', layout: '<Date> <Time> <Level> <Thread> <Component>: <Content>' });
    expect(events.map((e) => e.template)).toEqual(new Array(60).fill('job <NUM> done'));
    expect(events[5].level).toBe('warn');
    expect(events[0].ts).toBe(Date.UTC(2024, 4, 1, 10, 0, 7, 123));
    expect(p.stats.unmatched).toBe(0);
  });

  it('keeps the inferred layout in its state', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `Dec 10 06:55:${String(i % 60).padStart(2, '0')} LabSZ sshd[${24000 + i}]: Invalid user u${i} from 10.0.0.${i}`);
    const a = new LogParser({ source: 's' });
    run(a, lines);
    const b = new LogParser({ source: 's' });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.formatSpec).toEqual(a.formatSpec);
    // Restored, it parses the first line at once (nothing held back for detection).
    const [e] = b.pushLines(numbered([lines[3]]), ARRIVAL);
    expect(e?.template).toBe(a.miner.template(e.templateId));
  });

  it('a source whose layout changes (a deploy) is handled, counted and reported, not misparsed', () => {
    const changes: unknown[] = [];
    const p = new LogParser({ source: 'svc', onLayoutChange: (c) => changes.push(c) });
    const before = Array.from({ length: 300 }, (_, i) => `2024-05-01 10:00:${String(i % 60).padStart(2, '0')} INFO api: served request ${i}`);
    const after = Array.from({ length: 1100 }, (_, i) => `[2024-05-01T11:00:${String(i % 60).padStart(2, '0')}Z] [warn] (worker-${i % 4}) cache ${i} evicted`);
    const events = run(p, [...before, ...after]);
    expect(p.stats.layoutChanges).toBe(1);
    expect(changes).toEqual([{ from: '<Date> <Time> <Level> <Component>: <Content>', to: '\\[<Timestamp>\\] \\[<Level>\\] <Content>', line: expect.any(Number), source: 'svc' }]);
    // Past the change, lines are read with the new layout: no header in templates.
    const last = events[events.length - 1];
    expect(last.template).toBe('(<ID>) cache <NUM> evicted');
    expect(last.level).toBe('warn');
    // Lines read while the change was being noticed still lost their leading time (plain reading).
    expect(events.every((e) => !e.template.startsWith('['))).toBe(true);
  });

  it('infers from record starts: stack-trace lines do not count against the header', () => {
    const text = readFileSync(new URL('../../test/fixtures/logs/other/java-stacktrace.log', import.meta.url), 'utf8');
    const p = new LogParser({ source: 'java' });
    const events = run(p, text.split('\n'));
    expect(p.formatSpec?.layout).toBe('<Date> <Time> <Level> <Component>: <Content>');
    expect(events.map((e) => e.level)).toEqual(['info', 'error', 'info']);
    expect(events[1].message.split('\n')[0]).toBe('Cannot parse quantity');
  });

  it('a label before the time, and a time ended by `:` (update-alternatives)', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `update-alternatives 2025-06-24 14:36:${String(10 + i)}: link group pager updated to point to /usr/bin/less${i}`);
    const p = new LogParser({ source: 'alt' });
    const events = run(p, lines);
    expect(p.formatSpec?.layout).toBe('<Field> <Date> <Time> <Content>');
    expect(events[3].ts).toBe(Date.UTC(2025, 5, 24, 14, 36, 13));
    expect(events[3].template).toBe('link group pager updated to point to <PATH>');
  });

  it('free text keeps its lines whole (no layout), as before', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `worker ${i % 4} picked job ${i} from the queue`);
    const p = new LogParser({ source: 't' });
    const events = run(p, lines);
    expect(p.formatSpec).toEqual({ kind: 'inferred' });
    expect(events[0].message).toBe(lines[0]);
  });
});

describe('zero-config parsing: the header inside structured records (relays)', () => {
  it('syslog (RFC 5424) relaying a file of OpenSSH lines: the file header leaves the message', () => {
    const p = new LogParser({ source: 'relay', format: 'syslog' });
    const records = OPENSSH.map((l, i) => `<13>1 2026-12-06T12:00:0${i}.000000+00:00 relayhost sshd-file - - - ${l}`);
    // Records arrive one by one: the first one is read right.
    const events = records.flatMap((r, i) => p.pushLines(numbered([r], i + 1), ARRIVAL));
    expect(events).toHaveLength(OPENSSH.length);
    for (const e of events) {
      expect(e.template).not.toMatch(HEADED);
      expect(e.template).not.toContain('LabSZ');
    }
    expect(events[0].message).toBe(OPENSSH[0].slice(OPENSSH[0].indexOf(']: ') + 3));
    // The syslog header's own time is kept.
    expect(events[0].ts).toBe(Date.UTC(2026, 11, 6, 12, 0, 0));
    expect(p.messageLayoutText).toBe('<Month> <Day> <Time> <Host> <Component>: <Content>');
    const q = new LogParser({ source: 'relay', format: 'syslog' });
    q.restore(JSON.parse(JSON.stringify(p.snapshot())));
    expect(q.messageLayoutText).toBe(p.messageLayoutText);
  });

  it('JSON records whose message is a whole raw line (a shipper, OTLP or Loki body)', () => {
    const p = new LogParser({ source: 'otlp' });
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ ts: ARRIVAL + i, message: `2024-05-01 10:00:${String(i % 60).padStart(2, '0')} ERROR db.pool: connection ${i} refused` }));
    const events = run(p, lines);
    expect(p.formatSpec).toEqual({ kind: 'json' });
    expect(new Set(events.map((e) => e.template))).toEqual(new Set(['connection <NUM> refused']));
    expect(events[0].level).toBe('error');
  });

  it('JSON records with plain messages are left as they are', () => {
    const p = new LogParser({ source: 'j' });
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ level: 'info', msg: `user ${i} signed in` }));
    const events = run(p, lines);
    expect(p.messageLayoutText).toBeNull();
    expect(events[7].message).toBe('user 7 signed in');
  });
});
