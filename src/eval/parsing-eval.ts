/**
 * @module eval/parsing-eval
 * Runs a log parser over every Loghub 2k system and scores it against the original and the corrected
 * ground truth (GA, PA, FGA, FTA per system and their mean). Used by `anomalog eval parse` and by the
 * Drain3 peer runner, so every parser is judged by the same code.
 *
 * @example
 * const report = await evaluateParser((lines) => myParse(lines), { input: 'content' });
 * console.log(formatParseReport(report));
 */
import { performance } from 'node:perf_hooks';
import { AnomalogError } from '../core/errors.js';
import { loadLoghub, type LoghubOptions, type LoghubSystem } from './loghub.js';
import { groupingScores, templateScores } from './parsing-accuracy.js';

export interface ParseOutput {
  /** One group (cluster/template) id per input line. */
  groupIds: ArrayLike<number>;
  /** One template per input line (`<*>` or typed placeholders). */
  templates: string[];
}

export interface ParseCallInfo {
  /** Loghub header layout of this system (`--format`), for record extraction on raw lines. */
  logFormat: string;
  /** What the lines are: raw log lines, or the ground truth's Content column. */
  input: 'raw' | 'content';
}

export type ParseFunction = (lines: string[], system: string, info: ParseCallInfo) => ParseOutput | Promise<ParseOutput>;

export interface AccuracyScores {
  ga: number;
  pa: number;
  fga: number;
  fta: number;
  predictedGroups: number;
  predictedTemplates: number;
  trueTemplates: number;
}

export interface SystemResult {
  system: string;
  lines: number;
  /** Wall time of the parse call (ms). */
  parseMs: number;
  original: AccuracyScores;
  corrected: AccuracyScores;
}

export interface ParseReport {
  input: 'raw' | 'content';
  systems: SystemResult[];
  /** Unweighted mean over systems. */
  mean: { original: AccuracyScores; corrected: AccuracyScores };
}

export interface EvaluateOptions extends LoghubOptions {
  /** Systems to run (default: all in settings.json, in its order). */
  systems?: string[];
  /** Feed raw log lines (default) or the ground truth's Content column (before record extraction exists). */
  input?: 'raw' | 'content';
}

/** Score one parse output against one truth. */
export function scoreParse(out: ParseOutput, truth: { eventId: string; template: string }[]): AccuracyScores {
  const g = groupingScores(
    out.groupIds,
    truth.map((t) => t.eventId),
  );
  const t = templateScores(
    out.templates,
    truth.map((l) => l.template),
  );
  return {
    ga: g.ga,
    pa: t.pa,
    fga: g.fga,
    fta: t.fta,
    predictedGroups: g.predictedGroups,
    predictedTemplates: t.predictedTemplates,
    trueTemplates: t.trueTemplates,
  };
}

function meanOf(rows: AccuracyScores[]): AccuracyScores {
  const k = rows.length || 1;
  const sum = (f: (r: AccuracyScores) => number) => rows.reduce((a, r) => a + f(r), 0) / k;
  return {
    ga: sum((r) => r.ga),
    pa: sum((r) => r.pa),
    fga: sum((r) => r.fga),
    fta: sum((r) => r.fta),
    predictedGroups: sum((r) => r.predictedGroups),
    predictedTemplates: sum((r) => r.predictedTemplates),
    trueTemplates: sum((r) => r.trueTemplates),
  };
}

/** Score already-loaded systems (lets callers reuse a load, e.g. for repeated runs). */
export async function evaluateOnSystems(parse: ParseFunction, systems: LoghubSystem[], input: 'raw' | 'content' = 'raw'): Promise<ParseReport> {
  const results: SystemResult[] = [];
  for (const sys of systems) {
    const lines = input === 'raw' ? sys.rawLines : sys.corrected.map((l) => l.content);
    const t0 = performance.now();
    const out = await parse(lines, sys.name, { logFormat: sys.settings.logFormat, input });
    const parseMs = performance.now() - t0;
    if (out.groupIds.length !== lines.length || out.templates.length !== lines.length) {
      throw new AnomalogError(
        'ANOMALOG_ERR_DATASET_INVALID',
        `Parser returned ${out.groupIds.length} group ids and ${out.templates.length} templates for ${lines.length} lines of ${sys.name}.`,
        { hint: 'The parse function must return one group id and one template per input line, in order.' },
      );
    }
    results.push({
      system: sys.name,
      lines: lines.length,
      parseMs,
      original: scoreParse(out, sys.original),
      corrected: scoreParse(out, sys.corrected),
    });
  }
  return {
    input,
    systems: results,
    mean: { original: meanOf(results.map((r) => r.original)), corrected: meanOf(results.map((r) => r.corrected)) },
  };
}

/** Load the Loghub 2k systems, run `parse` on each and score it on both truths. */
export async function evaluateParser(parse: ParseFunction, opts: EvaluateOptions = {}): Promise<ParseReport> {
  const systems = await loadLoghub(opts);
  return evaluateOnSystems(parse, systems, opts.input ?? 'raw');
}

const f3 = (x: number): string => x.toFixed(3);

/** A Markdown table: one row per system plus the mean; corrected truth first (the reference). */
export function formatParseReport(report: ParseReport): string {
  const head =
    '| System | GA (corr.) | PA (corr.) | FGA (corr.) | FTA (corr.) | GA (orig.) | PA (orig.) | templates (pred/true corr.) |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|';
  const row = (name: string, c: AccuracyScores, o: AccuracyScores, round: boolean): string => {
    const pt = round ? c.predictedTemplates.toFixed(1) : String(c.predictedTemplates);
    const tt = round ? c.trueTemplates.toFixed(1) : String(c.trueTemplates);
    return `| ${name} | ${f3(c.ga)} | ${f3(c.pa)} | ${f3(c.fga)} | ${f3(c.fta)} | ${f3(o.ga)} | ${f3(o.pa)} | ${pt}/${tt} |`;
  };
  const lines = [head];
  for (const r of report.systems) lines.push(row(r.system, r.corrected, r.original, false));
  lines.push(row('**Mean**', report.mean.corrected, report.mean.original, true));
  return lines.join('\n');
}
