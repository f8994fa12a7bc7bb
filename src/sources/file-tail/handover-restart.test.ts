/**
 * A crash after a rotated file was handed over to the stream of its new name, before the pipeline
 * acknowledged its last batch, then another rotation while the source is down: the file is found
 * by its old stream's checkpoint, at the last ack. Its heir must not claim it further on (a
 * checkpoint at the hand-over point written before those lines were acknowledged), or the
 * unacknowledged lines are skipped.
 */
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawBatch } from '../../core/source.js';
import { waitFor } from '../../../test/contract/source.contract.js';
import { MemoryCheckpoints } from '../../../test/harness/memory-checkpoints.js';
import { createFileTailSource } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const text = (prefix: string, from: number, n: number): string => Array.from({ length: n }, (_, i) => `${prefix}${from + i}\n`).join('');

/** Runs a tail of `pattern`; acks the batches `ack` accepts. `stop` is the crash: no ack is written after it. */
function tail(pattern: string, cps: MemoryCheckpoints, ack: (b: RawBatch) => boolean) {
  const source = createFileTailSource({ paths: [pattern], poll_interval_ms: 5, rotate_wait_ms: 20 }, { checkpoints: cps });
  const ac = new AbortController();
  const texts: string[] = [];
  const done = source.run(async (b) => {
    texts.push(...b.records.map((r) => r.text));
    if (b.cursor && ack(b)) source.ack(b.cursor);
  }, ac.signal);
  return { texts, source, stop: async () => (ac.abort(), await done) };
}

/** A temp dir with the live file (lines a0..a9) and the names it rotates to; the glob matching all. */
function layout(names: string[], glob: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-handover-'));
  dirs.push(dir);
  const files = names.map((n) => path.join(dir, n));
  writeFileSync(files[0], text('a', 0, 10));
  return { files, pattern: path.join(dir, glob), cps: new MemoryCheckpoints() };
}

// Names where the rotated files sort before the live one (x.1.log < x.2.log < x.log), so the
// heir's stream is visited first at start-up, and names where they sort after it.
const NAMES = [
  ['x.log', 'x.1.log', 'x.2.log', '*.log'],
  ['app.log', 'app.log.1', 'app.log.2', 'app.log*'],
];

describe('file tail: restart after a hand-over with unacknowledged lines', () => {
  it.each(NAMES)('re-delivers them from the last ack (live %s, rotated %s then %s)', async (live, rot1, rot2, glob) => {
    const { files: [f, f1, f2], pattern, cps } = layout([live, rot1, rot2], glob);
    // Acknowledges a0..a9 only: a10..a19 stay unacknowledged (a deferred ack, then the crash).
    const t1 = tail(pattern, cps, (b) => b.records.every((r) => Number(r.text.slice(1)) < 10));
    await waitFor(() => t1.texts.length >= 10);
    appendFileSync(f, text('a', 10, 10));
    await waitFor(() => t1.texts.length >= 20);
    renameSync(f, f1);
    writeFileSync(f, '');
    // The rotated file is handed over to the stream of its new name once read to its end; the
    // heir's checkpoint waits for the unacknowledged lines.
    await waitFor(() => t1.source.stats().handovers === 1);
    await t1.stop();
    expect(cps.saved.has(`file:${f1}`)).toBe(false);
    expect(t1.texts.slice(10)).toEqual(text('a', 10, 10).trim().split('\n'));

    // While down: lines in the live file, then one more rotation.
    appendFileSync(f, text('b', 0, 5));
    renameSync(f1, f2);
    renameSync(f, f1);
    writeFileSync(f, text('c', 0, 3));
    const t2 = tail(pattern, cps, () => true);
    await waitFor(() => t2.texts.length >= 18);
    await new Promise((r) => setTimeout(r, 60));
    await t2.stop();
    const want = [...text('a', 10, 10), ...text('b', 0, 5), ...text('c', 0, 3)].join('').trim().split('\n');
    expect([...t2.texts].sort()).toEqual(want.sort());
  });
});

