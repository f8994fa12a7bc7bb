/**
 * @module test/harness/store-crash-writer
 * Child process of the crash test: resumes at its checkpoint and commits batches of anomalies +
 * outbox rows + checkpoint in one transaction each, printing `mid N` inside each transaction and
 * `N` after its commit, until killed (or until `maxBatches`).
 * Usage: node --import tsx test/harness/store-crash-writer.ts DB_PATH BATCH_SIZE MAX_BATCHES
 */
import { openStore } from '../../src/store/store.js';
import { makeAnomalies } from './store-fixtures.js';

const CRASH_SOURCE = 'crash-writer';

const [path, sizeArg, maxArg] = process.argv.slice(2);
const size = Number(sizeArg);
const max = Number(maxArg);
const store = openStore(path);
const start = store.checkpoints.load(CRASH_SOURCE)?.offset ?? 0;
process.stdout.write(`start ${start}\n`);
for (let b = start; b < start + max; b++) {
  const batch = makeAnomalies(size, `b${b}`);
  store.batch(() => {
    store.insertAnomalies(batch);
    // Inside the open transaction: the crash test kills on this line to land mid-commit.
    process.stdout.write(`mid ${b}\n`);
    store.outbox.enqueue('webhook', batch);
    store.checkpoints.save(CRASH_SOURCE, { kind: 'stream', id: CRASH_SOURCE, offset: b + 1 });
  });
  process.stdout.write(`${b}\n`);
}
store.close();
