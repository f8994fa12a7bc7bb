import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords } from './csv.js';
import { AnomalogError } from '../core/errors.js';

describe('parseCsv', () => {
  it('splits plain fields and records on LF and CRLF', () => {
    expect(parseCsv('a,b\n1,2\r\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(parseCsv('x,"a, b","say ""hi""","line1\r\nline2"\n')).toEqual([['x', 'a, b', 'say "hi"', 'line1\r\nline2']]);
  });

  it('treats a lone CR as a record end and keeps empty fields', () => {
    expect(parseCsv('a,,c\r,\r')).toEqual([
      ['a', '', 'c'],
      ['', ''],
    ]);
  });

  it('does not add a record for a trailing line break but keeps a final unterminated record', () => {
    expect(parseCsv('a\n')).toEqual([['a']]);
    expect(parseCsv('a\nb')).toEqual([['a'], ['b']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('returns an empty quoted field and a quoted field at end of input', () => {
    expect(parseCsv('"",""')).toEqual([['', '']]);
    expect(parseCsv('a,"z"')).toEqual([['a', 'z']]);
  });

  it('ignores a leading BOM', () => {
    expect(parseCsv('\ufeffLineId,Content\n1,x')).toEqual([
      ['LineId', 'Content'],
      ['1', 'x'],
    ]);
  });

  it('is lenient with stray quotes like Python csv', () => {
    expect(parseCsv('ab"c,"d"e')).toEqual([['ab"c', 'de']]);
  });

  it('reports an unterminated quoted field with its starting line', () => {
    try {
      parseCsv('a\nb,"open\nstill open', 'f.csv');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AnomalogError);
      expect((e as AnomalogError).code).toBe('ANOMALOG_ERR_DATASET_INVALID');
      expect((e as AnomalogError).message).toContain('f.csv');
      expect((e as AnomalogError).message).toContain('line 2');
    }
  });
});

describe('parseCsvRecords', () => {
  it('maps rows to objects by header and skips trailing blank lines', () => {
    const { header, records } = parseCsvRecords('LineId,Content,EventId\r\n1,"a,b",E1\r\n2,c,E2\r\n\r\n');
    expect(header).toEqual(['LineId', 'Content', 'EventId']);
    expect(records).toEqual([
      { LineId: '1', Content: 'a,b', EventId: 'E1' },
      { LineId: '2', Content: 'c', EventId: 'E2' },
    ]);
  });

  it('rejects a row with the wrong number of fields', () => {
    expect(() => parseCsvRecords('a,b\n1,2,3\n', 'x.csv')).toThrow(/x\.csv: record 2 has 3 fields, the header has 2/);
  });

  it('rejects an empty file', () => {
    expect(() => parseCsvRecords('', 'e.csv')).toThrow(AnomalogError);
  });
});
