/**
 * @module store/migrations
 * The ordered list of schema migrations. Add a file `NNNN-name.ts` exporting `version`, `name` and
 * `sql`, then append it here; versions are contiguous from 1 and never edited once released.
 */
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-anomalies-created-at.js';
import * as m0003 from './0003-feedback.js';
import * as m0004 from './0004-outbox-pending.js';
import * as m0005 from './0005-source-lanes.js';
import * as m0006 from './0006-feedback-template.js';
import * as m0007 from './0007-anomaly-attrs.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007];

/** The schema version this build writes. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
