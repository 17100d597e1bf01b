import type { Reason } from '../../reasons.js';
import type { ApiError, DecisionBody, DecisionRecord, PrecheckLine } from './api.js';
import { recordChainState, type ChainState } from './chain-status.js';
import { h } from './dom.js';
import { cardCell } from './table.js';
import { errorText, formatNumber, formatTime, label, lang, t, type TextKey } from './i18n.js';

export interface DetailActions {
  close(): void;
  filter(key: 'personHash' | 'cardHash' | 'cashierId', value: string): void;
}

export type DetailState = { state: 'loading'; id: string } | { state: 'error'; id: string; error: ApiError } | { state: 'done'; record: DecisionRecord };

/**
 * One decision as recorded: who, where, the basket with each line's verdict and amounts, every
 * reason in both languages (the auditor reads what the cashier was shown), and the record's
 * place in the hash chain.
 */
export function renderDetail(d: DetailState, chain: ChainState, actions: DetailActions): HTMLElement {
  const close = h('button', { type: 'button', id: 'detail-close', class: 'link', onclick: () => actions.close(), 'aria-label': t('close') }, '✕');
  if (d.state !== 'done') {
    return h('aside', { id: 'detail', class: 'detail', 'data-id': d.id },
      h('header', {}, h('h2', {}, t('detailTitle')), close),
      d.state === 'loading' ? h('p', { class: 'muted' }, t('loading')) : h('p', { class: 'error' }, t('requestFailed', { msg: errorText(d.error) })));
  }
  const r = d.record;
  const body = r.decision ?? {};
  const chainState = recordChainState(chain, r.seq);
  const count = chain.state === 'done' ? chain.answer.count : null;
  const brokenSeq = chain.state === 'done' ? chain.answer.firstBroken?.seq ?? '' : '';
  const basketReasons = body.reasons ?? body.checks ?? [];

  return h('aside', { id: 'detail', class: 'detail', 'data-id': r.id },
    h('header', {},
      h('h2', {}, t('detailTitle'), ' ', h('span', { class: `outcome o-${r.outcome}`, id: 'detail-outcome' }, label('outcome', r.outcome))),
      close),
    h('dl', { class: 'meta' },
      item(t('time'), formatTime(r.at)),
      item(t('kind'), label('kind', r.kind)),
      item(t('recordId'), h('span', { class: 'mono small' }, r.id)),
      item(t('cashier'), link(r.cashierId, 'cashierHistory', () => actions.filter('cashierId', r.cashierId!))),
      item(t('terminal'), r.terminalId ?? '—'),
      item(t('card'), cardCell('span', r)),
      item(t('personHash'), link(r.personHash, 'personHistory', () => actions.filter('personHash', r.personHash!), 'detail-person')),
      item(t('cardHash'), link(r.cardHash ?? null, 'cardHistory', () => actions.filter('cardHash', r.cardHash!), 'detail-card-hash')),
      item(t('catalogueVersion'), h('span', { id: 'detail-catalogue' }, r.catalogueVersion ?? '—'))),
    body.items ? lines(body.items, body.totals) : null,
    h('h3', {}, t('basketReasons')),
    reasonList(basketReasons),
    h('h3', {}, t('chain')),
    h('div', { class: `chain chain-${chainState}`, id: 'detail-chain', 'data-state': chainState },
      h('p', {}, h('strong', {}, count === null ? `#${r.seq}` : t('seqOf', { seq: r.seq, count: formatNumber(count) })), ' · ',
        chainState === 'ok' ? t('chainRecordOk') : chainState === 'bad' ? t('chainRecordBad', { seq: brokenSeq }) : t('chainRecordUnknown')),
      h('dl', { class: 'hashes' }, item(t('prevHash'), h('code', {}, r.prevHash)), item(t('hash'), h('code', {}, r.hash)), r.algorithm ? item(t('algorithm'), r.algorithm) : null)),
    h('details', { class: 'raw' }, h('summary', {}, t('raw')), h('pre', {}, JSON.stringify(r, null, 2))));
}

function item(term: string, value: Node | string | number): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}

/** A value that shows every decision sharing it; hashes are cut short on screen, whole in the filter. */
function link(value: string | null, hint: TextKey, onclick: () => void, id?: string): Node | string {
  if (!value) return '—';
  const hash = /^[0-9a-f]{32,}$/.test(value);
  return h('button', { type: 'button', class: hash ? 'link mono small' : 'link', id, title: `${t(hint)}${hash ? `: ${value}` : ''}`, onclick }, hash ? `${value.slice(0, 16)}…` : value);
}

function lines(items: PrecheckLine[], totals: DecisionBody['totals']): HTMLElement[] {
  const rows = items.flatMap((l) => [
    h('tr', { class: `line v-${l.verdict}`, 'data-line': l.lineId },
      h('td', {}, l.lineId),
      h('td', {}, l.name ?? '—', h('span', { class: 'item-code mono' }, l.code ?? '—')),
      h('td', {}, h('span', { class: `verdict v-${l.verdict}` }, label('verdict', l.verdict))),
      h('td', { class: 'num' }, l.totalAmount), h('td', { class: 'num' }, l.insuranceAmount), h('td', { class: 'num' }, l.selfPayAmount)),
    l.reasons.length > 0 ? h('tr', { class: 'line-reasons' }, h('td', { colspan: 6 }, reasonList(l.reasons))) : null,
  ].filter((x): x is HTMLTableRowElement => x !== null));
  return [
    h('h3', {}, t('lines')),
    h('table', { class: 'lines', id: 'detail-lines' },
      h('thead', {}, h('tr', {}, h('th', {}, t('line')), h('th', {}, t('item')), h('th', {}, t('verdict')),
        h('th', { class: 'num' }, t('amount')), h('th', { class: 'num' }, t('insurance')), h('th', { class: 'num' }, t('selfPay')))),
      h('tbody', {}, rows),
      totals ? h('tfoot', {}, h('tr', {}, h('th', { colspan: 3 }, t('totals')),
        h('th', { class: 'num' }, totals.totalAmount), h('th', { class: 'num' }, totals.insuranceAmount), h('th', { class: 'num' }, totals.selfPayAmount))) : null),
  ];
}

/** Each reason in the page's language first and the other one beneath it. */
function reasonList(reasons: Reason[]): HTMLElement {
  if (reasons.length === 0) return h('p', { class: 'muted' }, t('none'));
  const first = lang();
  const second = first === 'zh' ? 'en' : 'zh';
  return h('ul', { class: 'reasons' }, reasons.map((r) => h('li', { class: `sev-${r.severity}`, 'data-code': r.code },
    h('span', { class: 'chip' }, r.code),
    h('div', {},
      h('p', { class: 'msg', lang: first }, r.message[first]),
      h('p', { class: 'msg other', lang: second }, r.message[second]),
      r.remedy ? h('p', { class: 'remedy', lang: first }, `${t('remedy')}: ${r.remedy[first]}`) : null))));
}
