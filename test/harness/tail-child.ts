/**
 * @module test/harness/tail-child
 * A file-tail process for the crash test: `node --import tsx tail-child.ts PATTERN CHECKPOINTS SEEN ACKED`.
 * Each batch's lines are appended to SEEN, the batch is acknowledged after a short delay (the
 * window a kill -9 can land in), which writes the checkpoint JSON atomically (tmp + rename),
 * and then its lines are appended to ACKED. SIGTERM aborts the source gracefully (exit 0).
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cursor } from '../../src/core/event.js';
import type { CheckpointStore } from '../../src/core/source.js';
import { createFileTailSource } from '../../src/sources/file-tail/index.js';

class JsonFileCheckpoints implements CheckpointStore {
  private readonly data: Record<string, Cursor>;
  constructor(private readonly file: string) {
    this.data = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Cursor>) : {};
  }
  load(sourceId: string): Cursor | undefined {
    return this.data[sourceId];
  }
  save(sourceId: string, cursor: Cursor): void {
    this.data[sourceId] = { kind: cursor.kind, id: cursor.id, offset: cursor.offset };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.data));
    renameSync(`${this.file}.tmp`, this.file);
  }
}

const [pattern, cpFile, seenFile, ackedFile] = process.argv.slice(2);
const source = createFileTailSource(
  { paths: [pattern], poll_interval_ms: 10, rotate_wait_ms: 50, read_bytes: 1024 },
  { checkpoints: new JsonFileCheckpoints(cpFile) },
);
const ac = new AbortController();
process.on('SIGTERM', () => ac.abort());
process.send?.('ready');
await source.run(async (batch) => {
  const text = batch.records.map((r) => `${r.text}\n`).join('');
  appendFileSync(seenFile, text);
  await sleep(2);
  if (batch.cursor) source.ack(batch.cursor);
  appendFileSync(ackedFile, text);
}, ac.signal);
