/**
 * @module bench/store
 * Embedded store write throughput: anomaly batches through `store.insertAnomalies` (one transaction
 * per batch), the full pipeline commit (anomalies + outbox + checkpoint in one `store.batch`), and
 * the baseline asked for in the same run: the same rows as raw INSERTs without a transaction
 * (autocommit, same WAL + synchronous=NORMAL file). Also keyset paging reads over the stored rows.
 *
 * Usage: `npx tsx bench/store.bench.ts [--rows N] [--batch B]` (default 20,000 rows, batches of 500,
 * best of 3, each run on a fresh file in the OS temp dir).
 */
import Database from 'better-sqlite3';
import { openStore } from '../src/store/index.js';
import type { Anomaly } from '../src/core/event.js';
import { makeAnomalies, tmpDir } from '../test/harness/store-fixtures.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i !== -1 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const ROWS = Number(arg('--rows', '20000'));
const BATCH = Number(arg('--batch', '500'));
const rows = makeAnomalies(ROWS);

/** Seconds of `fn` on a fresh store file, best of 3. */
function best(fn: (path: string) => void): number {
  let secs = Infinity;
  for (let r = 0; r < 3; r++) {
    const tmp = tmpDir();
    const path = tmp.file();
    openStore(path).close();
    const t0 = performance.now();
    fn(path);
    secs = Math.min(secs, (performance.now() - t0) / 1000);
    tmp.remove();
  }
  return secs;
}

function rawAutocommit(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    `INSERT OR IGNORE INTO anomalies (id, ts, source, detector, severity, score, title, explanation, context,
       window_start, window_end, session_key, template_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (let i = 0; i < rows.length; i++) {
    const a: Anomaly = rows[i];
    insert.run(a.id, a.ts, a.source, a.detector, a.severity, a.score, a.title, JSON.stringify(a.explanation), JSON.stringify(a.context),
      a.window?.start ?? null, a.window?.end ?? null, a.sessionKey ?? null, a.templateId ?? null, 0);
  }
  db.close();
}

function storeBatches(path: string): void {
  const store = openStore(path);
  for (let i = 0; i < rows.length; i += BATCH) store.insertAnomalies(rows.slice(i, i + BATCH));
  store.close();
}

function pipelineCommits(path: string): void {
  const store = openStore(path);
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    store.batch(() => {
      const fresh = store.insertAnomalies(batch);
      store.outbox.enqueue('webhook', fresh);
      store.checkpoints.save('bench', { kind: 'stream', id: 'bench', offset: i + batch.length });
    });
  }
  store.close();
}

let pages = 0;
function pageAll(path: string): void {
  storeBatches(path);
  const store = openStore(path);
  const t0 = performance.now();
  let cursor: string | undefined;
  pages = 0;
  do {
    const p = store.queryAnomalies({ limit: 100, cursor });
    cursor = p.next ?? undefined;
    pages++;
  } while (cursor);
  readSecs = Math.min(readSecs, (performance.now() - t0) / 1000);
  store.close();
}
let readSecs = Infinity;

const raw = best(rawAutocommit);
const batched = best(storeBatches);
const pipeline = best(pipelineCommits);
best(pageAll);

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`store bench: ${fmt(ROWS)} anomalies, batches of ${BATCH}, best of 3, node ${process.version}, sqlite ${String(new Database(':memory:').prepare('SELECT sqlite_version() AS v').pluck().get())}`);
console.log(`| mode | rows/s | vs raw |`);
console.log(`|---|---:|---:|`);
console.log(`| raw INSERT, autocommit (baseline) | ${fmt(ROWS / raw)} | 1.0x |`);
console.log(`| store.insertAnomalies, 1 txn per batch | ${fmt(ROWS / batched)} | ${(raw / batched).toFixed(1)}x |`);
console.log(`| store.batch: anomalies + outbox + checkpoint | ${fmt(ROWS / pipeline)} | ${(raw / pipeline).toFixed(1)}x |`);
console.log(`keyset paging: ${fmt(pages)} pages of 100 in ${(readSecs * 1000).toFixed(1)} ms (${fmt(pages / readSecs)} pages/s)`);
