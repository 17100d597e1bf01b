import type { ApiError, DecisionPage, DecisionRow } from './api.js';
import { h } from './dom.js';
import { errorText, formatTime, label, reasonText, t } from './i18n.js';

export interface TableState {
  page: DecisionPage | null;
  error: ApiError | null;
  /** 0-based page number within the current filter. */
  index: number;
  pageSize: number;
  open: string | null;
  exporting: boolean;
}

export interface TableActions {
  open(id: string): void;
  newer(): void;
  older(): void;
  download(): void;
}

/** The decisions table with cursor paging; newest first, as the API answers. */
export function renderTable(s: TableState, actions: TableActions): HTMLElement {
  const head = h('thead', {}, h('tr', {},
    h('th', { class: 'c-time' }, t('time')), h('th', { class: 'c-seq' }, t('seq')), h('th', { class: 'c-kind' }, t('kind')),
    h('th', { class: 'c-outcome' }, t('outcome')), h('th', { class: 'c-cashier' }, t('cashier')), h('th', { class: 'c-card' }, t('card')),
    h('th', { class: 'c-reasons' }, t('reasons')), h('th', { class: 'c-cat' }, t('catalogue'))));
  let body: HTMLElement;
  if (s.error) body = h('tbody', {}, h('tr', {}, h('td', { colspan: 8, class: 'error' }, t('requestFailed', { msg: errorText(s.error) }))));
  else if (!s.page) body = h('tbody', {}, h('tr', {}, h('td', { colspan: 8, class: 'muted' }, t('loading'))));
  else if (s.page.items.length === 0) body = h('tbody', {}, h('tr', {}, h('td', { colspan: 8, class: 'muted', id: 'no-rows' }, t('noRows'))));
  else {
    body = h('tbody', {}, s.page.items.map((r) => h('tr', {
      'data-id': r.id, 'data-seq': r.seq, tabindex: 0, class: r.id === s.open ? 'selected' : '', 'aria-selected': r.id === s.open ? 'true' : 'false',
      onclick: () => actions.open(r.id),
      onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') actions.open(r.id); },
    },
    h('td', { class: 'c-time' }, formatTime(r.at)),
    h('td', { class: 'c-seq num' }, r.seq),
    h('td', { class: 'c-kind' }, label('kind', r.kind)),
    h('td', { class: 'c-outcome' }, h('span', { class: `outcome o-${r.outcome}` }, label('outcome', r.outcome))),
    h('td', { class: 'c-cashier' }, r.cashierId ?? '—'),
    cardCell('td', r),
    h('td', { class: 'c-reasons' }, r.reasonCodes.map((c) => h('span', { class: 'chip', title: reasonText(c) }, c))),
    h('td', { class: 'c-cat num' }, r.catalogueVersion ?? '—'))));
  }
  const count = s.page?.items.length ?? 0;
  const first = s.index * s.pageSize + 1;
  const pager = h('div', { class: 'pager' },
    h('button', { type: 'button', id: 'page-newer', onclick: () => actions.newer(), disabled: s.index === 0 }, t('newer')),
    h('span', { id: 'page-info' }, t('page', { n: s.index + 1 }), count > 0 ? ` · ${t('rows', { from: first, to: first + count - 1 })}` : ''),
    h('button', { type: 'button', id: 'page-older', onclick: () => actions.older(), disabled: !s.page?.nextCursor }, t('older')),
    h('span', { class: 'spacer' }),
    h('button', { type: 'button', id: 'download-csv', onclick: () => actions.download(), disabled: s.exporting, title: t('downloadHint') }, s.exporting ? t('exporting') : t('downloadCsv')));
  return h('section', { class: 'decisions' },
    h('div', { class: 'table-scroll' }, h('table', { id: 'decisions' }, head, body)),
    pager);
}

/** The masked card; for a decision about a customer without the card (e-voucher or ID number: a person, no card), says so rather than a bare dash. */
export function cardCell(tag: 'td' | 'span', r: Pick<DecisionRow, 'cardMasked' | 'personHash'>): HTMLElement {
  if (r.cardMasked) return h(tag, { class: tag === 'td' ? 'c-card mono' : 'mono' }, r.cardMasked);
  return h(tag, { class: tag === 'td' ? 'c-card no-card' : 'no-card' }, r.personHash ? t('noCard') : '—');
}
