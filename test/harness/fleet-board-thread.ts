/**
 * @module test/harness/fleet-board-thread
 * One engine thread of the fleet-board race test (src/topology/fleet-board.test.ts): it receives
 * batch parts (records with their place in the batch and a message-type key), asks the shared
 * board for each key its own "detector" has not seen — as the novelty detector does — after a
 * random pause, and sends back its answers. The main thread posts every part at once, so the
 * threads race; the answers must still be those of one engine reading the input in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LogEvent } from '../../src/core/event.js';
import { FleetBoard, type FleetBuffers } from '../../src/topology/fleet-board.js';

interface Part {
  seq: number;
  at: number[];
  keys: string[];
  last?: boolean;
}

const { buffers, me, seed, slowUs } = workerData as { buffers: FleetBuffers; me: number; seed: number; slowUs: number };
const board = FleetBoard.attach(buffers, me);
const own = new Set<string>();
let rnd = seed;
const pause = () => {
  rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0;
  const until = performance.now() + ((rnd % 1000) / 1000) * (slowUs / 1000); // up to slowUs µs
  while (performance.now() < until);
};
const answers: [number, number, boolean][] = [];
parentPort!.on('message', (p: Part) => {
  board.part(p.seq, Int32Array.from(p.at));
  const events = p.keys.map((k) => ({ source: `t${me}`, message: k, raw: k, ts: 0, templateId: 0, template: k, params: [] }) as LogEvent);
  const runs = p.at.flatMap((_, i) => [i, i]);
  board.delivering(events, runs);
  p.keys.forEach((k, i) => {
    pause();
    const known = own.has(k) || board.seenElsewhere(k, events[i]);
    own.add(k);
    answers.push([p.seq, p.at[i], known]);
  });
  board.partDone();
  if (p.last) parentPort!.postMessage({ answers, timeouts: board.timeouts });
});
