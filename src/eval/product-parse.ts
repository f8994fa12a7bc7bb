/**
 * @module eval/product-parse
 * The parse function `anomalog eval parse` scores: the product's `LogParser` over one system's lines,
 * either with the system's layout (multi-line off) or with no configuration at all (format detected,
 * layout inferred, multi-line at its default), exactly as `anomalog parse FILE` reads a file. Shared by
 * the CLI and the Drain3 side-by-side runner (bench/drain3-accuracy.ts), so both score the same path.
 */
import { LogParser } from '../parsers/pipeline.js';
import type { ParseFunction } from './parsing-eval.js';

export type ProductParseMode = 'layout' | 'content' | 'zero-config';

export function productParse(mode: ProductParseMode): ParseFunction {
  return (lines, system, info) => {
    const zero = mode === 'zero-config';
    const parser = zero
      ? new LogParser({ source: system })
      : new LogParser({ source: system, format: mode === 'layout' ? info.logFormat : 'plain', multiline: false });
    const ids = new Int32Array(lines.length);
    const events = parser.pushLines(
      lines.map((text, i) => ({ text, line: i + 1 })),
      0,
    ).concat(parser.flush(0));
    // A joined multi-line event stands for all its raw lines: each of them is scored with its template.
    for (const e of events) {
      const first = (e.line ?? 1) - 1;
      const span = zero ? countNewlines(e.raw ?? e.message) : 0;
      for (let k = first; k <= first + span && k < ids.length; k++) ids[k] = e.templateId;
    }
    const templates = Array.from(ids, (id) => parser.miner.template(id) ?? '');
    return { groupIds: ids, templates };
  };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
