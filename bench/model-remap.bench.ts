/**
 * How well a published model's templates are found by a worker that mined its own (issue 16, the
 * models topic). Per real log (Loghub 2k systems, BGL_20k): `anomalog models train`'s pipeline
 * (`trainForWorkers`) trains on the first half; a fresh partition engine — a worker that never saw
 * the first half — mines the second half. Reported, over the second half's events:
 *   - ceiling: the share whose template is in the model's vocabulary when the ids are the trainer's
 *     own (the trainer's engine continuing over the second half: what the model would see with one
 *     shared miner);
 *   - exact text: the share whose template text the model holds as such;
 *   - by text: the share the worker's remap finds (exact text, else word by word, remap.ts).
 * by text / ceiling is the remap's fidelity. Line by line: the share of the ceiling's events mapped to
 * the very template the trainer's miner gave them, and the share of all events mapped to another one. (A share above the ceiling is possible: by text may map a
 * template the trainer's miner would have split off, or a model template outside the vocabulary's ids.) Also: decoding + checking one published model (ms).
 *
 *   npx tsx bench/model-remap.bench.ts [--dataset ../shared/datasets] [--json FILE]
 *
 * Data: ../shared/datasets (Loghub, Zhu et al., ISSRE 2023; BGL label tokens stripped).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { validate } from '../src/config/load.js';
import { type ServeConfig, serveConfigSchema } from '../src/config/schema.js';
import { silentLogger } from '../src/core/component.js';
import type { LogEvent } from '../src/core/event.js';
import { decodePublished, encodePublished, publishedModel } from '../src/detectors/model/published.js';
import { ModelTemplates } from '../src/detectors/model/remap.js';
import { TrainedModel } from '../src/detectors/model/training.js';
import type { KafkaRecordIn } from '../src/sources/kafka/records.js';
import { trainForWorkers } from '../src/topology/kafka/model-training.js';
import { PartitionEngine } from '../src/topology/kafka/partition.js';

const args = process.argv.slice(2);
const arg = (k: string) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
const DATA = arg('--dataset') ?? '../shared/datasets';
if (!existsSync(DATA)) {
  process.stderr.write(`No datasets at ${DATA}: pass --dataset DIR (the Loghub layout of ../shared/datasets).\n`);
  process.exit(2);
}
const LABELLED = new Set(['BGL', 'Thunderbird']);
const SYSTEMS = ['HDFS', 'BGL', 'Spark', 'Zookeeper', 'Thunderbird', 'Windows', 'Linux', 'Android', 'HealthApp', 'Apache', 'Proxifier', 'OpenSSH'];
const config = validate({ detectors: { model: { enabled: true } } }, serveConfigSchema) as ServeConfig;
const T0 = Date.UTC(2026, 11, 7);

function read(file: string, labelled: boolean): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => (labelled ? l.slice(l.indexOf(' ') + 1) : l));
}

const recs = (lines: string[], from: number): KafkaRecordIn[] => lines.map((l, i) => ({ key: Buffer.from('s'), value: Buffer.from(l), timestamp: String(T0), offset: String(from + i) }));

async function events(lines: string[], from: number, engine: PartitionEngine, sink: LogEvent[][]): Promise<void> {
  for (let i = 0; i < lines.length; i += 1000) await engine.process(recs(lines.slice(i, i + 1000), from + i));
  void sink;
}

async function one(name: string, lines: string[]) {
  const half = Math.floor(lines.length / 2);
  const first = lines.slice(0, half);
  const second = lines.slice(half);
  let artifact;
  try {
    artifact = (await trainForWorkers({ config, source: 's', lines: first, logger: silentLogger, arrival: T0 })).artifact;
  } catch (e) {
    return { name, error: (e as Error).message.slice(0, 120) };
  }
  const vocab = new Set(TrainedModel.fromArtifact(artifact).features.vocabulary.ids);
  const texts = new Set(Object.values(artifact.templates ?? {}));
  const templates = new ModelTemplates(artifact.templates ?? {});
  const opts = { config: { ...config, detectors: Object.fromEntries(Object.entries(config.detectors).map(([k, v]) => [k, { ...(v as object), enabled: false }])) as ServeConfig['detectors'] }, topic: 't', partition: 0, naming: { topic: 't', from: 'key' as const }, maxLineBytes: 1 << 20, logger: silentLogger };
  // The ceiling: the trainer's own miner over both halves, counting the second half's events.
  let counting = false;
  let inVocab = 0;
  let n = 0;
  const truth: number[] = [];
  const trainer = new PartitionEngine({ ...opts, onEvents: (es) => {
    if (!counting) return;
    for (const e of es) {
      n++;
      truth.push(vocab.has(e.templateId) ? e.templateId : -1);
      if (vocab.has(e.templateId)) inVocab++;
    }
  } });
  await events(first, 0, trainer, []);
  counting = true;
  await events(second, half, trainer, []);
  trainer.close();
  // The worker: a fresh miner over the second half only, finding templates by text.
  let byText = 0;
  let exact = 0;
  let m = 0;
  const mapped: number[] = [];
  const worker = new PartitionEngine({ ...opts, onEvents: (es) => {
    for (const e of es) {
      m++;
      if (texts.has(e.template)) exact++;
      const id = templates.find(e.template);
      mapped.push(id ?? -1);
      if (id !== undefined) byText++;
    }
  } });
  await events(second, half, worker, []);
  worker.close();
  // Line by line (both engines see the same lines in the same order): mapped to the trainer's own template, or to another one.
  let right = 0;
  let wrong = 0;
  if (truth.length === mapped.length) {
    for (let i = 0; i < truth.length; i++) {
      if (mapped[i] === -1) continue;
      if (mapped[i] === truth[i]) right++;
      else wrong++;
    }
  }
  return {
    right: truth.length === mapped.length ? right / Math.max(1, inVocab) : Number.NaN,
    wrong: truth.length === mapped.length ? wrong / Math.max(1, m) : Number.NaN, name, vocabulary: vocab.size, events: n, ceiling: inVocab / Math.max(1, n), exact: exact / Math.max(1, m), byText: byText / Math.max(1, m), fidelity: byText / Math.max(1, m) / Math.max(1e-9, inVocab / Math.max(1, n)) };
}

const rows = [];
for (const s of SYSTEMS) rows.push(await one(s, read(path.join(DATA, 'loghub', s, `${s}_2k.log`), LABELLED.has(s))));
const bgl = path.join(DATA, 'bgl', 'BGL_20k.log');
if (existsSync(bgl)) rows.push(await one('BGL_20k', read(bgl, true)));
const pct = (x: number | undefined) => (x === undefined ? '' : `${(100 * x).toFixed(1)}%`);
process.stdout.write('| log | vocabulary | events (2nd half) | ceiling | exact text | by text (remap) | fidelity | same template as the trainer | another template |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n');
for (const r of rows) {
  if ('error' in r) process.stdout.write(`| ${r.name} | — | | | | | ${r.error} |\n`);
  else process.stdout.write(`| ${r.name} | ${r.vocabulary} | ${r.events} | ${pct(r.ceiling)} | ${pct(r.exact)} | ${pct(r.byText)} | ${pct(r.fidelity)} | ${pct(r.right)} | ${pct(r.wrong)} |\n`);
}

// Decoding and checking one published model (what a worker does once per record on the topic).
const big = (await trainForWorkers({ config, source: 's', lines: read(bgl, true), logger: silentLogger, arrival: T0 })).artifact;
const value = encodePublished(publishedModel(big, { scope: 'default', version: 1, at: T0 }));
const times: number[] = [];
for (let i = 0; i < 7; i++) {
  const t = performance.now();
  decodePublished(value);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
process.stdout.write(`\nDecode + check of one published model (BGL_20k, ${big.training.windows} windows, ${big.training.columns} features, ${value.length} bytes gzipped): median ${times[3].toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[6].toFixed(1)}).\n`);
const json = arg('--json');
if (json) writeFileSync(json, JSON.stringify({ rows, decodeMs: times, bytes: value.length }, null, 2));
