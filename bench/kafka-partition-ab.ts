/**
 * @module bench/kafka-partition-ab
 * One side of an A/B of what a Kafka worker does per record, without the broker: bench:kafka's
 * records (the Loghub 2k raw lines, one source per system keyed by name, interleaved record by
 * record, cycled to 240,000), placed on 4 partitions by kafkajs's default partitioner (as the
 * broker holds them), handed to one `PartitionEngine` per partition in fetch-sized batches
 * (~1 MiB per partition, as the worker's consumer fetches), round-robin over the partitions, with a
 * checkpoint of every partition every `--checkpoint-every` records (the worker checkpoints once a
 * second: ~100,000 records at its speed). Records are `Buffer`s as kafkajs gives them.
 * Prints CPU µs per record of this process (far steadier than wall time on a loaded machine) and a
 * digest of the anomaly ids (outputs must not change). Point it at two checkouts, alternate:
 *
 *   for i in 1 2 3; do for t in /tmp/base "$PWD"; do npx tsx bench/kafka-partition-ab.ts $t; done; done
 *
 * Data: ../shared/datasets/loghub (or `--dataset DIR`); `--lines N`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Partitioners } from 'kafkajs';

const root = resolve(process.argv[2] ?? '.');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ds = arg('--dataset') ?? join(root, '../shared/datasets/loghub');
const LINES = Number(arg('--lines') ?? 240_000);
const CHECKPOINT_EVERY = Number(arg('--checkpoint-every') ?? 100_000);
const FETCH_BYTES = 1 << 20;
const PARTITIONS = 4;
const { PartitionEngine } = await import(join(root, 'src/topology/kafka/partition.ts'));
const { validate } = await import(join(root, 'src/config/load.ts'));
const { serveConfigSchema } = await import(join(root, 'src/config/schema.ts'));

const systems = readdirSync(ds)
  .sort()
  .flatMap((s) => {
    try {
      return [{ s, lines: readFileSync(join(ds, s, `${s}_2k.log`), 'utf8').split(/\r?\n/).filter((l) => l.length > 0) }];
    } catch {
      return [];
    }
  });
if (systems.length === 0) throw new Error(`No Loghub 2k logs under ${ds}: pass --dataset DIR.`);
const partitioner = Partitioners.DefaultPartitioner();
const meta = { topic: 'logs', partitionMetadata: Array.from({ length: PARTITIONS }, (_, i) => ({ partitionId: i, leader: 1 })) };
const parts: { key: Buffer; value: Buffer; timestamp: string; offset: string }[][] = Array.from({ length: PARTITIONS }, () => []);
const partOf = new Map<string, number>();
const t0ms = Date.parse('2026-12-07T06:59:00Z');
for (let i = 0, n = 0; n < LINES; i++) {
  for (const { s, lines } of systems) {
    if (n >= LINES) break;
    let p = partOf.get(s);
    if (p === undefined) partOf.set(s, (p = partitioner({ ...meta, message: { key: s, value: '' } } as never)));
    const list = parts[p];
    // Produced in 10,000-record sends over ~2 s: a timestamp per send.
    list.push({ key: Buffer.from(s), value: Buffer.from(lines[i % lines.length]), timestamp: String(t0ms + Math.floor(n / 10_000) * 80), offset: String(list.length) });
    n++;
  }
}
// Fetch-sized batches (record bytes + ~70 B of batch overhead each).
const batches: { p: number; messages: (typeof parts)[number] }[][] = parts.map((list, p) => {
  const out: { p: number; messages: typeof list }[] = [];
  for (let i = 0; i < list.length; ) {
    let bytes = 0;
    let j = i;
    while (j < list.length && bytes < FETCH_BYTES) bytes += list[j++].value.length + 70;
    out.push({ p, messages: list.slice(i, j) });
    i = j;
  }
  return out;
});
const order: { p: number; messages: (typeof parts)[number] }[] = [];
for (let k = 0; batches.some((b) => k < b.length); k++) for (const b of batches) if (k < b.length) order.push(b[k]);

const config = validate({}, serveConfigSchema);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const engines = parts.map((_, partition) => new PartitionEngine({ config, topic: 'logs', partition, naming: { topic: 'logs', from: 'key' }, maxLineBytes: 1 << 20, logger: quiet }));
const ids: string[] = [];
let stateBytes = 0;
/** Digest of every checkpoint's state: a change that keeps outputs keeps this too. */
const states = createHash('sha256');
const checkpoint = () => {
  for (const e of engines) {
    const cp = e.checkpoint();
    if (cp === undefined) continue;
    for (const a of cp.anomalies) ids.push(a.id);
    stateBytes = Math.max(stateBytes, cp.state.length);
    // The parser and detector states sorted by key: their order in the state is that of their first
    // save, which a restore does not read (it fills a map).
    const snap = JSON.parse(gunzipSync(cp.state).toString('utf8')) as { data: { states: [string, unknown][] } };
    snap.data.states.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    states.update(JSON.stringify(snap));
  }
};
const c0 = process.cpuUsage();
const w0 = performance.now();
let done = 0;
let sinceCheckpoint = 0;
let cpS = 0;
for (const b of order) {
  await engines[b.p].process(b.messages);
  done += b.messages.length;
  sinceCheckpoint += b.messages.length;
  if (sinceCheckpoint >= CHECKPOINT_EVERY) {
    const t = process.cpuUsage();
    checkpoint();
    const u = process.cpuUsage(t);
    cpS += (u.user + u.system) / 1e6;
    sinceCheckpoint = 0;
  }
}
checkpoint();
const c = process.cpuUsage(c0);
const cpuS = (c.user + c.system) / 1e6;
for (const e of engines) e.close();
const digest = createHash('sha256').update(ids.slice().sort().join('\n')).digest('hex').slice(0, 12);
console.log(
  JSON.stringify({
    root,
    records: done,
    anomalies: ids.length,
    distinct: new Set(ids).size,
    digest,
    states: states.digest('hex').slice(0, 12),
    cpuS: +cpuS.toFixed(2),
    usPerLine: +((cpuS / done) * 1e6).toFixed(2),
    checkpointCpuS: +cpS.toFixed(2),
    wallS: +((performance.now() - w0) / 1000).toFixed(2),
    maxStateKB: Math.round(stateBytes / 1024),
  }),
);
