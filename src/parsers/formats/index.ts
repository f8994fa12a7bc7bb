/**
 * @module parsers/formats
 * Record formats (one file each), format auto-detection and the timestamp parser.
 */
export type { FormatKind, FormatSpec, FormatStats, RecordFormat } from './types.js';
export { HeaderPatternFormat } from './header-pattern.js';
export { compileLayout, MAX_FIELD } from './layout.js';
export type { CompiledLayout } from './layout.js';
export { PlainFormat } from './plain.js';
export { InferredFormat, type LayoutChange } from './inferred.js';
export { inferLayout, type InferredLayout } from './infer-layout.js';
export { MessageLayout } from './message-layout.js';
export { TimestampParser, epochToMs, daysFromCivil } from './timestamp.js';
export { normalizeLevel } from './level.js';
export { createFormat, detectFormat } from './detect.js';
export { JsonFormat, parseObject } from './json.js';
export { LogfmtFormat, parseLogfmt } from './logfmt.js';
export { SyslogFormat, parseStructuredData } from './syslog.js';
export { AccessLogFormat, parseAccessLine } from './access-log.js';
export { parseSpec, DETECT_MIN_SHARE, DETECT_SAMPLE } from './detect.js';
export { formatConfigSchema } from './config.js';
export type { FormatConfig } from './config.js';
