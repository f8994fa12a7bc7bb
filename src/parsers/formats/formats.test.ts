import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AnomalogError } from '../../core/errors.js';
import { AccessLogFormat, parseAccessLine } from './access-log.js';
import { formatConfigSchema } from './config.js';
import { createFormat, detectFormat, LOGFMT_HEAD_CHARS, parseSpec } from './detect.js';
import { JsonFormat } from './json.js';
import { normalizeLevel } from './level.js';
import { LogfmtFormat, parseLogfmt } from './logfmt.js';
import { PlainFormat } from './plain.js';
import { LogParser } from '../pipeline.js';
import { SyslogFormat } from './syslog.js';

const DIR = fileURLToPath(new URL('../../../test/fixtures/logs/', import.meta.url));
const read = (f: string): string[] => readFileSync(DIR + f, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
const ARRIVAL = Date.UTC(2026, 10, 24, 12, 0, 0);

describe('JsonFormat', () => {
  const lines = read('other/go-slog.jsonl');

  it('reads time, level, message and keeps the other (nested) fields', () => {
    const f = new JsonFormat();
    const rs = lines.map((l, i) => f.extract(l, i + 1, ARRIVAL, 'svc'));
    expect(rs.map((r) => r.level)).toEqual(['info', 'debug', 'warn', 'error']);
    expect(rs.map((r) => r.message)).toEqual(lines.map((l) => (JSON.parse(l) as { msg: string }).msg));
    expect(rs[0].ts).toBe(Date.parse((JSON.parse(lines[0]) as { time: string }).time));
    expect(rs[0].tsFromArrival).toBe(false);
    expect(rs[0].fields).toEqual({ service: 'checkout', port: 8080 });
    expect(rs[2].fields?.req).toEqual({ method: 'GET', path: '/cart/42', ms: 912 });
    expect(rs[3].raw).toBe(lines[3]);
    expect(f.stats).toEqual({ matched: 4, unmatched: 0 });
  });

  it('understands other common key conventions', () => {
    const f = new JsonFormat();
    const pino = f.extract('{"level":50,"time":1700000000123,"pid":7,"hostname":"h","name":"api","msg":"boom"}', 1, ARRIVAL, 's');
    expect(pino).toMatchObject({ level: 'error', ts: 1700000000123, message: 'boom' });
    expect(pino.fields).toMatchObject({ logger: 'api', pid: 7 });
    const ecs = f.extract('{"@timestamp":"2023-01-02T03:04:05.678Z","log":{"level":"warn","logger":"x"},"message":"m","service":{"name":"cart"}}', 2, ARRIVAL, 's');
    expect(ecs).toMatchObject({ level: 'warn', ts: Date.UTC(2023, 0, 2, 3, 4, 5, 678), message: 'm' });
    expect(ecs.fields).toEqual({ log: { logger: 'x' }, service: { name: 'cart' } });
    const log4j = f.extract('{"instant":{"epochSecond":1700000000,"nanoOfSecond":5000000},"level":"INFO","loggerName":"a.B","message":"hi"}', 3, ARRIVAL, 's');
    expect(log4j).toMatchObject({ ts: 1700000000005, level: 'info' });
    expect(log4j.fields?.logger).toBe('a.B');
    const docker = f.extract('{"log":"listening on :80\\n","stream":"stdout","time":"2019-01-01T11:11:11.111111111Z"}', 4, ARRIVAL, 's');
    expect(docker.message).toBe('listening on :80\n');
  });

  it('renders key=value when there is no message key, and JSON-encodes non-string messages', () => {
    const f = new JsonFormat();
    expect(f.extract('{"ts":1700000000,"cpu":0.93,"host":"a1","tags":["x"]}', 1, ARRIVAL, 's').message).toBe('cpu=0.93 host=a1');
    expect(f.extract('{"msg":{"a":1}}', 1, ARRIVAL, 's').message).toBe('{"a":1}');
  });

  it('turns lines that are not JSON objects into unmatched records, never throwing', () => {
    const f = new JsonFormat();
    for (const bad of ['not json', '{"unterminated": ', '[1,2]', '{', 'null', '']) {
      const r = f.extract(bad, 9, ARRIVAL, 's');
      expect(r).toMatchObject({ message: bad, ts: ARRIVAL, tsFromArrival: true, line: 9 });
    }
    expect(f.stats.unmatched).toBe(6);
  });

  it('skips time and level keys whose values are not times or levels', () => {
    const r = new JsonFormat().extract('{"time":"12ms","ts":1700000000,"level":"high","severity":"ERROR","msg":"x"}', 1, ARRIVAL, 's');
    expect(r).toMatchObject({ ts: 1700000000000, level: 'error', tsFromArrival: false });
    expect(r.fields).toEqual({ time: '12ms', level: 'high' });
  });

  it('uses the arrival time when the record has none', () => {
    const r = new JsonFormat().extract('{"msg":"x","time":"yesterday"}', 1, ARRIVAL, 's');
    expect(r).toMatchObject({ ts: ARRIVAL, tsFromArrival: true });
    expect(r.fields?.time).toBe('yesterday');
  });
});

describe('LogfmtFormat', () => {
  it('reads real slog TextHandler lines', () => {
    const lines = read('other/go-slog.logfmt');
    const f = new LogfmtFormat();
    const rs = lines.map((l, i) => f.extract(l, i + 1, ARRIVAL, 's'));
    expect(rs.map((r) => r.level)).toEqual(['info', 'debug', 'warn', 'error']);
    expect(rs[0]).toMatchObject({ message: 'starting server', tsFromArrival: false });
    expect(rs[0].ts).toBe(Date.parse(lines[0].slice(5, lines[0].indexOf(' '))));
    expect(rs[2].fields).toMatchObject({ 'req.path': '/cart/42', service: 'checkout' });
    expect(rs[3].fields?.err).toBe('card declined: insufficient funds');
  });

  it('parses quotes, escapes, bare keys and empty values', () => {
    const out: Record<string, string | true> = {};
    const n = parseLogfmt('a=1 b="x y" c="q\\"uote" flag d= e="unterminated', out);
    expect(n).toBe(5);
    expect(out).toEqual({ a: '1', b: 'x y', c: 'q"uote', flag: true, d: '', e: 'unterminated' });
  });

  it('renders the pairs as message when there is no msg (Heroku router)', () => {
    const r = new LogfmtFormat().extract('at=info method=GET path="/" status=200 bytes=1548', 1, ARRIVAL, 's');
    expect(r).toMatchObject({ level: 'info', message: 'method=GET path=/ status=200 bytes=1548' });
  });

  it('counts a line without pairs as unmatched', () => {
    const f = new LogfmtFormat();
    expect(f.extract('just words', 1, ARRIVAL, 's').message).toBe('just words');
    expect(f.stats.unmatched).toBe(1);
  });
});

describe('SyslogFormat', () => {
  const lines = read('other/syslog-logger.log');

  it('reads RFC 3164 and RFC 5424 lines from util-linux logger', () => {
    const f = new SyslogFormat();
    const [cron, sshd, backup, web] = lines.map((l, i) => f.extract(l, i + 1, ARRIVAL, 's'));
    expect(cron).toMatchObject({ level: 'warn', message: 'job overran by 12s', tsFromArrival: false });
    expect(cron.fields).toMatchObject({ facility: 3, severity: 4, hostname: 'vm', appname: 'cron' });
    expect(cron.ts).toBe(Date.UTC(2026, 10, 24, 1, 19, 24));
    expect(sshd).toMatchObject({ level: 'error', message: 'Failed password for root from 10.0.0.7 port 52211 ssh2' });
    expect(sshd.fields).toMatchObject({ facility: 4, appname: 'sshd', procid: '26191' });
    expect(backup).toMatchObject({ level: 'notice', message: 'Backup finished in 42s' });
    expect(backup.ts).toBe(Date.UTC(2026, 10, 24, 1, 19, 24, 592));
    expect(backup.fields).toMatchObject({ appname: 'backup', procid: '26192', msgid: 'ID47' });
    expect(backup.fields?.sd).toEqual({
      timeQuality: { tzKnown: '1', isSynced: '0' },
      'exampleSDID@32473': { iut: '3', eventSource: 'Application' },
    });
    expect(web).toMatchObject({ level: 'info', message: 'GET /health 200' });
    expect(web.fields).not.toHaveProperty('procid');
    expect(f.stats.unmatched).toBe(0);
  });

  it('reads syslog lines without PRI (files), e.g. Loghub Linux and OpenSSH', () => {
    const f = new SyslogFormat();
    const linux = read('loghub-samples/Linux.log')[0];
    const r = f.extract(linux, 1, ARRIVAL, 's');
    expect(r.fields).toMatchObject({ hostname: 'combo', appname: 'sshd(pam_unix)', procid: '19939' });
    expect(r.message.startsWith('authentication failure;')).toBe(true);
    expect(r.ts).toBe(Date.UTC(2026, 5, 14, 15, 16, 1));
    expect(r.level).toBeUndefined();
    const ssh = f.extract(read('loghub-samples/OpenSSH.log')[0], 1, ARRIVAL, 's');
    expect(ssh.fields).toMatchObject({ hostname: 'LabSZ', appname: 'sshd', procid: '24200' });
  });

  it('reads the RFC 5424 examples with a BOM before MSG and nil values', () => {
    const f = new SyslogFormat();
    const r = f.extract('<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF\'su root\' failed for lonvick on /dev/pts/8', 1, ARRIVAL, 's');
    expect(r).toMatchObject({ level: 'fatal', message: "'su root' failed for lonvick on /dev/pts/8", ts: Date.UTC(2003, 9, 11, 22, 14, 15, 3) });
    expect(r.fields).toEqual({ facility: 4, severity: 2, hostname: 'mymachine.example.com', appname: 'su', msgid: 'ID47' });
  });

  it('reads a line without hostname (sent to the local socket)', () => {
    const r = new SyslogFormat().extract('<13>Nov 24 01:19:24 root[77]: backup done', 1, ARRIVAL, 's');
    expect(r).toMatchObject({ message: 'backup done', level: 'notice' });
    expect(r.fields).toEqual({ facility: 1, severity: 5, appname: 'root', procid: '77' });
  });

  it('counts malformed lines as unmatched', () => {
    const f = new SyslogFormat();
    for (const bad of ['hello', '<999>x', '<34>1 not-a-time host app - - - x', '<34>1 2003-10-11T22:14:15Z h a p m [broken']) {
      expect(f.extract(bad, 1, ARRIVAL, 's').message).toBe(bad);
    }
    expect(f.stats.unmatched).toBe(4);
  });
});

describe('AccessLogFormat', () => {
  it('reads the Apache documentation examples (common and combined)', () => {
    const [common, combined] = read('other/apache-docs-access.log');
    const f = new AccessLogFormat();
    const a = f.extract(common, 1, ARRIVAL, 'web');
    expect(a).toMatchObject({ message: 'GET /apache_pb.gif HTTP/1.0 200', level: 'info', ts: Date.UTC(2000, 9, 10, 20, 55, 36) });
    expect(a.fields).toMatchObject({ client: '127.0.0.1', user: 'frank', method: 'GET', path: '/apache_pb.gif', status: 200, bytes: 2326 });
    const b = f.extract(combined, 2, ARRIVAL, 'web');
    expect(b.fields).toMatchObject({ referer: 'http://www.example.com/start.html', user_agent: 'Mozilla/4.08 [en] (Win98; I ;Nav)' });
    expect(b.message).toBe(a.message);
  });

  it('reads real python http.server lines; its other lines are unmatched', () => {
    const lines = read('other/python-http-server.log');
    const f = new AccessLogFormat();
    const rs = lines.map((l, i) => f.extract(l, i + 1, ARRIVAL, 'web'));
    const access = rs.filter((r) => r.fields !== undefined);
    expect(access.map((r) => r.message)).toEqual(['GET / HTTP/1.1 200', 'GET /missing/42 HTTP/1.1 404', 'HEAD /index.html HTTP/1.1 200', 'POST /api/orders HTTP/1.1 501']);
    expect(access.map((r) => r.level)).toEqual(['info', 'warn', 'info', 'error']);
    expect(access[1].fields).toMatchObject({ query: 'q=shoes&page=2' });
    expect(access[0].fields).not.toHaveProperty('bytes');
    expect(access[0].ts).toBe(Date.UTC(2026, 10, 24, 1, 19, 36));
    expect(f.stats.unmatched).toBe(2);
  });

  it('keeps odd request lines and trailing nginx fields', () => {
    const tls = parseAccessLine('10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"');
    expect(tls).toMatchObject({ request: 'x16x03x01', status: 400 });
    const r = new AccessLogFormat().extract('10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "-" 408 0 "-" "-" "1.2.3.4" 0.001', 1, ARRIVAL, 'w');
    expect(r.message).toBe('- 408');
    expect(r.fields).toMatchObject({ extra: '"1.2.3.4" 0.001' });
    expect(parseAccessLine('10.0.0.1 - - [x] "GET / HTTP/1.1" abc 1')).toBeNull();
  });
});

describe('PlainFormat', () => {
  it('reads a leading timestamp and level; the message is the rest of the line, raw the whole line', () => {
    const f = new PlainFormat();
    const py = read('other/python-traceback.log')[0];
    const r = f.extract(py, 1, ARRIVAL, 's');
    expect(r).toMatchObject({ message: 'billing: Starting batch 17', raw: py, level: 'info', tsFromArrival: false, ts: Date.UTC(2026, 10, 24, 1, 14, 8, 506) });
    const apache = read('loghub-samples/Apache.log')[1];
    expect(f.extract(apache, 2, ARRIVAL, 's')).toMatchObject({ message: 'mod_jk child workerEnv in error state 6', level: 'error', ts: Date.UTC(2005, 11, 4, 4, 47, 44) });
    // No level right after the time (HDFS's pid comes first): only the timestamp goes.
    const hdfs = read('loghub-samples/HDFS.log')[0];
    expect(f.extract(hdfs, 3, ARRIVAL, 's')).toMatchObject({ message: hdfs.slice('081109 203615 '.length), level: undefined, tsFromArrival: false });
    // Separators around the level, and a header alone (still a message).
    expect(f.extract('2024-01-02 03:04:05 | WARN | worker slow', 4, ARRIVAL, 's')).toMatchObject({ message: 'worker slow', level: 'warn' });
    expect(f.extract('2024-01-02 03:04:05 - ERROR - -5 degrees', 5, ARRIVAL, 's')).toMatchObject({ message: '-5 degrees', level: 'error' });
    expect(f.extract('2024-01-02T03:04:05Z', 6, ARRIVAL, 's')).toMatchObject({ message: '2024-01-02T03:04:05Z', tsFromArrival: false });
    // Without a leading timestamp the line is its own message (a level word is read, not cut).
    expect(f.extract('ERROR: disk full', 7, ARRIVAL, 's')).toMatchObject({ message: 'ERROR: disk full', level: 'error', ts: ARRIVAL, tsFromArrival: true });
    expect(f.extract('Connection reset by peer', 8, ARRIVAL, 's')).toMatchObject({ message: 'Connection reset by peer', level: undefined, tsFromArrival: true });
    expect(f.stats.unmatched).toBe(0);
  });

  it('gives lines that differ only in their time and level one template', () => {
    const parser = new LogParser({ source: 's' });
    const lines = ['2026-11-30 08:00:01 INFO worker done job 17 in 12 ms', '2026-11-30 08:00:02 WARN worker done job 18 in 950 ms', '2026-11-30 09:13:44 INFO worker done job 19 in 14 ms'];
    const events = [...parser.pushLines(lines.map((text, i) => ({ text, line: i + 1 })), ARRIVAL), ...parser.flush(ARRIVAL)];
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.templateId)).size).toBe(1);
    expect(events[0].template).not.toMatch(/2026|08|<ID> <NUM>:/);
    expect(events.map((e) => e.level)).toEqual(['info', 'warn', 'info']);
  });
});

