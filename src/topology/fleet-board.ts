/**
 * @module topology/fleet-board
 * The novelty detector's fleet shared by the engine worker threads (`pipeline.engine_threads` > 1),
 * so that a host that splits its record sources between threads finds the same anomalies as one
 * engine: a message type first logged by a source of thread A is not news on a source of thread B,
 * exactly when it would not be in a single engine — decided by the order of the input, not by
 * which thread got there first.
 *
 * - **Positions.** The main thread numbers batches in the order it hands them over (the order a
 *   single engine would process them) and sends each thread's part with the batch's record indices.
 *   An event's position is (batch, index of the record whose run emitted it); a thread splits its
 *   runs where the batch's order is broken, so its runs — and the events each emits — are the
 *   single engine's.
 * - **A board in shared memory** (`SharedArrayBuffer`): per key hash (64 bits) the earliest position
 *   it was sighted at. A thread asks only for keys its own detector has never seen (a few per new
 *   type and source, never per line): it publishes its position, waits until every other thread has
 *   got past it (processed everything before it, or holds nothing the main thread posted), then
 *   reads the key's earliest sighting and records its own. Earlier elsewhere: known to the fleet.
 *   Sightings are recorded in position order by construction, so the answer is the same on every
 *   run for the same input.
 * - **Bounded.** The board holds at most 3/4 of its slots (8 × `max_fleet_templates`, rounded up to a
 *   power of two); beyond, new keys are not shared (each thread's own fleet decides, as before) and
 *   are counted (logged once). A wait gives up after `WAIT_MS` (a thread stuck or gone; counted and
 *   logged), and the thread then decides alone.
 *
 * The fleet's discovery rate (how often the fleet as a whole meets new types, used for sources whose
 * types mostly came from the fleet) stays per thread: a rate over each thread's share of the sources.
 * @example
 * const board = FleetBoard.create(2, 20_000);           // main thread
 * board.posting([0, 1]);                                // before posting a batch's parts
 * const mine = FleetBoard.attach(board.buffers, 1);     // in worker 1
 * mine.part(seq, at); engine.process(...); mine.partDone();
 */
import type { LogEvent } from '../core/event.js';
import type { SharedFleet } from '../core/fleet.js';

/** What a worker needs to attach to the board (cloned into `workerData`). */
export interface FleetBuffers {
  threads: number;
  /** Int32: [epoch, size, posted × threads, done × threads]. */
  ctl: SharedArrayBuffer;
  /** BigInt64 per thread: the position before which it has processed everything. */
  progress: SharedArrayBuffer;
  /** BigInt64 per slot: key hash (0: empty) and its earliest position. */
  keys: SharedArrayBuffer;
  pos: SharedArrayBuffer;
}

/** The engine's side: where the events it delivers come in the host's input (topology/engine.ts). */
export interface EventOrder {
  /** Whether record `j` of the batch being processed directly follows record `j - 1` in the host's batch. */
  follows(j: number): boolean;
  /** A slice starting at record `from` is being parsed: events delivered before its runs come at its place. */
  sliceAt(from: number): void;
  /**
   * Events about to go to the detectors; `runs` holds pairs (index of the run's first event, index of
   * its first record), or null when they all come at the current place (a flush).
   */
  delivering(events: readonly LogEvent[], runs: readonly number[] | null): void;
}

const NO_EVENTS: readonly LogEvent[] = [];
const INDEX_BITS = 24n;
const MAX_INDEX = (1n << INDEX_BITS) - 1n;
const NO_POSITION = (1n << 62n) - 1n;
/** A wait longer than this means a thread is stuck or gone: decide alone (counted). */
const WAIT_MS = 10_000;
const C_EPOCH = 0;
const C_SIZE = 1;
const C_POSTED = 2;

export class FleetBoard implements SharedFleet, EventOrder {
  private readonly ctl: Int32Array;
  private readonly progress: BigInt64Array;
  private readonly keys: BigInt64Array;
  private readonly pos: BigInt64Array;
  private readonly mask: number;
  private readonly limit: number;
  /** The part being processed: its batch number and, when it is part of a split batch, its records' indices there. */
  private seq = 0n;
  private at: Int32Array | undefined;
  /** Where events delivered without runs come (a slice's start; after the last part between parts). */
  private here = 0n;
  private events: readonly LogEvent[] = NO_EVENTS;
  private runs: readonly number[] | null = null;
  private cursor = 0;
  private mine = 0;
  /** Keys not shared because the board was full; waits that gave up. */
  overflowed = 0;
  timeouts = 0;

