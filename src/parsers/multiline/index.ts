/**
 * @module parsers/multiline
 * Joining continuation lines (stack traces, indented lines) into one event.
 */
export { MultilineJoiner, DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES } from './multiline.js';
export type { MultilineOptions, MultilineStats } from './multiline.js';
export { multilineConfigSchema } from './config.js';
export type { MultilineConfig } from './config.js';
