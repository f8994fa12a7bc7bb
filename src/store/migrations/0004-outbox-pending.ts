/**
 * @module store/migrations/0004-outbox-pending
 * A partial index of the pending outbox rows: `/metrics` splits each sink's pending rows into due,
 * retrying and scheduled at every scrape (`Outbox.deliveryBySink`); with this index that reads the
 * pending rows only, never the sent ones that stay until their anomaly's retention.
 */
export const version = 4;
export const name = 'outbox-pending';

export const sql = `
CREATE INDEX outbox_pending ON outbox (sink, next_attempt_at, attempts) WHERE status = 'pending';
`;
