/**
 * @module parsers/lines
 * Bytes → numbered lines (BOM, CRLF, invalid UTF-8, NUL, huge lines handled).
 */
export { LineSplitter, DEFAULT_MAX_LINE_BYTES, cutPoint } from './line-splitter.js';
export type { RawLine, LineSplitterOptions, LineSplitterStats } from './line-splitter.js';
export { lineSplitterConfigSchema } from './config.js';
export type { LineSplitterConfig } from './config.js';
