/**
 * @module cli/replay
 * `anomalog replay`: the real-time pipeline over a historical log, driven by the log's own
 * timestamps — at a chosen speed or as fast as possible — to backtest detectors before going live.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfigFile, validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { ManualClock, systemClock } from '../core/clock.js';
import type { Anomaly } from '../core/event.js';
import { openStore } from '../store/index.js';
import { createReplay, REPLAY_TICK_LINES, type ReplayLine } from '../topology/replay.js';
import { assertReadable, readLineBatches } from './input.js';
import { writeOut } from './output.js';
import { parseSpeed } from './speed.js';

interface ReplayFlags {
  speed: string;
  config?: string;
  format?: string;
  json?: boolean;
  dataDir?: string;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('Run the real-time pipeline over a historical log by its timestamps (backtesting).')
    .argument('<file>', 'log file, or - for standard input')
    .option('--speed <factor>', "replay speed: '100x', '1x', or 'max' (as fast as possible)", 'max')
    .option('-c, --config <file>', 'serve configuration to take detectors and parser settings from')
    .option('-f, --format <layout>', 'record format (default: auto-detect)')
    .option('--data-dir <dir>', 'keep the results in this store (default: in memory, printed only)')
    .option('--json', 'print anomalies as JSON lines')
    .addHelpText(
      'after',
      `
Examples:
  anomalog replay yesterday.log
  anomalog replay --speed 100x --config anomalog.yaml app.log
  anomalog replay --format '<Date> <Time> <Pid> <Level> <Component>: <Content>' --json HDFS.log
  zcat app.log.gz | anomalog replay -`,
    )
    .action(async (file: string, flags: ReplayFlags) => {
      assertReadable(file);
      const speed = parseSpeed(flags.speed, true);
      const config = flags.config ? (loadConfigFile(flags.config, serveConfigSchema) as ServeConfig) : validate({}, serveConfigSchema);
      const clock = new ManualClock(0);
      const store = openStore(flags.dataDir ? `${flags.dataDir}/anomalog.db` : ':memory:', { clock });
      let count = 0;
      const print = (list: Anomaly[]) => {
        count += list.length;
        writeOut(list.map((a) => (flags.json ? JSON.stringify(a) : `${new Date(a.ts).toISOString()}  ${a.severity.padEnd(8)} ${a.detector.padEnd(8)} ${a.title}`)).join('\n') + '\n');
      };
      // A file's lines were written by its modification time: that is the year of year-less timestamps.
      const referenceTime = file === '-' ? systemClock.now() : statSync(file).mtimeMs;
      const replay = createReplay({ config, store, clock, format: flags.format, onAnomalies: print, saveState: flags.dataDir !== undefined, referenceTime });
      // The source id as `serve` names the same input: `file:<path>`, or `stdin`.
      const source = file === '-' ? 'stdin' : `file:${file}`;
      const started = performance.now();
      // Paced, a batch is a few lines, so the wait between them follows the log's own gaps.
      const step = speed === Infinity ? REPLAY_TICK_LINES : PACED_LINES;
      // Batches of `step` lines whatever the reads' sizes: the ticks fall on the same lines in every
      // run (and in `eval stream`, which replays the same way), so the results are the same.
      let pending: ReplayLine[] = [];
      const run = async (batch: ReplayLine[]) => {
        await replay.step(batch);
        const first = replay.firstEventTime;
        if (speed !== Infinity && replay.eventTime > first) {
          const due = (replay.eventTime - first) / speed - (performance.now() - started);
          if (due > 5) await new Promise((r) => setTimeout(r, Math.min(due, 60_000)));
        }
      };
      for await (const { lines } of readLineBatches(file)) {
        // Ticks every few hundred lines, as the service ticks every second: training and time-driven
        // detection happen at their event time, not once per megabyte read.
        for (const l of lines) pending.push({ source, text: l.text, line: l.line });
        let i = 0;
        for (; pending.length - i >= step; i += step) await run(pending.slice(i, i + step));
        pending = pending.slice(i);
      }
      if (pending.length > 0) await run(pending);
      replay.finish();
      process.stderr.write(`anomalog: replayed ${replay.engine.stats.events.toLocaleString('en-US')} events, ${count} anomalies.\n`);
      store.close();
    });
}

const PACED_LINES = 20;
