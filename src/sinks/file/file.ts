/**
 * @module sinks/file/file
 * Alerts as JSON lines appended to a file (or written to standard output with `-`), one alert per
 * line; each batch is one append. The file is opened per batch, so rotation by rename just works.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert, Sink, WriteResult } from '../../core/sink.js';
import type { FileSinkConfig } from './config.js';

export class FileSink implements Sink {
  readonly name: string;
  lastError?: string;

  constructor(
    private readonly config: FileSinkConfig,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
  ) {
    this.name = config.name ?? 'file';
  }

  async healthcheck(): Promise<void> {
    if (this.config.path !== '-') await mkdir(dirname(this.config.path), { recursive: true });
  }

  async write(batch: readonly Alert[]): Promise<WriteResult> {
    let text = '';
    for (const a of batch) text += `${JSON.stringify(a)}\n`;
    try {
      if (this.config.path === '-') await new Promise<void>((resolve, reject) => this.stdout.write(text, (e) => (e ? reject(e) : resolve())));
      else await this.append(text);
      this.lastError = undefined;
      return 'ok';
    } catch (e) {
      this.lastError = (e as NodeJS.ErrnoException).code ?? String(e);
      return 'retry';
    }
  }

  /** Appends; a directory removed meanwhile (log cleanup) is created again. */
  private async append(text: string): Promise<void> {
    try {
      await appendFile(this.config.path, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(dirname(this.config.path), { recursive: true });
      await appendFile(this.config.path, text);
    }
  }

  async close(): Promise<void> {}
}
