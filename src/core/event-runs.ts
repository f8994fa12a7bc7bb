/**
 * @module core/event-runs
 * A batch of events summarised as runs per source and template: plain data the engine hands its
 * listeners (the API's rate history), cheap to post across threads.
 */
import type { LogEvent } from './event.js';

/** One run of a batch's events with the same source: its size and its runs of equal template id. */
export interface EventRun {
  source: string;
  lines: number;
  templateIds: number[];
  counts: number[];
}

/** A batch of events as runs per source and template (plain data: it crosses threads cheaply). */
export function eventRuns(events: readonly LogEvent[]): EventRun[] {
  const runs: EventRun[] = [];
  const n = events.length;
  let i = 0;
  while (i < n) {
    const source = events[i].source;
    const run: EventRun = { source, lines: 0, templateIds: [], counts: [] };
    let j = i;
    while (j < n && events[j].source === source) {
      const id = events[j].templateId;
      let k = j + 1;
      while (k < n && events[k].source === source && events[k].templateId === id) k++;
      run.templateIds.push(id);
      run.counts.push(k - j);
      j = k;
    }
    run.lines = j - i;
    runs.push(run);
    i = j;
  }
  return runs;
}
