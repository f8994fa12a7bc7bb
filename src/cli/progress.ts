/**
 * @module cli/progress
 * Lines/s and ETA on a terminal for long inputs; silent when stderr is not a TTY.
 */
import { performance } from 'node:perf_hooks';

export class Progress {
  private readonly start = performance.now();
  private last = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly totalBytes?: number,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(stream.isTTY);
    this.stream = stream;
  }
  private readonly stream: NodeJS.WriteStream;

  update(lines: number, bytes: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.last < 250) return;
    this.last = now;
    const secs = (now - this.start) / 1000;
    const rate = secs > 0 ? Math.round(lines / secs) : 0;
    let eta = '';
    if (this.totalBytes && bytes > 0 && bytes < this.totalBytes) {
      const left = ((this.totalBytes - bytes) / bytes) * secs;
      eta = `, ETA ${left < 60 ? `${left.toFixed(0)}s` : `${(left / 60).toFixed(1)}m`}`;
    }
    const pct = this.totalBytes ? ` ${((100 * bytes) / this.totalBytes).toFixed(0)}%` : '';
    this.stream.write(`\r${this.label}:${pct} ${lines.toLocaleString('en-US')} lines, ${rate.toLocaleString('en-US')} lines/s${eta}   `);
  }

  done(): void {
    if (this.enabled && this.last > 0) this.stream.write('\r\u001b[K');
  }
}
