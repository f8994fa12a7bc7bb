/**
 * @module store/migrations/0006-feedback-template
 * The template text of the judged anomaly, copied into its feedback row: the feedback policy judges
 * close variants of a judged new template by that text (`feedback.similar_template_share`), and
 * rebuilds from this table at start — also after retention deleted the anomaly itself. Rows written
 * before this migration have none; the policy falls back to their anomaly while it still exists.
 */
export const version = 6;
export const name = 'feedback-template';

export const sql = `
ALTER TABLE feedback ADD COLUMN template TEXT;
`;
