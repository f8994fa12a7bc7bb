/**
 * @module api/feedback-routes
 * The feedback routes (issue 6): `POST /api/anomalies/:id/feedback` (strict body, 400 naming the
 * field, 404 for an unknown anomaly) and the export `GET /api/feedback` (JSON pages, newest first,
 * or `?format=ndjson`: every matching row, one JSON object per line, streamed page by page), and
 * `GET /api/feedback/rules`: what the running policy holds — one rule per judged kind of anomaly
 * with what it suppressed since start, the kinds the kind rule covers — so a person sees what their
 * verdicts do (a rule is undone by a newer verdict on its anomaly, `anomalyId`).
 * The store and the running policy are behind `FeedbackApi` (src/feedback/service.ts).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type AnomalyStatus, VERDICTS } from '../core/event.js';
import type { PolicyKindView, PolicyRuleView } from '../feedback/policy.js';
import { feedbackBodySchema, type FeedbackBody } from '../feedback/service.js';
import type { FeedbackPage, FeedbackQuery, FeedbackRow } from '../store/feedback.js';

/** What the feedback routes need (src/feedback/service.ts implements it). */
export interface FeedbackApi {
  give(anomalyId: string, body: FeedbackBody): FeedbackRow | undefined;
  forAnomaly(anomalyId: string): FeedbackRow[];
  list(q?: FeedbackQuery): FeedbackPage;
  /** The running policy's rules and judged kinds (newest rule first). */
  rules(): { rules: PolicyRuleView[]; kinds: PolicyKindView[] };
}

/** One piece of feedback as the API shows it (the internal fingerprint stays inside). */
export interface FeedbackView {
  id: number;
  anomalyId: string;
  verdict: Exclude<AnomalyStatus, 'open'>;
  createdAt: number;
  detector: string;
  source: string;
  templateId?: number;
  comment?: string;
  user?: string;
  muteUntil?: number;
}

export function feedbackView(r: FeedbackRow): FeedbackView {
  const v: FeedbackView = { id: r.id, anomalyId: r.anomalyId, verdict: r.verdict, createdAt: r.createdAt, detector: r.detector, source: r.source };
  if (r.templateId !== undefined) v.templateId = r.templateId;
  if (r.comment !== undefined) v.comment = r.comment;
  if (r.user !== undefined) v.user = r.user;
  if (r.muteUntil !== undefined) v.muteUntil = r.muteUntil;
  return v;
}

const time = z.coerce.number().int().nonnegative();
const exportQuery = z
  .object({
    since: time.optional(),
    until: time.optional(),
    verdict: z.enum(VERDICTS).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: z.string().max(512).optional(),
    next: z.string().max(512).optional(),
    format: z.enum(['json', 'ndjson']).optional(),
  })
  .strict();

const notEnabled = { error: 'Feedback is not enabled on this API.', code: 'ANOMALOG_ERR_API_BUSY' };

/** Where a zod issue points: the field path, the unknown keys, or `body`. */
function fieldOf(issue: z.core.$ZodIssue): string {
  if (issue.path.length) return issue.path.join('.');
  const keys = (issue as { keys?: string[] }).keys;
  return keys?.length ? keys.join(', ') : 'body';
}

export function registerFeedbackRoutes(app: FastifyInstance, feedback: FeedbackApi | undefined): void {
  app.post<{ Params: { id: string } }>('/api/anomalies/:id/feedback', async (req, reply) => {
    if (feedback === undefined) return reply.status(503).send(notEnabled);
    const r = feedbackBodySchema.safeParse(req.body);
    if (!r.success) {
      const issue = r.error.issues[0];
      return reply.status(400).send({ error: `Bad request body field ${fieldOf(issue)}: ${issue.message}.`, code: 'ANOMALOG_ERR_API_BODY' });
    }
    const row = feedback.give(req.params.id, r.data);
    if (row === undefined) return reply.status(404).send({ error: `No anomaly with id ${JSON.stringify(req.params.id.slice(0, 100))}.`, code: 'ANOMALOG_ERR_API_NOT_FOUND' });
    return reply.status(201).send(feedbackView(row));
  });

  app.get('/api/feedback', async (req, reply) => {
    if (feedback === undefined) return reply.status(503).send(notEnabled);
    const r = exportQuery.safeParse(req.query);
    if (!r.success) {
      const issue = r.error.issues[0];
      return reply.status(400).send({ error: `Bad query parameter ${fieldOf(issue)}: ${issue.message}.`, code: 'ANOMALOG_ERR_API_QUERY' });
    }
    const { next, format, ...q } = r.data;
    const query: FeedbackQuery = { ...q, cursor: q.cursor ?? next };
    if (format !== 'ndjson') {
      const page = feedback.list(query);
      return { feedback: page.feedback.map(feedbackView), next: page.next };
    }
    // Validate the first page before answering 200 (a bad cursor is still a 400).
    const first = feedback.list({ ...query, limit: 1000 });
    return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(ndjson(feedback, query, first)));
  });

  app.get('/api/feedback/rules', async (_req, reply) => {
    if (feedback === undefined) return reply.status(503).send(notEnabled);
    return feedback.rules();
  });
}

function* ndjson(feedback: FeedbackApi, q: FeedbackQuery, first: FeedbackPage): Generator<string> {
  let page = first;
  for (;;) {
    if (page.feedback.length > 0) yield page.feedback.map((f) => JSON.stringify(feedbackView(f)) + '\n').join('');
    if (page.next === null) return;
    page = feedback.list({ ...q, limit: 1000, cursor: page.next });
  }
}
