/**
 * @module cli/eval-stream
 * `anomalog eval stream`: replays labelled logs (labels stripped) through the pipeline `serve` runs
 * by default — zero config, event-time clock, the default detectors — and reports alert episodes
 * detected, time to detect, window recall and false alarms, overall and per detector
 * (src/eval/stream). The development loop for detection quality (issue 14).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { loadConfigFile } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { AnomalogError } from '../core/errors.js';
import { parseDuration } from '../detectors/model/events.js';
import { findStreamDatasets, loadLineLabelled, type StreamDatasetEntry } from '../eval/stream/datasets.js';
import { EPISODE_ORDERS, type EpisodeOrder } from '../eval/stream/episodes.js';
import { evaluateStream, type FeedbackMode, type OperatorRule, type StreamEvalResult } from '../eval/stream/evaluate.js';
import type { StreamReplay } from '../eval/stream/port.js';
import { formatStreamReport } from '../eval/stream/report.js';
import { demoDatasetEntry } from '../demo/labelled.js';
import { replayLabelled } from '../topology/replay-labelled.js';
import { writeOut } from './output.js';
import { VERSION } from './version.js';

/** Where the labelled datasets are expected when --dataset is not given (the project's shared/ folder). */
export const DEFAULT_STREAM_DATASET = '../shared/datasets';

interface EvalStreamFlags {
  dataset: string;
  file?: string;
  only?: string;
  feedback: FeedbackMode;
  feedbackDelay: string;
  operatorRule: OperatorRule;
  episodes: EpisodeOrder;
  config?: string;
  demoCycles: number;
  json?: boolean;
}

const HOW_TO_POINT = 'Point --dataset at the directory holding bgl/BGL_20k.log and loghub/ (../shared/datasets in the project layout; the files are from Loghub, https://github.com/logpai/loghub), --file FILE for a labelled log of your own, or --only demo for the generated demo alone.';

