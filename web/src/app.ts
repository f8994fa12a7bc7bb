/**
 * The UI's state and actions. Views (views/*.ts) are pure functions of this state; every change
 * goes through `update()`, which schedules one lit render. Routing is by hash (`#/anomalies/<id>`),
 * so links from alerts (`/#/anomalies/<id>`) open the detail directly.
 */
import { parseRoute, type Route } from './route.js';
import { api, ApiError, type Anomaly, type AnomalyFilters, type FeedbackRules, type Health, type ModelInfo, type Stats, type TemplatePage, type Verdict, templateKey } from './api.js';
import { baseline, type ErrorBaseline } from './health.js';
import { arrive, pruneFresh } from './list.js';

/** Most anomalies kept in the list (live arrivals push the oldest out); the text search covers only these. */
export const MAX_LIST = 2000;

export interface ListState {
  filters: AnomalyFilters;
  range: string;
  search: string;
  items: Anomaly[];
  next: string | null;
  loading: boolean;
  error?: string;
  /** Ids that arrived over the live feed since the list was loaded (highlighted); only ids in `items` (list.ts). */
  fresh: Set<string>;
}

export interface DetailState {
  id?: string;
  anomaly?: Anomaly;
  similar?: Anomaly[];
  series?: Stats['templates'][number];
  /** For a `model` anomaly: its source's active model (null: none in the registry; undefined: loading or unavailable). */
  model?: ModelInfo | null;
  /** Why the model could not be read from `GET /api/models`. */
  modelError?: string;
  error?: string;
  sending: boolean;
  message?: string;
}

export interface TemplatesState {
  search: string;
  source: string;
  offset: number;
  page?: TemplatePage;
  series: Map<string, number[] | null>;
  error?: string;
  loading: boolean;
}

export interface RulesState {
  data?: FeedbackRules;
  error?: string;
  loading: boolean;
}

export class App {
  route: Route = parseRoute(location.hash);
  live: 'connecting' | 'open' | 'closed' = 'connecting';
  stats?: Stats;
  health?: Health;
  /** The sources' error counters of the poll before `health` (a dot is red when they grew since). */
  previousErrors?: ErrorBaseline;
  overviewError?: string;
  /** Newest anomalies seen (live feed or the first page), for the overview. */
  recent: Anomaly[] = [];
  list: ListState = { filters: {}, range: '', search: '', items: [], next: null, loading: false, fresh: new Set() };
  detail: DetailState = { sending: false };
  templates: TemplatesState = { search: '', source: '', offset: 0, series: new Map(), loading: false };
  rules: RulesState = { loading: false };
  private scheduled = false;
  private navigated = false;
  private wasOpen = false;
  private feed?: EventSource;
  private poll?: ReturnType<typeof setInterval>;
  private searchTimer?: ReturnType<typeof setTimeout>;
  /** When `health` was fetched (browser clock). */
  private healthAt = 0;

  constructor(private readonly render: () => void) {}

  start(): void {
    addEventListener('hashchange', () => this.navigate());
    this.connect();
    this.navigate();
    this.poll = setInterval(() => void this.refresh(), 5000);
  }

