/**
 * @module store/migrations/0005-source-lanes
 * Which engine worker thread owns each record source (`pipeline.engine_threads` > 1), for a given
 * number of threads: assigned once, least-loaded first, and kept across restarts so a source's
 * detector state is found where it was saved.
 */
export const version = 5;
export const name = 'source-lanes';

export const sql = `
CREATE TABLE source_lanes (
  source TEXT NOT NULL,
  lanes INTEGER NOT NULL,
  lane INTEGER NOT NULL,
  PRIMARY KEY (source, lanes)
) WITHOUT ROWID;
`;
