/**
 * @module topology/backlog
 * Lines handed to the engine and not processed yet, against `pipeline.max_pending_lines`: the
 * pipeline's overload signal. It exists before the sources and the engine host, so both are built
 * in order — sources read it (`ComponentContext.busy`: HTTP ingest answers 429 while it is set),
 * the host counts into it (a host on this thread never queues: it processes inside `emit`).
 * @example
 * const backlog = new Backlog(config.pipeline.max_pending_lines);
 * const ctx = (id: string) => ({ id, logger, clock, signal, busy: () => backlog.busy });
 * createEngineHost({ …, backlog });
 */
export class Backlog {
  private pending = 0;

  constructor(private readonly maxLines: number) {}

  /** More lines waiting than the pipeline should queue. */
  get busy(): boolean {
    return this.pending > this.maxLines;
  }

  get lines(): number {
    return this.pending;
  }

  add(lines: number): void {
    this.pending += lines;
  }

  done(lines: number): void {
    this.pending = Math.max(0, this.pending - lines);
  }

  /** Nothing will be processed any more (a failed host): nothing is waiting either. */
  clear(): void {
    this.pending = 0;
  }
}