  update(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.render();
    });
  }

  navigate(): void {
    this.route = parseRoute(location.hash);
    const r = this.route;
    if (r.view === 'anomaly') void this.loadDetail(r.id);
    if (r.view === 'anomalies' && this.list.items.length === 0) void this.loadList();
    if (r.view === 'templates' && this.templates.page === undefined) void this.loadTemplates();
    // Rules change with every verdict given anywhere: read them again on each visit.
    if (r.view === 'feedback') void this.loadRules();
    void this.refresh();
    this.update();
    // After an in-app navigation, move focus to the new page's heading (keyboard and screen readers).
    if (this.navigated) queueMicrotask(() => requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus()));
    this.navigated = true;
  }

  /** Periodic: the overview's stats and health. */
  async refresh(): Promise<void> {
    if (this.route.view !== 'overview') return;
    try {
      const [stats, health] = await Promise.all([api.stats(), api.health()]);
      this.stats = stats;
      if (this.health && Array.isArray(this.health.sources)) this.previousErrors = baseline(this.health.sources as Record<string, unknown>[], this.healthAt);
      this.health = health;
      this.healthAt = Date.now();
      this.overviewError = undefined;
      if (this.recent.length === 0) this.recent = (await api.anomalies({}, 8)).anomalies;
    } catch (e) {
      this.overviewError = message(e);
    }
    this.update();
  }

  /** The SSE live feed: new anomalies go to the overview, and to the list when they match its filters. */
  private connect(): void {
    const es = new EventSource('/api/stream');
    this.feed = es;
    es.onopen = () => {
      // After a reconnect, what arrived meanwhile was not streamed: reload from the API.
      if (this.live !== 'open' && this.wasOpen) {
        if (this.list.items.length > 0) void this.loadList();
        this.recent = [];
        void this.refresh();
      }
      this.wasOpen = true;
      this.live = 'open';
      this.update();
    };
    es.onerror = () => {
      // EventSource reconnects by itself; show the state meanwhile.
      this.live = es.readyState === EventSource.CLOSED ? 'closed' : 'connecting';
      this.update();
    };
    es.addEventListener('anomaly', (ev) => {
      let a: Anomaly;
      try {
        a = JSON.parse((ev as MessageEvent<string>).data) as Anomaly;
      } catch {
        return;
      }
      this.recent = [a, ...this.recent.filter((x) => x.id !== a.id)].slice(0, 8);
      if (this.matches(a) && !this.list.items.some((x) => x.id === a.id)) this.list.items = arrive(this.list.items, this.list.fresh, a, MAX_LIST);
      this.update();
    });
  }

  /** Whether a live anomaly belongs in the list under its current filters (new ones are open). */
  private matches(a: Anomaly): boolean {
    const f = this.list.filters;
    if (f.source && a.source !== f.source) return false;
    if (f.detector && a.detector !== f.detector) return false;
    if (f.severity && a.severity !== f.severity) return false;
    if (f.status && (a.status ?? 'open') !== f.status) return false;
    if (f.q && !a.title.toLowerCase().includes(f.q.toLowerCase())) return false;
    if (f.since !== undefined && a.ts < f.since) return false;
    if (f.until !== undefined && a.ts >= f.until) return false;
    return true;
  }

  async loadList(more = false): Promise<void> {
    const l = this.list;
    l.loading = true;
    l.error = undefined;
    this.update();
    try {
      const page = await api.anomalies(l.filters, 100, more ? (l.next ?? undefined) : undefined);
      l.items = more ? [...l.items, ...page.anomalies].slice(0, MAX_LIST) : page.anomalies;
      l.next = page.next;
      if (more) pruneFresh(l.fresh, l.items);
      else l.fresh = new Set();
    } catch (e) {
      l.error = message(e);
    }
    l.loading = false;
    this.update();
  }

  setFilters(f: AnomalyFilters, range: string): void {
    this.list.filters = f;
    this.list.range = range;
    void this.loadList();
  }

  setSearch(s: string): void {
    this.list.search = s;
    this.update();
  }

  async loadDetail(id: string): Promise<void> {
    const keep = this.detail.id === id ? this.detail.message : undefined;
    this.detail = { id, sending: false, message: keep };
    this.update();
    try {
      const a = await api.anomaly(id);
      if (this.detail.id !== id) return;
      this.detail.anomaly = a;
      this.update();
      const [similar, stats] = await Promise.all([
        api.anomalies({ source: a.source, detector: a.detector }, 200),
        a.templateId !== undefined ? api.stats([templateKey(a.source, a.templateId)]) : Promise.resolve(undefined),
      ]);
      if (this.detail.id !== id) return;
      this.detail.similar = similar.anomalies.filter((x) => x.id !== a.id && x.templateId === a.templateId);
      this.detail.series = stats?.templates[0];
      if (a.detector === 'model') await this.loadModel(id, a.source);
    } catch (e) {
      if (this.detail.id === id) this.detail.error = message(e);
    }
    this.update();
  }

  /** The active model of the anomaly's source (`model-detector:<source>`); an error here only hides the model facts. */
  private async loadModel(id: string, source: string): Promise<void> {
    try {
      const { models } = await api.models();
      if (this.detail.id === id) this.detail.model = models.find((m) => m.kind === `model-detector:${source}`) ?? null;
    } catch (e) {
      if (this.detail.id === id) this.detail.modelError = message(e);
    }
  }

  async sendFeedback(verdict: Verdict, comment: string, muteFor: string, user: string): Promise<void> {
    const id = this.detail.id;
    if (id === undefined) return;
    this.detail.sending = true;
    this.detail.message = undefined;
    this.update();
    try {
      if (user) localStorage.setItem('anomalog.user', user);
      await api.feedback(id, { verdict, ...(comment ? { comment } : {}), ...(verdict === 'mute' ? { muteFor } : {}), ...(user ? { user } : {}) });
      this.detail.message = `Feedback saved: ${VERDICT_LABELS[verdict]}.`;
      // The list shows statuses: reload it next time it is opened.
      this.list.items = [];
      this.list.fresh = new Set();
      await this.loadDetail(id);
    } catch (e) {
      this.detail.sending = false;
      this.detail.message = `Feedback not saved: ${message(e)}`;
      this.update();
    }
  }

  async loadTemplates(): Promise<void> {
    const t = this.templates;
    t.loading = true;
    t.error = undefined;
    this.update();
    try {
      t.page = await api.templates({ search: t.search || undefined, source: t.source || undefined, limit: 50, offset: t.offset });
      const keys = t.page.templates.map((x) => templateKey(x.source, x.templateId));
      const stats = keys.length ? await api.stats(keys) : undefined;
      t.series = new Map((stats?.templates ?? []).map((s) => [templateKey(s.source, s.templateId), s.counts]));
    } catch (e) {
      t.error = message(e);
    }
    t.loading = false;
    this.update();
  }

  async loadRules(): Promise<void> {
    const r = this.rules;
    r.loading = true;
    r.error = undefined;
    this.update();
    try {
      r.data = await api.feedbackRules();
    } catch (e) {
      r.error = message(e);
    }
    r.loading = false;
    this.update();
  }

  searchTemplates(search: string, source: string): void {
    this.templates.search = search;
    this.templates.source = source;
    this.templates.offset = 0;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.loadTemplates(), 250);
  }

  pageTemplates(offset: number): void {
    this.templates.offset = Math.max(0, offset);
    void this.loadTemplates();
  }

  stop(): void {
    this.feed?.close();
    clearInterval(this.poll);
  }
}

export const VERDICT_LABELS: Record<string, string> = {
  open: 'open',
  real: 'real issue',
  noise: 'noise',
  mute: 'muted',
  learn: 'expected change (learned)',
};

function message(e: unknown): string {
  if (e instanceof ApiError) return e.status === 404 ? 'Not found.' : e.message;
  return e instanceof Error ? e.message : String(e);
}
