/**
 * @module eval/csv
 * A small RFC 4180 CSV reader for evaluation datasets (Loghub's `*_structured.csv` files).
 *
 * Rules implemented (RFC 4180 §2, plus the leniencies real files need):
 * - records end with CRLF, LF or a lone CR; a final record without a line break is kept;
 * - fields are separated by `,`; a field may be enclosed in double quotes, and then may
 *   contain commas, line breaks and doubled quotes (`""` → `"`);
 * - a leading UTF-8 BOM is ignored; an empty line is a record with one empty field
 *   (callers that want to skip blank lines filter them);
 * - a quote inside an unquoted field is kept literally (lenient, like Python's csv module);
 * - text after a closing quote and before the next separator is appended literally
 *   (again as Python's csv module does);
 * - an unterminated quoted field is an error (`ANOMALOG_ERR_DATASET_INVALID`).
 *
 * @example
 * parseCsv('a,"b,""c"""\r\n1,2') // → [['a', 'b,"c"'], ['1', '2']]
 */
import { AnomalogError } from '../core/errors.js';

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

/** Parse CSV text into rows of fields. `source` names the input in error messages. */
export function parseCsv(text: string, source = 'CSV input'): string[][] {
  const rows: string[][] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (i >= n) return rows;
  let row: string[] = [];
  let line = 1;
  for (;;) {
    // Read one field starting at i.
    let field: string;
    if (text.charCodeAt(i) === QUOTE) {
      const startLine = line;
      let parts = '';
      let start = i + 1;
      let j = start;
      for (;;) {
        j = text.indexOf('"', j);
        if (j < 0) {
          throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `${source}: unterminated quoted field starting on line ${startLine}.`, {
            hint: 'Check that every opening double quote has a closing one (RFC 4180).',
          });
        }
        if (text.charCodeAt(j + 1) === QUOTE) {
          parts += text.slice(start, j + 1);
          j += 2;
          start = j;
          continue;
        }
        parts += text.slice(start, j);
        break;
      }
      line += countLineBreaks(text, i, j);
      i = j + 1;
      // Lenient: characters between the closing quote and the separator are kept.
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === COMMA || c === CR || c === LF) break;
        k++;
      }
      field = k > i ? parts + text.slice(i, k) : parts;
      i = k;
    } else {
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === COMMA || c === CR || c === LF) break;
        k++;
      }
      field = text.slice(i, k);
      i = k;
    }
    row.push(field);
    if (i >= n) {
      rows.push(row);
      return rows;
    }
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i++;
      continue;
    }
    // End of record: CRLF, LF or CR.
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    line++;
    rows.push(row);
    row = [];
    if (i >= n) return rows;
  }
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) count++;
  }
  return count;
}

/**
 * Parse CSV text whose first row is a header into objects keyed by column name.
 * Every data row must have as many fields as the header (blank trailing lines are skipped).
 */
export function parseCsvRecords(text: string, source = 'CSV input'): { header: string[]; records: Record<string, string>[] } {
  const rows = parseCsv(text, source);
  while (rows.length > 0 && isBlankRow(rows[rows.length - 1])) rows.pop();
  if (rows.length === 0) {
    throw new AnomalogError('ANOMALOG_ERR_DATASET_INVALID', `${source}: empty CSV, no header row.`, {
      hint: 'The file must start with a header line naming its columns.',
    });
  }
  const header = rows[0];
  const records: Record<string, string>[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length !== header.length) {
      throw new AnomalogError(
        'ANOMALOG_ERR_DATASET_INVALID',
        `${source}: record ${r + 1} has ${row.length} fields, the header has ${header.length}.`,
        { hint: 'Quote fields that contain commas or line breaks (RFC 4180).' },
      );
    }
    const rec: Record<string, string> = {};
    for (let c = 0; c < header.length; c++) rec[header[c]] = row[c];
    records.push(rec);
  }
  return { header, records };
}

function isBlankRow(row: string[]): boolean {
  return row.length === 1 && row[0] === '';
}
