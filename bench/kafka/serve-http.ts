/**
 * @module bench/kafka/serve-http
 * bench:kafka's baseline in the same run: `serve` (buildService in a child process, zero config
 * plus an `http` source, the default detectors and engine threads) fed the same records over HTTP
 * NDJSON — each source's lines in the same order as on the Kafka topic, batches of 1000 lines of
 * one source, 4 concurrent loopback clients, as fast as it answers — timed from the first request
 * until `/api/health` counts every record, with the service's CPU seconds from /proc.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { cpuSeconds, sleep } from './proc.js';

export interface ServeHttpResult {
  lps: number;
  cpu: number;
  wallS: number;
}

function post(url: string, source: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/ingest?source=${encodeURIComponent(source)}`, { method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 || res.statusCode === 202 ? resolve() : reject(new Error(`ingest answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function processed(url: string): Promise<number> {
  const h = (await (await fetch(`${url}/api/health`)).json()) as { pipeline: { records: number } };
  return h.pipeline.records;
}

/** `records`: [source, line] in topic order. */
export async function serveOverHttp(root: string, dir: string, records: readonly [string, string][], batch = 1000, clients = 4): Promise<ServeHttpResult> {
  const perSource = new Map<string, string[]>();
  for (const [s, l] of records) {
    let list = perSource.get(s);
    if (!list) perSource.set(s, (list = []));
    list.push(l);
  }
  // Batches of one source each, sources round-robin, each source's lines in order.
  const bodies: [string, string][] = [];
  const cursors = new Map<string, number>();
  for (let more = true; more; ) {
    more = false;
    for (const [s, lines] of perSource) {
      const at = cursors.get(s) ?? 0;
      if (at >= lines.length) continue;
      bodies.push([s, `${lines.slice(at, at + batch).join('\n')}\n`]);
      cursors.set(s, at + batch);
      more = true;
    }
  }
  const file = join(dir, 'serve-config.json');
  writeFileSync(file, JSON.stringify({ data_dir: join(dir, 'serve-data'), server: { port: 0 }, sources: [{ type: 'http', max_body_bytes: 64 * 1024 * 1024 }] }));
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/serve.bench.ts'), '--child', file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
    if (first.done) throw new Error('the serve child exited before listening');
    const { url } = JSON.parse(first.value as string) as { url: string };
    const cpu0 = cpuSeconds(child.pid);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < bodies.length) {
          const [s, body] = bodies[next++];
          await post(url, s, body);
        }
      }),
    );
    while ((await processed(url)) < records.length) {
      if (performance.now() - t0 > 600_000) throw new Error('serve did not process every record in 10 min');
      await sleep(50);
    }
    const wallS = (performance.now() - t0) / 1000;
    return { lps: records.length / wallS, cpu: cpuSeconds(child.pid) - cpu0, wallS };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
