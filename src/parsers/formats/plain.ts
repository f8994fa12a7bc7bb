/**
 * @module parsers/formats/plain
 * Plain text: the whole record is the message; time is the arrival time.
 */
import type { LogRecord } from '../../core/event.js';
import type { FormatStats, RecordFormat } from './types.js';

export class PlainFormat implements RecordFormat {
  readonly name = 'plain';
  readonly stats: FormatStats = { matched: 0, unmatched: 0 };

  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord {
    this.stats.matched++;
    return { ts: arrivalTs, source, level: undefined, message: text, fields: undefined, raw: text, line, tsFromArrival: true };
  }
}
