/**
 * @module topology/parser-options
 * The parser options of a configured source entry (its `format`/`multiline` overrides, else the
 * `parser` section), for the engine in either thread.
 */
import type { ServeConfig } from '../config/schema.js';
import type { LogParserOptions } from '../parsers/pipeline.js';

/** A source entry's parsing overrides. */
export interface SourceParsing {
  type: string;
  format?: string;
  multiline?: boolean;
}

export function sourceParsing(entry: ServeConfig['sources'][number]): SourceParsing {
  const { type, format, multiline } = entry as { type: string; format?: string; multiline?: boolean };
  return { type, format, multiline };
}

export function parserOptionsFor(config: ServeConfig, p: SourceParsing | undefined): LogParserOptions {
  return {
    // Syslog sources carry raw syslog messages: parse them as such unless the config says otherwise.
    format: (p?.format ?? config.parser.format ?? (p?.type === 'syslog' ? 'syslog' : undefined)) as LogParserOptions['format'],
    // A Kafka record is a whole record (shippers join stack traces before they send): no joining unless asked.
    multiline: p?.multiline ?? config.parser.multiline ?? (p?.type === 'kafka' ? false : undefined),
    miner: { similarityThreshold: config.parser.similarity, masking: { customMasks: [...config.parser.masks] }, flood: { enabled: config.parser.flood_guard } },
  };
}
