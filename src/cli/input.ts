/**
 * @module cli/input
 * Streams a file (or stdin for `-`) as batches of numbered lines.
 */
import { createReadStream, statSync } from 'node:fs';
import { AnomalogError } from '../core/errors.js';
// The module, not the folder's index (which also loads zod for the config schema).
import { LineSplitter, type LineSplitterStats, type RawLine } from '../parsers/lines/line-splitter.js';

export interface LineBatch {
  lines: RawLine[];
  /** Bytes read so far. */
  bytes: number;
}

export interface InputOptions {
  maxLineBytes?: number;
  /** Called once with the splitter's counters when the input ends. */
  onEnd?: (stats: LineSplitterStats) => void;
}

/** Size in bytes of a regular file, or undefined (stdin, pipes). */
export function inputSize(path: string): number | undefined {
  if (path === '-') return undefined;
  try {
    const st = statSync(path);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

export function assertReadable(path: string): void {
  if (path === '-') return;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `${path} is a directory.`, { hint: 'Pass a log file, or - for standard input.' });
  } catch (e) {
    if (e instanceof AnomalogError) throw e;
    throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`, {
      hint: 'Check the path, or pass - to read standard input.',
    });
  }
}

/** Yields line batches (one per chunk read) from a file or stdin. */
export async function* readLineBatches(path: string, opts: InputOptions = {}): AsyncGenerator<LineBatch> {
  assertReadable(path);
  const splitter = new LineSplitter({ maxLineBytes: opts.maxLineBytes });
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) {
    const lines = splitter.push(chunk as Buffer);
    if (lines.length > 0) yield { lines, bytes: splitter.stats.bytes };
  }
  const last = splitter.end();
  if (last.length > 0) yield { lines: last, bytes: splitter.stats.bytes };
  opts.onEnd?.(splitter.stats);
}
