import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type RawLine } from '../lines/line-splitter.js';
import { HeaderPatternFormat } from '../formats/header-pattern.js';
import { MultilineJoiner } from './multiline.js';
import { multilineConfigSchema } from './config.js';

const OTHER = fileURLToPath(new URL('../../../test/fixtures/logs/other/', import.meta.url));

function lines(text: string | Buffer): RawLine[] {
  const s = new LineSplitter();
  return [...s.push(typeof text === 'string' ? Buffer.from(text) : text), ...s.end()];
}

function join(input: RawLine[], j = new MultilineJoiner(), batch = 3): RawLine[] {
  const out: RawLine[] = [];
  for (let i = 0; i < input.length; i += batch) out.push(...j.push(input.slice(i, i + batch)));
  out.push(...j.flush());
  return out;
}

const nonBlank = (ls: RawLine[]): RawLine[] => ls.filter((l) => l.text.trim() !== '');

describe('MultilineJoiner with the built-in rules', () => {
  it('joins a Java exception, its frames, Caused by and "... N more" into the log line', () => {
    const input = lines(readFileSync(OTHER + 'java-stacktrace.log'));
    const events = nonBlank(join(input));
    expect(events.map((e) => e.line)).toEqual([1, 2, input.length]);
    const trace = events[1].text.split('\n');
    expect(trace[0]).toMatch(/SEVERE orders: Cannot parse quantity$/);
    expect(trace[1]).toMatch(/^java\.lang\.IllegalStateException/);
    expect(trace).toContain('\t... 7 more');
    expect(trace.some((t) => t.startsWith('Caused by: java.lang.NumberFormatException'))).toBe(true);
    expect(trace).toHaveLength(input.length - 3); // all but the two INFO lines and the blank
  });

  it('joins Python tracebacks, chained ones included, with their final exception line', () => {
    const input = lines(readFileSync(OTHER + 'python-traceback.log'));
    const events = join(input);
    const starts = input.filter((l) => /^\d{4}-/.test(l.text)).map((l) => l.line);
    expect(events.map((e) => e.line)).toEqual(starts);
    expect(events[1].text.split('\n').at(-1)).toBe('ZeroDivisionError: division by zero');
    const chained = events[2].text;
    expect(chained).toContain("KeyError: 'missing'");
    expect(chained).toContain('The above exception was the direct cause');
    expect(chained.split('\n').at(-1)).toBe('ValueError: bad order');
    expect(events[3].text).toMatch(/Batch 17 done$/);
  });

  it('joins a Go panic, blank lines and goroutine frames included', () => {
    const input = lines(readFileSync(OTHER + 'go-panic.log'));
    const events = join(input, new MultilineJoiner(), 1);
    expect(events.map((e) => e.line)).toEqual([1, 2]);
    const panic = events[1].text.split('\n');
    expect(panic[0]).toMatch(/^panic: runtime error/);
    expect(panic).toContain('goroutine 1 [running]:');
    expect(panic.at(-1)).toBe('exit status 2');
    expect(panic).toHaveLength(input.length - 1);
  });

  it('joins any indented line, keeps line numbers and the last byte offset', () => {
    const input = lines('a\n  b\n\tc\nd\n');
    const events = join(input);
    expect(events.map((e) => [e.text, e.line])).toEqual([
      ['a\n  b\n\tc', 1],
      ['d', 4],
    ]);
    expect(events[0].end).toBe(input[2].end);
  });

  it('emits blank lines on their own when no continuation follows them', () => {
    const events = join(lines('a\n\n\nb\n\n  c\n'));
    expect(events.map((e) => [e.text, e.line])).toEqual([
      ['a', 1],
      ['', 2],
      ['', 3],
      ['b\n\n  c', 4],
    ]);
  });

  it('leaves an event that starts with a continuation alone', () => {
    expect(join(lines('  orphan\nnext')).map((e) => e.text)).toEqual(['  orphan', 'next']);
  });

  it('closes an event at maxLines / maxBytes and counts it, losing no line', () => {
    const input = lines(['head', ...Array.from({ length: 10 }, (_, i) => `  cont ${i}`)].join('\n'));
    const j = new MultilineJoiner({ maxLines: 4 });
    const events = join(input, j);
    expect(events.map((e) => e.text.split('\n').length)).toEqual([4, 4, 3]);
    expect(events.map((e) => e.text).join('\n')).toBe(input.map((l) => l.text).join('\n'));
    expect(j.stats.capped).toBe(2);
    const jb = new MultilineJoiner({ maxBytes: 20 });
    const byBytes = join(input, jb);
    expect(byBytes.every((e) => e.text.length <= 20)).toBe(true);
    expect(jb.stats.capped).toBeGreaterThan(0);
  });

  it('carries the truncated flag of any joined line', () => {
    const j = new MultilineJoiner();
    const out = [...j.push([{ text: 'a', line: 1 }, { text: ' b', line: 2, truncated: true }, { text: 'c', line: 3 }]), ...j.flush()];
    expect(out[0]).toMatchObject({ text: 'a\n b', truncated: true });
    expect(out[1].truncated).toBeUndefined();
  });
});