export function registerEvalStream(ev: Command): void {
  ev.command('stream')
    .description('Replay labelled logs through the pipeline serve runs (zero config, event time): episodes detected, time to detect, window recall, false alarms.')
    .option('--dataset <dir>', 'datasets directory: bgl/BGL_20k.log, loghub/{BGL,Thunderbird,HDFS}/*_2k.log, hdfs/HDFS_2k.block_labels.csv', DEFAULT_STREAM_DATASET)
    .option('--file <path>', 'a labelled log of your own instead, as BGL/Thunderbird: first token the label (- for normal), second the epoch seconds')
    .option('--only <list>', 'comma-separated datasets: BGL_20k, BGL_2k, Thunderbird_2k, HDFS_2k, demo (default: every one found, and demo)')
    .addOption(new Option('--feedback <mode>', "'simulated': an operator confirms anomalies inside an alert episode and dismisses the others").choices(['none', 'simulated']).default('none'))
    .option('--feedback-delay <duration>', 'log time between an anomaly and the simulated answer', '1h')
    .addOption(
      new Option('--operator-rule <rule>', "what the simulated operator confirms: 'lines' (an anomaly naming an episode's line or its template, as bench:feedback) or 'time' (anything during an episode)")
        .choices(['lines', 'time'])
        .default('lines'),
    )
    .addOption(
      new Option(
        '--episodes <order>',
        "how alert lines are cut into episodes: 'time' (lines sorted by time), 'reading' (the file's order, as ../shared/checks/detection-bgl-episodes; a line earlier by months joins, and some episodes then end before they start) or 'gap' (the file's order, a gap of at most 1 h either way in time)",
      )
        .choices([...EPISODE_ORDERS])
        .default('time'),
    )
    .option('-c, --config <file>', 'serve configuration to replay with (default: zero config, as serve runs without one)')
    .addOption(new Option('--demo-cycles <n>', "incident cycles of the demo's scenario to replay (after its 10 minutes of history)").default(2).argParser(Number))
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      `
Labels are stripped before a line enters the pipeline; each line is read in its file's order.
Episodes: alert lines of one category, sorted by time, with gaps of at most 1 h; an episode spans
its earliest to its latest line (HDFS: one per anomalous block; the demo: one per scripted
incident). An anomaly hits an episode when its time is
in [start - 1 min, end + 5 min] (the demo: on the incident's source too; HDFS and the "strict" rows:
it names one of the episode's lines or templates). Any other anomaly is a false alarm, counted per
1,000 normal lines and per hour of log time. Window recall: of the 1-hour windows holding an alert
line, the share with a hit. See src/eval/stream/score.ts.
The data is Loghub (Zhu et al., ISSRE 2023).

Examples:
  anomalog eval stream --dataset ../shared/datasets
  anomalog eval stream --only BGL_20k --feedback simulated
  anomalog eval stream --file my-labelled.log
  npm run eval:stream -- --only BGL_20k,Thunderbird_2k --json`,
    )
    .action(async (flags: EvalStreamFlags) => {
      const config = flags.config ? (loadConfigFile(flags.config, serveConfigSchema) as ServeConfig) : undefined;
      const delayMs = parseDuration(flags.feedbackDelay);
      if (!Number.isInteger(flags.demoCycles) || flags.demoCycles < 1) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `--demo-cycles must be a positive integer, got '${flags.demoCycles}'.`);
      const entries: StreamDatasetEntry[] = flags.file ? [{ name: flags.file, load: () => loadLineLabelled(flags.file as string, undefined, flags.episodes) }] : selectDatasets(resolve(flags.dataset), flags.only, flags.demoCycles, flags.episodes);
      const results: StreamEvalResult[] = [];
      // The pipeline `serve` runs, replayed by event time (topology/replay.ts).
      const replay: StreamReplay = (lines, operator, progress) => replayLabelled({ lines, operator, config, onProgress: progress });
      for (const entry of entries) {
        const ds = entry.load();
        const onProgress = process.stderr.isTTY ? (done: number, total: number) => process.stderr.write(`\r${ds.name}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} lines   `) : undefined;
        results.push(await evaluateStream(ds, { feedback: flags.feedback, feedbackDelayMs: delayMs, operatorRule: flags.operatorRule, replay, onProgress }));
        if (onProgress) process.stderr.write('\r\u001b[K');
      }
      const date = new Date(systemClock.now()).toISOString();
      if (flags.json) {
        writeOut(JSON.stringify({ date, version: VERSION, node: process.version, config: flags.config ?? 'zero config', feedback: flags.feedback, episodes: flags.episodes, results }, null, 2) + '\n');
        return;
      }
      const header = `eval stream (anomalog ${VERSION}, ${date}, node ${process.version}): ${flags.config ? `config ${flags.config}` : 'zero config'}, event time; feedback ${flags.feedback === 'simulated' ? `simulated (answers after ${flags.feedbackDelay})` : 'none'}; episodes ${EPISODE_CUT[flags.episodes]}.`;
      writeOut(formatStreamReport(results, header) + '\n');
    });
}

/** How the report's header names each episode cut. */
const EPISODE_CUT: Record<EpisodeOrder, string> = {
  time: 'in time order',
  reading: "in reading order (the check's: a line earlier by any amount joins)",
  gap: 'in reading order with gaps of at most 1 h either way in time',
};

function selectDatasets(dir: string, only: string | undefined, demoCycles: number, order: EpisodeOrder): StreamDatasetEntry[] {
  const found = existsSync(dir) ? findStreamDatasets(dir, order) : [];
  const all = [...found, demoDatasetEntry({ cycles: demoCycles })];
  if (only === undefined) {
    if (found.length === 0) throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `No labelled dataset under ${dir}.`, { hint: HOW_TO_POINT });
    return all;
  }
  const names = only.split(',').map((s) => s.trim()).filter(Boolean);
  return names.map((n) => {
    const e = all.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (e) return e;
    const known = ['BGL_20k', 'BGL_2k', 'Thunderbird_2k', 'HDFS_2k', 'demo'];
    if (known.some((k) => k.toLowerCase() === n.toLowerCase())) throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `Dataset ${n} is not under ${dir}.`, { hint: HOW_TO_POINT });
    throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `Unknown dataset '${n}'.`, { hint: `Use ${known.join(', ')}.` });
  });
}
