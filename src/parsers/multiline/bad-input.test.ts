import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type RawLine } from '../lines/line-splitter.js';
import { createFormat } from '../formats/detect.js';
import { MultilineJoiner } from './multiline.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/logs/', import.meta.url));

/** splitter → joiner → format, fed in small chunks, like a source would. */
function run(input: Buffer, spec: string, chunk = 4096, maxLineBytes = 1 << 20) {
  const splitter = new LineSplitter({ maxLineBytes });
  const format = createFormat(spec);
  const joiner = new MultilineJoiner({ isRecordStart: format.isRecordStart?.bind(format) });
  const events: RawLine[] = [];
  for (let i = 0; i < input.length; i += chunk) events.push(...joiner.push(splitter.push(input.subarray(i, i + chunk))));
  events.push(...joiner.push(splitter.end()), ...joiner.flush());
  const records = events.filter((e) => e.text.trim() !== '').map((e) => format.extract(e.text, e.line, 0, 'bad'));
  return { records, splitter, format, joiner };
}

describe('bad input through splitter, joiner and format', () => {
  it('keeps line numbers of a real log behind a BOM, invalid UTF-8, NUL bytes, a 3 MB line and no final newline', () => {
    const hdfs = readFileSync(FIXTURES + 'loghub-samples/HDFS.log'); // CRLF, no final newline
    const lines = hdfs.toString('utf8').split('\r\n');
    const huge = `081109 203615 148 INFO dfs.Big: ${'y'.repeat(3 * 1024 * 1024)}`;
    const input = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${lines[0]}\r\n`),
      Buffer.from(`${lines[1].slice(0, 40)}`),
      Buffer.from([0xc3, 0x28, 0x00, 0xff]),
      Buffer.from(`${lines[1].slice(40)}\r\n\r\n`),
      Buffer.from(`${huge}\r\n`),
      Buffer.from(`${lines[2]}\r\n`),
      Buffer.from(lines[3]),
    ]);
    const layout = '<Date> <Time> <Pid> <Level> <Component>: <Content>';
    const { records, splitter, format } = run(input, layout, 1000, 64 * 1024);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4, 5, 6]);
    expect(records[0].message).toBe(lines[0].split(': ').slice(1).join(': '));
    expect(records[1].raw).toContain('\uFFFD');
    expect(records[2].raw.length).toBeLessThanOrEqual(64 * 1024);
    expect(records[3].message).toBe(lines[2].slice(lines[2].indexOf(': ') + 2));
    expect(records[4].raw).toBe(lines[3]);
    expect(splitter.stats).toMatchObject({ lines: 6, truncated: 1, invalidUtf8: 1, nulBytes: 1, bomStripped: 1, bytes: input.length });
    expect(format.stats.unmatched).toBe(0);
  });

  it('joins a Java trace in a CRLF file with the built-in rules and counts nothing as lost', () => {
    const java = readFileSync(FIXTURES + 'other/java-stacktrace.log', 'utf8').replace(/\n/g, '\r\n');
    const { records, splitter, joiner } = run(Buffer.from(java), 'plain', 7);
    expect(records.map((r) => r.line)).toEqual([1, 2, 20]);
    expect(records[1].message).not.toContain('\r');
    expect(joiner.stats.joinedLines + joiner.stats.events).toBe(splitter.stats.lines);
  });
});