describe('MultilineJoiner with a header layout', () => {
  it('treats every line that does not match the layout as a continuation', () => {
    const format = new HeaderPatternFormat('<Date> <Time> <Level> <Logger>: <Content>');
    const input = lines(readFileSync(OTHER + 'python-traceback.log'));
    const events = join(input, new MultilineJoiner({ isRecordStart: (t) => format.isRecordStart(t) }));
    expect(events).toHaveLength(4);
    const records = events.map((e) => format.extract(e.text, e.line, 0, 'py'));
    expect(records.map((r) => r.level)).toEqual(['info', 'error', 'error', 'info']);
    expect(records[2].message.split('\n')[0]).toBe('Order rejected');
    expect(records[2].message.split('\n').at(-1)).toBe('ValueError: bad order');
    expect(format.stats.unmatched).toBe(0);
  });
});

describe('MultilineJoiner with a header layout: records with an empty message', () => {
  // Real BGL lines (Loghub BGL_20k, lines 6523-6525): the middle one has no message after its level.
  const BGL = '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>';
  const input = [
    '- 1120866516 2005.07.08 R12-M0-N8-C:J12-U01 2005-07-08-16.48.36.428889 R12-M0-N8-C:J12-U01 RAS KERNEL INFO 1 ddr errors(s) detected and corrected on rank 0',
    '- 1120866516 2005.07.08 R12-M0-N8-C:J12-U01 2005-07-08-16.48.36.430166 R12-M0-N8-C:J12-U01 RAS KERNEL FATAL',
    '- 1120866516 2005.07.08 R12-M0-N8-C:J12-U01 2005-07-08-16.48.36.431449 R12-M0-N8-C:J12-U01 RAS KERNEL FATAL data TLB error interrupt',
  ];

  it('starts a record at a header whose message is empty when its time fields parse', () => {
    const format = new HeaderPatternFormat(BGL);
    const events = join(input.map((text, i) => ({ text, line: i + 1 })), new MultilineJoiner({ isRecordStart: (t) => format.isRecordStart(t) }));
    expect(events.map((e) => e.line)).toEqual([1, 2, 3]);
    const r = format.extract(events[1].text, 2, 0, 'bgl');
    expect(r).toMatchObject({ level: 'fatal', message: '', tsFromArrival: false });
    expect(r.fields).toMatchObject({ Node: 'R12-M0-N8-C:J12-U01', Component: 'KERNEL' });
    expect(format.stats.unmatched).toBe(0);
  });

  it('still joins lines that fit a loose layout only by their words (no time in the time fields)', () => {
    const format = new HeaderPatternFormat('<Date> <Time> <Level> <Logger>: <Content>');
    expect(format.isRecordStart('Traceback (most recent call last):')).toBe(false);
    expect(format.isRecordStart('2026-11-30 10:00:00,123 ERROR app.orders:')).toBe(true);
  });
});

describe('multiline config', () => {
  it('is strict and has defaults', () => {
    expect(multilineConfigSchema.parse({})).toMatchObject({ max_lines: 500 });
    expect(() => multilineConfigSchema.parse({ maxLines: 3 })).toThrow();
  });
});

describe('MultilineJoiner with a layout: first-character gates', () => {
  it('joins exactly the lines the trace markers and JAVA_MORE would join', () => {
    const texts = [
      '... 3 more',
      '   ... 12 common frames omitted',
      '\t... 1 more',
      '\u00a0... 2 more',
      '\u3000... 2 more',
      '.... 3 more',
      'x ... 3 more',
      'Caused by: x',
      'Caused by x',
      'Suppressed: y',
      'Suppressed y',
      '\tat a.b(C.java:1)',
      'plain',
    ];
    for (const t of texts) {
      const j = new MultilineJoiner({ isRecordStart: () => true });
      const out = [...j.push([{ text: 'H head', line: 1 }, { text: t, line: 2 }]), ...j.flush()];
      const expected = /^\s*\.\.\. \d+ (?:more|common frames omitted)/.test(t) || t.startsWith('Caused by: ') || t.startsWith('Suppressed: ') || t.startsWith('\t');
      expect(out.length, JSON.stringify(t)).toBe(expected ? 1 : 2);
    }
  });
});
