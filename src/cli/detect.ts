/**
 * @module cli/detect
 * `anomalog detect`: score sessions/windows with a trained model artifact (batch mode over history).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AnomalogError } from '../core/errors.js';
import type { LogEvent } from '../core/event.js';
import { SequenceDetector, type Detection } from '../detectors/model/detector.js';
import { collectWindows, type Windowing } from '../detectors/model/events.js';
import { addModelInputOptions, parseFiles, sequencesFrom, windowingFrom, type ModelInputOptions } from './model-input.js';
import { writeOut } from './output.js';

export interface DetectCliOptions extends ModelInputOptions {
  model: string;
  json?: boolean;
  all?: boolean;
  online?: boolean;
  top: string;
}

export function loadArtifact(path: string): { detector: SequenceDetector; parser?: unknown } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `Model file ${path} does not exist.`, { hint: 'Create one with anomalog train … -o FILE.' });
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Model file ${path} is not valid JSON.`, { cause: e });
  }
  return { detector: SequenceDetector.fromJSON(raw), parser: (raw as { parser?: unknown }).parser };
}

/** One JSON line per detection: sessionKey or window, score, anomalous, explanation. */
export function detectionLine(d: Detection): string {
  return JSON.stringify(d) + '\n';
}

function textLine(d: Detection): string {
  const where = d.window ? `${new Date(d.window.start).toISOString()}..${new Date(d.window.end).toISOString()} ${d.source ?? ''}` : d.sessionKey;
  const why = d.explanation.map((c) => `${c.feature} ${c.observed} (expected ${c.expected})`).join('; ');
  return `${d.anomalous ? 'ANOMALY' : 'normal '}  ${d.score.toPrecision(4)}  ${where}${why ? `  — ${why}` : ''}\n`;
}

/** Adds the mined template text to explanation items that name a template. */
function nameTemplates(results: Detection[], batches: LogEvent[][]): void {
  const text = new Map<number, string>();
  for (const b of batches) for (const e of b) if (!text.has(e.templateId)) text.set(e.templateId, e.template);
  for (const d of results) {
    for (const c of d.explanation) {
      const t = c.templateId === undefined ? undefined : text.get(c.templateId);
      if (t !== undefined) c.template = t;
    }
  }
}

export function registerDetect(program: Command): void {
  const cmd = program
    .command('detect')
    .description('Score sessions or windows with a trained model and report the anomalous ones.')
    .argument('[files...]', 'log files (grouped as at training time unless overridden)')
    .requiredOption('-m, --model <file>', 'model artifact written by anomalog train')
    .option('--json', 'one JSON object per line: sessionKey or window {start,end}, score, anomalous, threshold, explanation')
    .option('--all', 'report every session/window, not only anomalous ones')
    .option('--top <k>', 'contributing features per explanation', '5')
    .option('--online', 'update the SPOT threshold with every normal score, in input order (Siffer et al.’s streaming mode)');
  addModelInputOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  anomalog detect --sequences ../shared/datasets/hdfs/HDFS_100k.sessions.csv --split test --model model.json --json
  anomalog detect --sequences sessions.csv --model model.json --json --all | jq 'select(.score > 0.6)'
  anomalog detect HDFS.log --model model.json          # sessions/windows as at training time`,
  );
  cmd.action(async (files: string[], o: DetectCliOptions) => {
    const { detector, parser } = loadArtifact(o.model);
    const top = Number(o.top);
    if (!Number.isInteger(top) || top < 0) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `--top must be a non-negative integer, got '${o.top}'.`);
    let results: Detection[];
    if (o.sequences) {
      results = detector.detect(sequencesFrom(o), { top, online: o.online });
    } else {
      const stored = detector.windowing as (Windowing & { format?: string | null; multiline?: boolean }) | { mode: 'sequences' } | undefined;
      const w = windowingFrom(o) ?? (stored && stored.mode !== 'sequences' ? stored : null);
      if (!w) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', 'This model was trained on --sequences; give --sequences FILE.csv, or --session-key/--window for logs.');
      const fmt = o.format ?? (stored && 'format' in stored && stored.format ? stored.format : undefined);
      const parsed = await parseFiles(files, { ...o, format: fmt }, parser);
      results = detector.detect(await collectWindows(parsed.batches, w), { top, online: o.online });
      nameTemplates(results, parsed.batches);
    }
    let flagged = 0;
    let out = '';
    for (const d of results) {
      if (d.anomalous) flagged++;
      if (!d.anomalous && !o.all) continue;
      out += o.json ? detectionLine(d) : textLine(d);
      if (out.length > 1 << 16) {
        writeOut(out);
        out = '';
      }
    }
    writeOut(out);
    process.stderr.write(`anomalog: ${flagged} of ${results.length} sessions/windows anomalous (${detector.kind}, threshold ${detector.threshold.threshold.toPrecision(4)}).\n`);
  });
}
