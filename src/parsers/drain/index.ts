/**
 * @module parsers/drain
 * Online template mining.
 * @example
 * const miner = new TemplateMiner();
 * miner.add('Connection from 10.0.0.7 closed'); // { templateId: 1, template: 'Connection from <IP> closed', … }
 */
export { TemplateMiner, DRAIN_SNAPSHOT_KIND, DRAIN_SNAPSHOT_VERSION } from './miner.js';
export type { MineResult, MinerOptions, MinerStats } from './miner.js';
export type { Novel } from './novel.js';