  private constructor(
    readonly buffers: FleetBuffers,
    /** This thread's index (-1 on the main thread). */
    private readonly me: number,
    /** Told when the board is full (once) and when a wait gives up (each time: a thread stuck or gone). */
    private readonly warn: (msg: string, fields: Record<string, unknown>) => void = () => undefined,
  ) {
    this.ctl = new Int32Array(buffers.ctl);
    this.progress = new BigInt64Array(buffers.progress);
    this.keys = new BigInt64Array(buffers.keys);
    this.pos = new BigInt64Array(buffers.pos);
    this.mask = this.keys.length - 1;
    this.limit = Math.floor((this.keys.length * 3) / 4);
  }

  /** A board for `threads` engine threads sharing up to `maxKeys` fleet keys each (`max_fleet_templates`). */
  static create(threads: number, maxKeys: number): FleetBoard {
    let slots = 1024;
    while (slots < maxKeys * 8 && slots < 1 << 22) slots *= 2;
    const buffers: FleetBuffers = {
      threads,
      ctl: new SharedArrayBuffer(4 * (C_POSTED + 2 * threads)),
      progress: new SharedArrayBuffer(8 * threads),
      keys: new SharedArrayBuffer(8 * slots),
      pos: new SharedArrayBuffer(8 * slots),
    };
    new BigInt64Array(buffers.pos).fill(NO_POSITION);
    return new FleetBoard(buffers, -1);
  }

  /** Thread `me`'s view of a board made by `create` on the main thread. */
  static attach(buffers: FleetBuffers, me: number, warn?: (msg: string, fields: Record<string, unknown>) => void): FleetBoard {
    return new FleetBoard(buffers, me, warn);
  }

  /**
   * Main thread, before it posts a batch's parts: counts every part first, so a thread that reads
   * another's count while processing its own part of the batch never misses a part not posted yet.
   */
  posting(lanes: readonly number[]): void {
    for (const lane of lanes) Atomics.add(this.ctl, C_POSTED + lane, 1);
  }

  /** A thread starts its part of batch `seq` (1, 2, …); `at`: the records' indices in the batch (absent: the whole batch). */
  part(seq: number, at: Int32Array | undefined): void {
    this.seq = BigInt(seq);
    this.at = at;
    this.here = this.position(0);
    this.publish(this.here);
  }

  /** The part is processed: everything of this thread up to the end of batch `seq` is done. */
  partDone(): void {
    this.here = (this.seq << INDEX_BITS) | MAX_INDEX;
    this.at = undefined;
    this.events = NO_EVENTS;
    this.runs = null;
    Atomics.add(this.ctl, C_POSTED + this.buffers.threads + this.me, 1);
    this.publish(this.here);
  }

  follows(j: number): boolean {
    return this.at === undefined || this.at[j] === this.at[j - 1] + 1;
  }

  sliceAt(from: number): void {
    this.here = this.position(from);
    this.publish(this.here);
  }

  delivering(events: readonly LogEvent[], runs: readonly number[] | null): void {
    // Kept only while runs need them: a flush's events (runs null: held records parsed when idle, an
    // evicted source) are delivered outside a part, so `partDone` would not drop them, and an idle
    // thread kept its last 20 megabyte records alive until its next batch (issue 17).
    this.events = runs === null ? NO_EVENTS : events;
    this.runs = runs;
    this.cursor = 0;
  }

  seenElsewhere(key: string, e: LogEvent): boolean {
    const p = this.positionOf(e);
    this.waitPast(p);
    const [slot, claimed] = this.slot(key);
    if (slot < 0) return false;
    if (claimed) this.mine++;
    // The earliest sighting wins: lower the slot's position to ours unless one before ours is there.
    let cur = Atomics.load(this.pos, slot);
    while (cur > p) {
      const seen = Atomics.compareExchange(this.pos, slot, cur, p);
      if (seen === cur) break;
      cur = seen;
    }
    return cur < p;
  }

