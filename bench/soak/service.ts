/**
 * @module bench/soak/service
 * One `anomalog serve --config` process of the soak, as a user runs it (the built CLI by default),
 * with the clock-step preload: started, asked over HTTP, killed with SIGKILL or stopped with SIGTERM.
 * A restart reuses the config, so the data dir (checkpoints, store, outbox) carries over.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

export const CLOCK_PRELOAD = fileURLToPath(new URL('./clock-offset.mjs', import.meta.url));

export interface ServiceSpec {
  /** argv before `serve` (e.g. `[process.execPath, 'bin/anomalog.js']`). */
  command: string[];
  config: string;
  cwd: string;
  /** The clock-step file (ANOMALOG_SOAK_CLOCK_FILE). */
  clockFile: string;
  /** The service's stderr is appended here (one file over all restarts). */
  logFile: string;
  baseUrl: string;
}

/** GET `url` as JSON (undefined on any failure within `timeoutMs`). */
export function getJson<T>(url: string, timeoutMs = 5000): Promise<T | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) return resolve(undefined);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export class SoakService {
  private proc: ChildProcess | null = null;
  private log: WriteStream;
  starts = 0;
  /** Exit codes of processes that ended without being killed by the soak. */
  readonly unexpectedExits: string[] = [];
  private killing = false;

  constructor(private readonly spec: ServiceSpec) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.proc !== null;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts the process and waits until `/api/health` answers. */
  async start(): Promise<void> {
    const [bin, ...args] = this.spec.command;
    const proc = spawn(bin, [...args.slice(0, -1), '--import', CLOCK_PRELOAD, ...args.slice(-1), 'serve', '--config', this.spec.config], {
      cwd: this.spec.cwd,
      env: { ...process.env, ANOMALOG_SOAK_CLOCK_FILE: this.spec.clockFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.starts++;
    this.log.write(`--- soak: start ${this.starts} (pid ${proc.pid})\n`);
    proc.stderr?.on('data', (c: Buffer) => this.log.write(c));
    proc.once('exit', (code, signal) => {
      if (this.proc === proc) this.proc = null;
      if (!this.killing) this.unexpectedExits.push(`start ${this.starts}: code ${code} signal ${signal}`);
    });
    this.proc = proc;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.proc !== proc) throw new Error(`anomalog serve exited at start; see ${this.spec.logFile}`);
      if (await getJson(`${this.spec.baseUrl}/api/health`, 1000)) return;
      await sleep(100);
    }
    throw new Error(`anomalog serve did not answer within 60 s; see ${this.spec.logFile}`);
  }

  /** SIGKILL: no drain, no last checkpoint. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: drains and saves positions (the clean stop at the end). */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
    this.log.end();
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    if (p === null) return;
    this.killing = true;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill(sig);
    await exited;
    this.killing = false;
    this.proc = null;
    this.log.write(`--- soak: ${sig}\n`);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
