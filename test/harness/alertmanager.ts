/**
 * @module test/harness/alertmanager
 * Starts the real Prometheus Alertmanager (Debian prometheus-alertmanager, provisioned by
 * scripts/provision-alertmanager.sh) on 127.0.0.1 with a free port, its own temporary storage and a
 * minimal config (short group_wait, a receiver that delivers nowhere), clustering off.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus.js';
import { until } from './until.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
export const ALERTMANAGER_PROVISION = 'scripts/provision-alertmanager.sh';

export function hasAlertmanager(): boolean {
  return existsSync(ALERTMANAGER_BIN);
}

const CONFIG = `route:
  receiver: nowhere
  group_by: [alertname, source]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: nowhere
`;

export interface RunningAlertmanager {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

export async function startAlertmanager(): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-am-'));
  writeFileSync(join(dir, 'alertmanager.yml'), CONFIG);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('Alertmanager to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`Alertmanager exited: ${out}`);
      const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
      return ok ? true : undefined;
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop, output: () => out };
}
