import './style.css';
import { ApiError, AuditApi, PAGE_SIZE } from './api.js';
import { renderChainBadge, renderChainBanner, type ChainState } from './chain-status.js';
import { renderChart, type ChartState } from './chart.js';
import { renderDetail, type DetailState } from './detail.js';
import { byId, h } from './dom.js';
import { renderFilterBar } from './filter-bar.js';
import { auditToday, chartRange, EMPTY_FILTER, fromHash, hashLookups, toHash, type Filter } from './filters.js';
import { errorText, lang, setLang, t, type TextKey } from './i18n.js';
import { renderLogin } from './login.js';
import { renderTable, type TableState } from './table.js';

const TOKEN_KEY = 'guard.audit.token';
const root = byId('app');

/** Shows the sign-in form, or the page when this tab already holds a token. */
function boot(problem: TextKey | null = null): void {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) {
    new AuditPage(token);
    return;
  }
  renderLogin(root, problem, signIn, () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    boot(problem);
  });
}

async function signIn(token: string): Promise<TextKey | null> {
  try {
    await new AuditApi(token).decisions(EMPTY_FILTER, null, 1);
  } catch (err) {
    return authProblem(err) ?? 'unreachable';
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  boot();
  return null;
}

function authProblem(err: unknown): TextKey | null {
  if (!(err instanceof ApiError)) return null;
  if (err.status === 401) return 'loginUnknown';
  if (err.status === 403) return 'loginForbidden';
  if (err.status === 0) return 'unreachable';
  return null;
}

/**
 * The signed-in page: owns the state, asks the API, and redraws only the part an answer
 * changes. Each part keeps a request counter so a slow, stale answer never overwrites a newer one.
 */
class AuditPage {
  private readonly api: AuditApi;
  private filter: Filter;
  private open: string | null;
  private cursors: (string | null)[] = [null];
  private table: TableState;
  private chain: ChainState = { state: 'pending' };
  private chart: ChartState;
  private detail: DetailState | null = null;
  private notice = '';
  private closed = false;
  private readonly latest = { page: 0, chart: 0, detail: 0, verify: 0, lookup: 0 };
  private readonly slots = { badge: h('div'), banner: h('div'), notice: h('div', { id: 'notice', role: 'status' }), filters: h('div'), chart: h('div'), table: h('div', { class: 'table-slot' }), detail: h('div', { class: 'detail-slot' }) };
  private readonly onPop = () => this.followAddress();
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.open) this.openDecision(null);
  };
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onResize = () => {
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => this.drawChart(), 150);
  };

  constructor(token: string) {
    this.api = new AuditApi(token);
    const fromAddress = fromHash(location.hash);
    this.filter = fromAddress.filter;
    this.open = fromAddress.open;
    this.table = { page: null, error: null, index: 0, pageSize: PAGE_SIZE, open: this.open, exporting: false };
    this.chart = { state: 'loading', ...this.chartDays() };
    window.addEventListener('popstate', this.onPop);
    window.addEventListener('resize', this.onResize);
    window.addEventListener('keydown', this.onKey);
    this.layout();
    void this.loadPage();
    void this.loadChart();
    void this.verify();
    if (this.open) void this.loadDetail(this.open);
  }

  private layout(): void {
    root.replaceChildren(h('div', { class: 'app' },
      h('header', { class: 'top' },
        h('h1', {}, t('appTitle')),
        this.slots.badge,
        h('div', { class: 'spacer' }),
        h('button', { type: 'button', id: 'lang-switch', class: 'link', onclick: () => this.switchLang() }, t('switchLang')),
        h('button', { type: 'button', id: 'sign-out', class: 'link', onclick: () => this.signOut(null) }, t('signOut'))),
      this.slots.banner,
      this.slots.filters,
      this.slots.notice,
      h('div', { class: 'workspace' }, h('div', { class: 'main-col' }, this.slots.chart, this.slots.table), this.slots.detail)));
    this.drawChain();
    this.drawFilters();
    this.drawNotice();
    this.drawDetail();
    this.drawTable();
    this.drawChart();
  }

  private switchLang(): void {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    this.layout();
  }

  private signOut(problem: TextKey | null): void {
    if (this.closed) return;
    this.closed = true;
    window.removeEventListener('popstate', this.onPop);
    window.removeEventListener('resize', this.onResize);
    window.removeEventListener('keydown', this.onKey);
    sessionStorage.removeItem(TOKEN_KEY);
    boot(problem);
  }

  /** Every answer goes through here: an auth failure signs out, anything else is the caller's to show. */
  private async ask<T>(kind: keyof AuditPage['latest'], call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ApiError } | null> {
    const n = ++this.latest[kind];
    try {
      const value = await call();
      return n === this.latest[kind] && !this.closed ? { ok: true, value } : null;
    } catch (err) {
      if (this.closed || n !== this.latest[kind]) return null;
      const auth = authProblem(err);
      if (auth && auth !== 'unreachable') {
        this.signOut(auth);
        return null;
      }
      return { ok: false, error: err instanceof ApiError ? err : new ApiError(0, 'UNEXPECTED', null) };
    }
  }

  private async loadPage(): Promise<void> {
    this.table = { ...this.table, page: null, error: null };
    this.drawTable();
    const got = await this.ask('page', () => this.api.decisions(this.filter, this.cursors[this.table.index] ?? null));
    if (!got) return;
    this.table = got.ok ? { ...this.table, page: got.value } : { ...this.table, error: got.error };
    this.drawTable();
  }

  private chartDays(): { from: string; to: string } {
    return chartRange(this.filter, auditToday());
  }

  private async loadChart(): Promise<void> {
    const range = this.chartDays();
    this.chart = { state: 'loading', ...range };
    this.drawChart();
    const got = await this.ask('chart', () => this.api.rejects(range.from, range.to));
    if (!got) return;
    this.chart = got.ok ? { state: 'done', ...range, rows: got.value } : { state: 'error', ...range, error: got.error };
    this.drawChart();
  }

  private async verify(): Promise<void> {
    this.chain = { state: 'pending' };
    this.drawChain();
    const got = await this.ask('verify', () => this.api.verify());
    if (!got) return;
    this.chain = got.ok ? { state: 'done', answer: got.value } : { state: 'failed', error: got.error };
    this.drawChain();
    this.drawDetail();
  }

  private async loadDetail(id: string): Promise<void> {
    this.detail = { state: 'loading', id };
    this.drawDetail();
    const got = await this.ask('detail', () => this.api.decision(id));
    if (!got) return;
    this.detail = got.ok ? { state: 'done', record: got.value } : { state: 'error', id, error: got.error };
    this.drawDetail();
  }

  private async applyFilter(typed: Filter, fromAddress = false): Promise<void> {
    const f = await this.resolveNumbers(typed);
    if (!f) return;
    this.notice = '';
    this.drawNotice();
    this.filter = f;
    this.cursors = [null];
    this.table = { ...this.table, index: 0 };
    if (!fromAddress) history.pushState(null, '', toHash(f, this.open) || location.pathname);
    this.drawFilters();
    void this.loadPage();
    void this.loadChart();
  }

  /** The filter with typed ID or card numbers replaced by their hashes; null (and a notice) when it cannot be sent. */
  private async resolveNumbers(f: Filter): Promise<Filter | null> {
    const lookups = hashLookups(f);
    const fail = (message: string) => {
      this.notice = message;
      this.drawNotice();
      return null;
    };
    if (lookups.invalid.length > 0) return fail(t('badHash'));
    const { idNumber, cardNumber } = lookups;
    if (!idNumber && !cardNumber) return f;
    const got = await this.ask('lookup', () => this.api.keyedHash({ ...(idNumber ? { idNumber } : {}), ...(cardNumber ? { cardNumber } : {}) }));
    if (!got) return null;
    if (!got.ok) return fail(t('requestFailed', { msg: errorText(got.error) }));
    return { ...f, personHash: got.value.personHash ?? f.personHash, cardHash: got.value.cardHash ?? f.cardHash };
  }

  private openDecision(id: string | null): void {
    this.open = id;
    this.table = { ...this.table, open: id };
    history.replaceState(null, '', toHash(this.filter, id) || location.pathname);
    this.drawTable();
    if (id) void this.loadDetail(id);
    else {
      this.latest.detail++;
      this.detail = null;
      this.drawDetail();
    }
  }

  /** Back and forward move through filters the auditor applied. */
  private followAddress(): void {
    const next = fromHash(location.hash);
    if (toHash(next.filter, null) !== toHash(this.filter, null)) void this.applyFilter(next.filter, true);
    if (next.open !== this.open) this.openDecision(next.open);
  }

  private async download(): Promise<void> {
    this.table = { ...this.table, exporting: true };
    this.drawTable();
    let failed: ApiError | null = null;
    try {
      const { blob, fileName } = await this.api.exportCsv(this.filter);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: fileName, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      const auth = authProblem(err);
      if (auth && auth !== 'unreachable') return this.signOut(auth);
      failed = err instanceof ApiError ? err : new ApiError(0, 'UNEXPECTED', null);
    }
    this.table = { ...this.table, exporting: false };
    this.drawTable();
    this.notice = failed ? t('requestFailed', { msg: errorText(failed) }) : '';
    this.drawNotice();
  }

  private drawChain(): void {
    this.slots.badge.replaceChildren(renderChainBadge(this.chain, { reverify: () => void this.verify() }));
    this.slots.banner.replaceChildren(renderChainBanner(this.chain, { open: (id) => this.openDecision(id) }) ?? '');
  }

  private drawFilters(): void {
    this.slots.filters.replaceChildren(renderFilterBar(this.filter, lang(), (f) => void this.applyFilter(f)));
  }

  private drawNotice(): void {
    this.slots.notice.textContent = this.notice;
    this.slots.notice.className = this.notice ? 'notice error' : 'notice';
  }

  private drawChart(): void {
    // The legend and padding take a fixed width beside the plot.
    const plotWidth = this.slots.chart.clientWidth - 290;
    this.slots.chart.replaceChildren(renderChart(this.chart, plotWidth > 0 ? plotWidth : 560, (reason) => void this.applyFilter({ ...this.filter, reason })));
  }

  private drawTable(): void {
    this.slots.table.replaceChildren(renderTable(this.table, {
      open: (id) => this.openDecision(id),
      download: () => void this.download(),
      newer: () => {
        if (this.table.index === 0) return;
        this.table = { ...this.table, index: this.table.index - 1 };
        void this.loadPage();
      },
      older: () => {
        const next = this.table.page?.nextCursor;
        if (!next) return;
        this.cursors[this.table.index + 1] = next;
        this.table = { ...this.table, index: this.table.index + 1 };
        void this.loadPage();
      },
    }));
  }

  private drawDetail(): void {
    this.slots.detail.replaceChildren(this.detail ? renderDetail(this.detail, this.chain, {
      close: () => this.openDecision(null),
      filter: (key, value) => void this.applyFilter({ ...EMPTY_FILTER, [key]: value }),
    }) : '');
    const wasOpen = this.slots.detail.classList.contains('open');
    this.slots.detail.classList.toggle('open', this.detail !== null);
    if (wasOpen !== (this.detail !== null)) this.drawChart();
  }
}

setLang(lang());
boot();
