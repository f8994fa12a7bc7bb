/**
 * @module cli/replay
 * `anomalog replay`: the real-time pipeline over a historical log, driven by the log's own
 * timestamps — at a chosen speed or as fast as possible — to backtest detectors before going live.
 */
import type { Command } from 'commander';
import { validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { loadConfigFile } from '../config/load.js';
import { ManualClock } from '../core/clock.js';
import type { Anomaly, Cursor } from '../core/event.js';
import type { RawBatch, Source } from '../core/source.js';
import { buildDetectors } from '../config/registry.js';
import { openStore } from '../store/index.js';
import { Engine } from '../topology/engine.js';
import { silentLogger } from '../core/component.js';
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
      const base = flags.config ? (loadConfigFile(flags.config, serveConfigSchema) as ServeConfig) : validate({}, serveConfigSchema);
      const clock = new ManualClock(0);
      const store = openStore(flags.dataDir ? `${flags.dataDir}/anomalog.db` : ':memory:', { clock });
      // A backtest must give the same answer twice: models train inside `tick` at event time (as
      // bench:feedback does), not in a worker whose timing depends on the machine.
      const section = { ...base.detectors, model: { ...base.detectors.model, train_in: 'inline' as const } };
      const stop = new AbortController();
      const detectors = buildDetectors(section, (type) => ({ id: type, logger: silentLogger, clock, signal: stop.signal }));
      let count = 0;
      const print = (list: Anomaly[]) => {
        count += list.length;
        writeOut(list.map((a) => (flags.json ? JSON.stringify(a) : `${new Date(a.ts).toISOString()}  ${a.severity.padEnd(8)} ${a.detector.padEnd(8)} ${a.title}`)).join('\n') + '\n');
      };
      let eventTime = 0;
      /** Event time of the first timestamped event: the paced replay's time zero. */
      let firstTs = Number.NaN;
      const engine = new Engine({
        sources: [],
        detectors,
        store,
        anomalies: store,
        clock,
        parserOptions: () => ({ format: flags.format ?? base.parser.format, multiline: base.parser.multiline }),
        onEvents: (events) => {
          for (const e of events) {
            if (e.tsFromArrival) continue;
            if (Number.isNaN(firstTs)) firstTs = e.ts;
            if (e.ts > eventTime) eventTime = e.ts;
          }
        },
        onAnomalies: print,
      });
      const id = file === '-' ? 'stdin' : `file:${file}`;
      const source: Source = { id, run: async () => {}, ack: (_c: Cursor) => {}, stats: () => ({ received: 0, bytes: 0, dropped: 0, errors: 0 }) };
      const started = performance.now();
      // Paced, a batch is a few lines, so the wait between them follows the log's own gaps.
      const step = speed === Infinity ? TICK_LINES : PACED_LINES;
      for await (const { lines } of readLineBatches(file)) {
        // Ticks every few hundred lines, as the service ticks every second: training and time-driven
        // detection happen at their event time, not once per megabyte read.
        for (let i = 0; i < lines.length; i += step) {
          await replayBatch(engine, source, lines.slice(i, i + step));
          clock.set(Math.max(clock.now(), eventTime));
          engine.tick();
          if (speed !== Infinity && eventTime > firstTs) {
            const due = (eventTime - firstTs) / speed - (performance.now() - started);
            if (due > 5) await new Promise((r) => setTimeout(r, Math.min(due, 60_000)));
          }
        }
      }
      clock.set(Math.max(clock.now(), eventTime) + 3_600_000);
      engine.tick();
      process.stderr.write(`anomalog: replayed ${engine.stats.events.toLocaleString('en-US')} events, ${count} anomalies.\n`);
      stop.abort();
      store.close();
    });
}

const TICK_LINES = 500;
const PACED_LINES = 20;

/** The source id (as `serve` names the same input: `file:<path>`, or `stdin`) is the source's. */
async function replayBatch(engine: Engine, source: Source, lines: { text: string; line: number }[]): Promise<void> {
  if (lines.length === 0) return;
  const batch: RawBatch = { records: lines.map((l) => ({ source: source.id, text: l.text, line: l.line, arrivalTs: 0 })) };
  await engine.process(source, batch);
}

