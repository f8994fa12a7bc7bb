/**
 * @module topology/engine-parsers
 * The engine's parsers, one per record source (`LogParser`: format, multi-line joining, masking,
 * template mining), kept least recently used first and capped (`pipeline.max_sources`): source
 * ids come from clients (an ingest `?source=`, an Elasticsearch index, a Loki label), so beyond the
 * cap the least recently used parser is handed to the engine to flush and save, then dropped; it
 * is restored from the store when its source returns.
 * @example
 * const parsers = new EngineParsers({ max: 1000, options, store, clock, logger, evict: (id, st) => saved(id, st) });
 * const st = parsers.of('api', source); // restored or new, now the most recently used
 */
import type { Logger } from '../core/component.js';
import type { Clock } from '../core/clock.js';
import type { EngineStateStore, StreamCounters } from '../core/engine.js';
import type { Source } from '../core/source.js';
import { LogParser, type LogParserOptions } from '../parsers/pipeline.js';
import { Lru } from '../detectors/shared/lru.js';

export interface SourceParser {
  parser: LogParser;
  /** The source component whose records it parses (its acks). */
  owner: Source;
  /** When it last got input (clock ms): idle multi-line records are flushed after `multilineIdleMs`. */
  lastInput: number;
}

export interface EngineParsersOptions {
  /** Most parsers in memory (default 1000). */
  max?: number;
  /** Parser options of a record source, read from by the source component `owner`. */
  options: (sourceId: string, owner: Source) => LogParserOptions;
  /** Where a parser's saved state is read when its source is first seen (or returns). */
  store: Pick<EngineStateStore, 'loadParserState'>;
  clock: Clock;
  logger: Logger;
  /**
   * The least recently used parser must go: flush what it holds, save it; false when its state
   * could not be saved (it is kept, beyond the cap for now, rather than losing it).
   */
  evict: (sourceId: string, st: SourceParser) => boolean;
  /** A source's miner evicted a template (its row in the store's template table goes too). */
  templateEvicted?: (sourceId: string, templateId: number) => void;
}

export class EngineParsers {
  /**
   * Least recently used first. Made most recent once per run of records — once per record when
   * sources interleave record by record (a Kafka partition's): a `Map` re-inserted that often
   * (delete + set) was 2–4% of a worker's profile; the LRU moves a link. It evicts nothing itself
   * (no cap): eviction may be refused (`evict`), so it is done here.
   */
  private readonly parsers = new Lru<string, SourceParser>(Number.MAX_SAFE_INTEGER);

  constructor(private readonly o: EngineParsersOptions) {}

  /** The parser of `sourceId`, now the most recently used: in memory, restored from the store, or new. */
  of(sourceId: string, owner: Source): SourceParser {
    let st = this.parsers.touch(sourceId);
    if (st !== undefined) return st;
    if (this.parsers.size >= (this.o.max ?? 1000)) this.evictOldest();
    const options = this.o.options(sourceId, owner);
    const evicted = this.o.templateEvicted;
    const logger = this.o.logger;
    // Flood mode starts and ends once per flood: said once each (the counters are in /metrics and /api/health).
    const flood = {
      ...options.miner?.flood,
      onChange: (on: boolean, f: { overflowLines: number; floodLines: number }) =>
        on
          ? logger.warn('Almost every line of a source is a new message type (a flood of random text?): lines that match no template go to an overflow template and are not mined (a sample still is).', { source: sourceId })
          : logger.info('The flood of new message types on a source ended: every line is mined again.', { source: sourceId, overflowLines: f.overflowLines, floodLines: f.floodLines }),
    };
    const parser = new LogParser({
      ...options,
      miner: { ...options.miner, flood, ...(evicted === undefined ? {} : { onEvict: (id: number) => evicted(sourceId, id) }) },
      source: sourceId,
      // An inferred layout that stopped fitting (a new header after a deploy) is revised: say so.
      onLayoutChange: (c) => this.o.logger.warn('The log layout of a source changed; parsing follows it.', { source: c.source, from: c.from, to: c.to, line: c.line }),
    });
    const saved = this.o.store.loadParserState(sourceId);
    if (saved !== undefined) parser.restore(saved);
    st = { parser, owner, lastInput: this.o.clock.now() };
    this.parsers.set(sourceId, st);
    return st;
  }

  /** The parser of `sourceId` if it is in memory (no reordering). */
  get(sourceId: string): SourceParser | undefined {
    return this.parsers.get(sourceId);
  }

  values(): IterableIterator<SourceParser> {
    return this.parsers.values();
  }

  /** Each record source's parser (its counters are read at scrape time by /metrics). */
  *streams(): IterableIterator<[string, LogParser]> {
    for (const [id, st] of this.parsers) yield [id, st.parser];
  }

  /** Each record source's parser counters (plain data, so it crosses threads). */
  counters(): StreamCounters[] {
    const out: StreamCounters[] = [];
    for (const [source, st] of this.parsers) {
      const { lines, events, unmatched } = st.parser.stats;
      const m = st.parser.miner.stats;
      const f = st.parser.miner.flood;
      out.push({ source, lines, events, unmatched, templates: m.clusters, evictedTemplates: m.evicted, overflowLines: f.overflowLines, floodLines: f.floodLines, floodEntries: f.entries, flooding: f.flooding });
    }
    return out;
  }

  /** The counters of the sources in flood mode now, at most `max` (each second, for health). */
  flooding(max: number): StreamCounters[] {
    const out: StreamCounters[] = [];
    for (const [source, st] of this.parsers) {
      if (out.length >= max) break;
      if (!st.parser.miner.flood.flooding) continue;
      const { lines, events, unmatched } = st.parser.stats;
      const m = st.parser.miner.stats;
      const f = st.parser.miner.flood;
      out.push({ source, lines, events, unmatched, templates: m.clusters, evictedTemplates: m.evicted, overflowLines: f.overflowLines, floodLines: f.floodLines, floodEntries: f.entries, flooding: true });
    }
    return out;
  }

  private evictOldest(): void {
    const oldest = this.parsers.keysOldestFirst().next();
    if (oldest.done) return;
    const id = oldest.value;
    if (this.o.evict(id, this.parsers.get(id)!)) this.parsers.delete(id);
  }
}
