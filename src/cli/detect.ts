/**
 * @module cli/detect
 * `anomalog detect`: score sessions/windows with a trained model artifact (batch mode over history).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AnomalogError } from '../core/errors.js';
import { SequenceDetector, type Detection } from '../detectors/model/detector.js';
import { makeWindower, type Windowing } from '../detectors/model/events.js';
import type { ClosedWindow } from '../features/session-window.js';
import { addModelInputOptions, sequencesFrom, streamFiles, windowingFrom, type ModelInputOptions } from './model-input.js';
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
  const where = d.window ? `${d.sessionKey} [${new Date(d.window.start).toISOString()} .. ${new Date(d.window.end).toISOString()}]` : d.sessionKey;
  const why = d.explanation.map((c) => `${c.feature} ${c.observed} (expected ${c.expected})`).join('; ');
  return `${d.anomalous ? 'ANOMALY' : 'normal '}  ${d.score.toPrecision(4)}  ${where}${why ? `  — ${why}` : ''}\n`;
}

/** Adds the mined template text to explanation items that name a template. */
function nameTemplates(results: Detection[], text: Map<number, string>): void {
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
    let flagged = 0;
    let total = 0;
    const emit = (results: Detection[]) => {
      let out = '';
      for (const d of results) {
        total++;
        if (d.anomalous) flagged++;
        if (!d.anomalous && !o.all) continue;
        out += o.json ? detectionLine(d) : textLine(d);
      }
      writeOut(out);
    };
    if (o.sequences) {
      const seqs = sequencesFrom(o);
      // Bounded memory on big files: score in chunks (decisions are per row, chunking changes nothing).
      for (let i = 0; i < seqs.length; i += 4096) emit(detector.detect(seqs.slice(i, i + 4096), { top, online: o.online }));
    } else {
      const stored = detector.windowing as (Windowing & { format?: string | null; multiline?: boolean }) | { mode: 'sequences' } | undefined;
      const w = windowingFrom(o) ?? (stored && stored.mode !== 'sequences' ? stored : null);
      if (!w) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', 'This model was trained on --sequences; give --sequences FILE.csv, or --session-key/--window for logs.');
      const fmt = o.format ?? (stored && 'format' in stored && stored.format ? stored.format : undefined);
      // Streaming: windows are scored as they close, so memory holds open windows only.
      const windower = makeWindower(w);
      const templates = new Map<number, string>();
      const score = (closed: ClosedWindow[]) => {
        if (closed.length === 0) return;
        const res = detector.detect(closed, { top, online: o.online });
        nameTemplates(res, templates);
        emit(res);
      };
      await streamFiles(files, { ...o, format: fmt }, (events) => {
        for (const e of events) if (!templates.has(e.templateId)) templates.set(e.templateId, e.template);
        score(windower.add(events));
      }, parser);
      score(windower.flush());
    }
    process.stderr.write(`anomalog: ${flagged} of ${total} sessions/windows anomalous (${detector.kind}, threshold ${detector.threshold.threshold.toPrecision(4)}).\n`);
  });
}