describe('file tail: restart after lines appended to a handed-over file', () => {
  // An application that keeps writing to its old descriptor after a rename-rotation appends to the
  // rotated file: those lines go out and are acknowledged under the heir's stream, past where the
  // old stream's checkpoint stopped. Both checkpoints then name the file; the later one must win,
  // or the acknowledged lines are counted twice.
  it.each(NAMES)('does not re-deliver acknowledged lines (live %s, rotated %s then %s)', async (live, rot1, rot2, glob) => {
    const { files: [f, f1, f2], pattern, cps } = layout([live, rot1, rot2], glob);
    const t1 = tail(pattern, cps, () => true);
    await waitFor(() => t1.texts.length >= 10);
    renameSync(f, f1);
    writeFileSync(f, '');
    await waitFor(() => cps.saved.has(`file:${f1}`));
    // The writer's old descriptor: more lines into the rotated file, read and acknowledged by the heir.
    appendFileSync(f1, text('a', 10, 10));
    await waitFor(() => t1.texts.length >= 20 && cps.saved.get(`file:${f1}`)?.offset === 10 * 3 + 10 * 4);
    await t1.stop();

    appendFileSync(f, text('b', 0, 5));
    for (const restart of [false, true]) {
      // The second time the files rotated once more while the source was down.
      if (restart) {
        renameSync(f1, f2);
        renameSync(f, f1);
        writeFileSync(f, text('c', 0, 3));
      }
      const t2 = tail(pattern, cps, () => false);
      const want = restart ? text('b', 0, 5) + text('c', 0, 3) : text('b', 0, 5);
      await waitFor(() => t2.texts.length >= want.split('\n').length - 1);
      await new Promise((r) => setTimeout(r, 80));
      await t2.stop();
      expect([...t2.texts].sort()).toEqual(want.trim().split('\n').sort());
    }
  });
});

describe('file tail: a file resumed at start-up and handed over with nothing new', () => {
  it('gives its heir a checkpoint, so a later restart does not read it again', async () => {
    const { files: [f, f1], pattern, cps } = layout(['app.log', 'app.log.1'], 'app.log*');
    const t1 = tail(pattern, cps, () => true);
    await waitFor(() => cps.saved.get(`file:${f}`)?.offset === 30);
    await t1.stop();
    // Rotated while down: the next run finishes it (nothing left), hands it over, reads the new file.
    renameSync(f, f1);
    writeFileSync(f, text('b', 0, 5));
    const t2 = tail(pattern, cps, () => true);
    await waitFor(() => t2.texts.length >= 5 && t2.source.stats().handovers === 1);
    await t2.stop();
    expect(t2.texts).toEqual(text('b', 0, 5).trim().split('\n'));
    expect(cps.saved.get(`file:${f1}`)?.offset).toBe(30);
    appendFileSync(f, text('c', 0, 2));
    const t3 = tail(pattern, cps, () => true);
    await waitFor(() => t3.texts.length >= 2);
    await new Promise((r) => setTimeout(r, 80));
    await t3.stop();
    expect(t3.texts).toEqual(['c0', 'c1']);
  });
});

describe("file tail: the old stream's last ack of a handed-over file never comes", () => {
  // A record that multi-line joining held at the end of the old file is released by the next file's
  // first line, and acknowledged with that file: no ack of the old file reaches its end.
  it("writes the heir's checkpoint once the old stream acknowledges its next file", async () => {
    const { files: [f, f1], pattern, cps } = layout(['app.log', 'app.log.1'], 'app.log*');
    const t1 = tail(pattern, cps, (b) => !b.records.some((r) => r.text.startsWith('a')));
    await waitFor(() => t1.texts.length >= 10);
    renameSync(f, f1);
    writeFileSync(f, text('b', 0, 5));
    await waitFor(() => t1.texts.length >= 15 && cps.saved.has(`file:${f1}`));
    await t1.stop();
    expect(cps.saved.get(`file:${f1}`)?.offset).toBe(30);
    // Restarted: the handed-over file is not read again from its start.
    const t2 = tail(pattern, cps, () => true);
    appendFileSync(f, text('c', 0, 2));
    await waitFor(() => t2.texts.length >= 2);
    await new Promise((r) => setTimeout(r, 80));
    await t2.stop();
    expect(t2.texts).toEqual(['c0', 'c1']);
  });
});