describe('PlainFormat timestamp plans', () => {
  it('re-finds the timestamp when lines change shape, and stops looking in free text', () => {
    const f = new PlainFormat();
    expect(f.extract('2024-01-02 03:04:06,100 INFO a', 1, ARRIVAL, 's').ts).toBe(Date.UTC(2024, 0, 2, 3, 4, 6, 100));
    expect(f.extract('2024-01-02T03:04:05Z b', 2, ARRIVAL, 's').ts).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(f.extract('Jun  4 15:16:01 host c', 3, ARRIVAL, 's').ts).toBe(Date.UTC(2026, 5, 4, 15, 16, 1));
    expect(f.extract('[Sun Dec 04 04:47:44 2005] [notice] d', 4, ARRIVAL, 's').ts).toBe(Date.UTC(2005, 11, 4, 4, 47, 44));
    const free = new PlainFormat();
    for (let i = 0; i < 100; i++) free.extract(`word ${i}`, i + 1, ARRIVAL, 's');
    // After 64 lines without one, a late timestamp is looked for only now and then (every 1024th line).
    expect(free.extract('2024-01-02T03:04:05Z late', 101, ARRIVAL, 's').tsFromArrival).toBe(true);
    for (let i = 102; i <= 1024; i++) free.extract(`word ${i}`, i, ARRIVAL, 's');
    expect(free.extract('2024-01-02T03:04:05Z back', 1025, ARRIVAL, 's').tsFromArrival).toBe(false);
    expect(free.extract('2024-01-02T03:04:06Z again', 1026, ARRIVAL, 's').ts).toBe(Date.UTC(2024, 0, 2, 3, 4, 6));
  });
});

