import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAlert } from '../../../test/harness/alerts.js';
import { fileSinkConfigSchema } from './config.js';
import { createFileSink, FileSink } from './index.js';
import { sinkContract } from '../../../test/contract/sink.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'anomalog-file-sink-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('file sink', () => {
  it('appends one JSON line per alert, creating the directory', async () => {
    const path = join(dir, 'sub', 'alerts.jsonl');
    const sink = createFileSink({ path });
    await sink.healthcheck();
    expect(await sink.write([sampleAlert(), sampleAlert({ title: 'line\nbreak' })])).toBe('ok');
    expect(await sink.write([sampleAlert({ status: 'resolved' })])).toBe('ok');
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines.slice(0, 3).map((l) => (JSON.parse(l) as { title: string; status: string }).status)).toEqual(['firing', 'firing', 'resolved']);
    expect(JSON.parse(lines[1])).toMatchObject({ title: 'line\nbreak' });
  });

  it('`-` writes to standard output; an unwritable path is a retry; a removed directory is created again', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const sink = new FileSink(fileSinkConfigSchema.parse({ path: '-' }), out);
    expect(await sink.write([sampleAlert()])).toBe('ok');
    expect(JSON.parse(text)).toMatchObject({ fingerprint: '0123456789abcdef' });
    mkdirSync(join(dir, 'is-a-dir'), { recursive: true });
    const bad = createFileSink({ path: join(dir, 'is-a-dir') });
    expect(await bad.write([sampleAlert()])).toBe('retry');
    expect(bad.lastError).toBe('EISDIR');
    const gone = join(dir, 'removed', 'alerts.jsonl');
    expect(await createFileSink({ path: gone }).write([sampleAlert()])).toBe('ok'); // directory created again
    expect(readFileSync(gone, 'utf8').split('\n')).toHaveLength(2);
  });
});

sinkContract('file', async () => {
  const d = mkdtempSync(join(tmpdir(), 'anomalog-file-contract-'));
  const path = join(d, 'alerts.jsonl');
  const sink = createFileSink({ path });
  return {
    sink,
    delivered: () => {
      try {
        return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').length;
      } catch {
        return 0;
      }
    },
    down: async () => {
      // The path is now a directory: appends fail (EISDIR) until it is fixed.
      rmSync(path, { force: true });
      mkdirSync(path);
    },
    cleanup: async () => rmSync(d, { recursive: true, force: true }),
  };
});
