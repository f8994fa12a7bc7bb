import { describe, expect, it } from 'vitest';
import { LineSplitter, cutPoint, type RawLine } from './line-splitter.js';
import { lineSplitterConfigSchema } from './config.js';

/** Splits `input` fed in chunks of `size` bytes (all chunk sizes must give the same lines). */
function split(input: Buffer, size = input.length || 1, max?: number): { lines: RawLine[]; s: LineSplitter } {
  const s = new LineSplitter(max === undefined ? {} : { maxLineBytes: max });
  const lines: RawLine[] = [];
  for (let i = 0; i < input.length; i += size) lines.push(...s.push(input.subarray(i, i + size)));
  lines.push(...s.end());
  return { lines, s };
}

const texts = (lines: RawLine[]): string[] => lines.map((l) => l.text);
const CHUNK_SIZES = [1, 2, 3, 5, 7, 64, 100_000];

describe('LineSplitter', () => {
  it('splits LF and CRLF lines, keeps a bare CR inside a line, numbers from 1', () => {
    const input = Buffer.from('a\r\nb\nc\rd\r\ne');
    for (const size of CHUNK_SIZES) {
      const { lines } = split(input, size);
      expect(texts(lines)).toEqual(['a', 'b', 'c\rd', 'e']);
      expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4]);
    }
  });

  it('emits the last line without a trailing newline, and nothing extra after a final newline', () => {
    expect(texts(split(Buffer.from('x\ny')).lines)).toEqual(['x', 'y']);
    expect(texts(split(Buffer.from('x\ny\n')).lines)).toEqual(['x', 'y']);
    expect(split(Buffer.alloc(0)).lines).toEqual([]);
  });

  it('keeps empty lines with their numbers', () => {
    for (const size of CHUNK_SIZES) {
      const { lines } = split(Buffer.from('a\n\n\r\nb\n'), size);
      expect(lines.map((l) => [l.text, l.line])).toEqual([
        ['a', 1],
        ['', 2],
        ['', 3],
        ['b', 4],
      ]);
    }
  });

  it('reports the byte offset just past each line (BOM and CR included)', () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ab\r\ncd\ne')]);
    for (const size of CHUNK_SIZES) {
      const { lines } = split(input, size);
      expect(lines.map((l) => l.end)).toEqual([7, 10, 11]);
    }
  });

  it('strips a UTF-8 BOM only at the start, even when it arrives byte by byte', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const size of CHUNK_SIZES) {
      const { lines, s } = split(Buffer.concat([bom, Buffer.from('héllo\n'), bom, Buffer.from('x')]), size);
      expect(texts(lines)).toEqual(['héllo', '\uFEFFx']);
      expect(s.stats.bomStripped).toBe(1);
    }
    // A stream shorter than a BOM that only looks like its start is text.
    const { lines, s } = split(Buffer.from([0xef, 0xbb]), 1);
    expect(lines).toHaveLength(1);
    expect(s.stats.bomStripped).toBe(0);
  });

  it('transcodes UTF-16 LE and BE input that starts with a BOM', () => {
    const text = 'Événement 4624\r\nlogon ok\n\nfin';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const input of [le, be]) {
      for (const size of CHUNK_SIZES) {
        const { lines, s } = split(input, size);
        expect(texts(lines)).toEqual(['Événement 4624', 'logon ok', '', 'fin']);
        expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4]);
        expect(lines.every((l) => l.end === undefined)).toBe(true);
        expect(s.stats).toMatchObject({ utf16: 1, bomStripped: 1, nulBytes: 0, bytes: input.length });
      }
    }
  });

  it('decodes invalid UTF-8 with replacement characters and counts the lines', () => {
    const input = Buffer.concat([Buffer.from('ok\nbad '), Buffer.from([0xff, 0xc3]), Buffer.from('\nfine é\n')]);
    for (const size of CHUNK_SIZES) {
      const { lines, s } = split(input, size);
      expect(texts(lines)).toEqual(['ok', 'bad \uFFFD\uFFFD', 'fine é']);
      expect(s.stats.invalidUtf8).toBe(1);
    }
  });

  it('does not count a genuine U+FFFD character as invalid UTF-8', () => {
    const { s } = split(Buffer.from('a \uFFFD b\n'));
    expect(s.stats.invalidUtf8).toBe(0);
  });

  it('replaces NUL bytes and counts them', () => {
    for (const size of CHUNK_SIZES) {
      const { lines, s } = split(Buffer.from('a\0b\0\nc\n'), size);
      expect(texts(lines)).toEqual(['a\uFFFDb\uFFFD', 'c']);
      expect(s.stats.nulBytes).toBe(2);
      expect(texts(lines).join('')).not.toContain('\0');
    }
  });

  it('truncates a multi-megabyte line, counts it, and keeps later line numbers', () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const input = Buffer.from(`first\n${big}\nthird\r\nlast`);
    for (const size of [64 * 1024, 1_000_003]) {
      const { lines, s } = split(input, size, 1024);
      expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4]);
      expect(lines[1].text).toBe('x'.repeat(1024));
      expect(lines[1].truncated).toBe(true);
      expect(texts(lines)).toEqual(['first', 'x'.repeat(1024), 'third', 'last']);
      expect(s.stats.truncated).toBe(1);
      expect(lines[2].end).toBe(6 + big.length + 1 + 7);
    }
  });

  it('keeps memory bounded while skipping the rest of a huge line', () => {
    const s = new LineSplitter({ maxLineBytes: 100 });
    const chunk = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 20; i++) expect(s.push(chunk)).toEqual([]);
    // Internal buffer never exceeds the cap (+1 for a possible CR).
    expect((s as unknown as { partBytes: number }).partBytes).toBeLessThanOrEqual(101);
    const out = s.push(Buffer.from('\nnext\n'));
    expect(out.map((l) => [l.text.length, l.line, l.truncated ?? false])).toEqual([
      [100, 1, true],
      [4, 2, false],
    ]);
  });

  it('a line of exactly the cap is not truncated, with or without CRLF, across chunk splits', () => {
    const line = 'y'.repeat(50);
    for (const size of [1, 7, 50, 51, 52, 1000]) {
      const { lines, s } = split(Buffer.from(`${line}\r\n${line}\n${line}`), size, 50);
      expect(texts(lines)).toEqual([line, line, line]);
      expect(s.stats.truncated).toBe(0);
    }
    const { lines, s } = split(Buffer.from(`${line}z\r\n`), 7, 50);
    expect(lines[0]).toMatchObject({ text: line, truncated: true });
    expect(s.stats.truncated).toBe(1);
  });

  it('truncates on a UTF-8 character boundary', () => {
    // 'é' is 2 bytes: a cap of 5 bytes over 'aaaé…' must not split it.
    const { lines, s } = split(Buffer.from('aaaéé\n'), 3, 4);
    expect(lines[0].text).toBe('aaa');
    expect(s.stats.invalidUtf8).toBe(0);
    expect(cutPoint(Buffer.from('aaé'), 0, 3)).toBe(2);
    expect(cutPoint(Buffer.from('aaaa'), 0, 3)).toBe(3);
  });

  it('does not depend on the caller keeping its chunk buffers', () => {
    const s = new LineSplitter();
    const chunk = Buffer.from('abc');
    s.push(chunk);
    chunk.fill(0x7a);
    expect(texts(s.push(Buffer.from('\n')))).toEqual(['abc']);
  });

  it('accepts plain Uint8Array chunks (web streams)', () => {
    const s = new LineSplitter();
    const bytes = new TextEncoder().encode('xx\nab\ncd');
    expect(texts([...s.push(bytes.subarray(3)), ...s.end()])).toEqual(['ab', 'cd']);
  });

  it('counts lines and bytes', () => {
    const input = Buffer.from('\uFEFFa\nb\n\nc');
    const { s } = split(input, 2);
    expect(s.stats.lines).toBe(4);
    expect(s.stats.bytes).toBe(input.length);
  });

  it('has a strict config schema with the documented default', () => {
    expect(lineSplitterConfigSchema.parse({}).max_line_bytes).toBe(1024 * 1024);
    expect(() => lineSplitterConfigSchema.parse({ max_lines_bytes: 5 })).toThrow();
  });
});