describe('levels', () => {
  it('normalizes names, abbreviations and numbers; unknown words are no level', () => {
    expect(['INFO', 'Warning', 'E', 'severe', 'CRIT', 'notice', 'trace'].map(normalizeLevel)).toEqual(['info', 'warn', 'error', 'error', 'fatal', 'notice', 'trace']);
    expect([30, 50, 60, 3, '6'].map(normalizeLevel)).toEqual(['info', 'error', 'fatal', 'error', 'info']);
    expect([undefined, 'combo', 'constructor', 'toString', 8, {}].map(normalizeLevel)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('createFormat / detectFormat', () => {
  it('detects each format from real samples', () => {
    expect(detectFormat(read('other/go-slog.jsonl')).kind).toBe('json');
    expect(detectFormat(read('other/go-slog.logfmt')).kind).toBe('logfmt');
    expect(detectFormat(read('other/syslog-logger.log')).kind).toBe('syslog');
    expect(detectFormat(read('loghub-samples/Linux.log')).kind).toBe('syslog');
    expect(detectFormat(read('other/apache-docs-access.log')).kind).toBe('access-log');
    expect(detectFormat(read('other/python-http-server.log')).kind).toBe('access-log');
    expect(detectFormat(read('loghub-samples/HDFS.log')).kind).toBe('plain');
    expect(detectFormat(read('other/java-stacktrace.log')).kind).toBe('plain');
    expect(detectFormat([]).kind).toBe('plain');
    // Half JSON, half text: below the default share, above a lowered one.
    const mixed = [...read('other/go-slog.jsonl'), ...read('other/java-stacktrace.log').slice(0, 4)];
    expect(detectFormat(mixed).kind).toBe('plain');
    expect(detectFormat(mixed, { minShare: 0.4 }).kind).toBe('json');
    expect(formatConfigSchema.parse({})).toEqual({ detect_sample_lines: 50, detect_min_share: 0.6 });
    expect(() => formatConfigSchema.parse({ fromat: 'json' })).toThrow();
  });

  it('decides logfmt on the head of a megabyte line, not on all of it', () => {
    const logfmt = read('other/go-slog.logfmt');
    const words = ' free text'.repeat(100_000);
    // Pairs for the first LOGFMT_HEAD_CHARS, then a megabyte of words: logfmt by its head (the whole line is mostly words).
    const pairsFirst = logfmt.map((l) => `${l} ${'k=v '.repeat(LOGFMT_HEAD_CHARS / 4)}${words}`);
    expect(detectFormat(pairsFirst).kind).toBe('logfmt');
    // Words first, then pairs past the head: plain (the whole line is mostly pairs).
    const wordsFirst = logfmt.map((l) => `${'word '.repeat(LOGFMT_HEAD_CHARS / 5)}${l} ${'k=v '.repeat(300_000)}`);
    expect(detectFormat(wordsFirst).kind).toBe('plain');
  });

  it('creates formats from specs, names and layout strings', () => {
    expect(createFormat({ kind: 'json' }).name).toBe('json');
    expect(createFormat('logfmt').name).toBe('logfmt');
    expect(createFormat('nginx').name).toBe('access-log');
    expect(createFormat({ kind: 'ndjson' as 'json' }).name).toBe('json');
    expect(createFormat('<Date> <Time> <Content>').name).toBe('header');
    expect(createFormat('<Level>: <Message>').name).toBe('header');
    expect(parseSpec('<Date> <Content>')).toEqual({ kind: 'header', layout: '<Date> <Content>' });
    expect(() => createFormat('yaml')).toThrow(AnomalogError);
    expect(() => createFormat({ kind: 'header' })).toThrow(AnomalogError);
  });
});