  seed(keys: Iterable<string>): void {
    for (const key of keys) {
      const [slot, claimed] = this.slot(key);
      if (slot < 0) break;
      if (claimed) this.mine++;
      Atomics.store(this.pos, slot, 0n);
    }
  }

  owned(): number {
    return this.mine;
  }

  /** Keys on the board (all threads). */
  size(): number {
    return Atomics.load(this.ctl, C_SIZE);
  }

  private position(index: number): bigint {
    const i = this.at === undefined ? index : (this.at[index] ?? this.at[this.at.length - 1]);
    return (this.seq << INDEX_BITS) | BigInt(Math.min(i, Number(MAX_INDEX) - 1));
  }

  /** The position of `e`: its run's first record, found in the events being delivered (events are asked about in order). */
  private positionOf(e: LogEvent): bigint {
    const runs = this.runs;
    if (runs === null) return this.here;
    const events = this.events;
    let k = this.cursor;
    while (k < events.length && events[k] !== e) k++;
    if (k === events.length) {
      k = events.indexOf(e);
      if (k < 0) return this.here;
    }
    this.cursor = k;
    let r = 0;
    while (r + 2 < runs.length && runs[r + 2] <= k) r += 2;
    return this.position(runs[r + 1]);
  }

  private publish(p: bigint): void {
    if (this.me < 0) return;
    Atomics.store(this.progress, this.me, p);
    Atomics.add(this.ctl, C_EPOCH, 1);
    Atomics.notify(this.ctl, C_EPOCH);
  }

  /** Waits until every other thread has processed everything before `p`, or holds nothing posted. */
  private waitPast(p: bigint): void {
    this.publish(p);
    const n = this.buffers.threads;
    const deadline = performance.now() + WAIT_MS;
    for (;;) {
      const epoch = Atomics.load(this.ctl, C_EPOCH);
      let behind = false;
      for (let t = 0; t < n && !behind; t++) {
        if (t === this.me) continue;
        // Posted before done: a part is counted as posted before it is sent, and done after it is processed.
        const posted = Atomics.load(this.ctl, C_POSTED + t);
        const done = Atomics.load(this.ctl, C_POSTED + n + t);
        behind = done !== posted && Atomics.load(this.progress, t) < p;
      }
      if (!behind) return;
      const left = deadline - performance.now();
      if (left <= 0) {
        this.timeouts++;
        this.warn('An engine thread waited too long for the others; it judges this message type alone.', { thread: this.me, waitedMs: WAIT_MS, timeouts: this.timeouts });
        return;
      }
      Atomics.wait(this.ctl, C_EPOCH, epoch, Math.min(left, 100));
    }
  }

  /** The slot of `key` (claimed now or before), or -1 when the board is full. */
  private slot(key: string): [number, boolean] {
    const [h1, h2] = hashes(key);
    let k = (BigInt(h1) << 32n) | BigInt(h2);
    if (k === 0n) k = 1n;
    k = BigInt.asIntN(64, k);
    let i = h2 & this.mask;
    for (let probes = 0; probes <= this.mask; probes++, i = (i + 1) & this.mask) {
      const cur = Atomics.load(this.keys, i);
      if (cur === k) return [i, false];
      if (cur !== 0n) continue;
      if (Atomics.load(this.ctl, C_SIZE) >= this.limit) break;
      const seen = Atomics.compareExchange(this.keys, i, 0n, k);
      if (seen === 0n) {
        Atomics.add(this.ctl, C_SIZE, 1);
        return [i, true];
      }
      if (seen === k) return [i, false];
    }
    if (this.overflowed++ === 0) this.warn('The shared novelty fleet is full; new message types are no longer shared between engine threads.', { thread: this.me, keys: this.limit });
    return [-1, false];
  }
}

/** Two independent 32-bit hashes of a string (FNV-1a and a multiply-xorshift), unsigned. */
function hashes(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x85ebca6b);
    b ^= b >>> 13;
  }
  return [a >>> 0, (b ^ (b >>> 16)) >>> 0];
}
