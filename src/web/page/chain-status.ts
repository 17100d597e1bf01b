import type { ApiError, VerifyAnswer } from './api.js';
import { h } from './dom.js';
import { errorText, formatNumber, label, t } from './i18n.js';

export type ChainState = { state: 'pending' } | { state: 'done'; answer: VerifyAnswer } | { state: 'failed'; error: ApiError };

/**
 * The chain-verification badge: always on screen, green only when the API has just re-hashed
 * the whole trail and found it intact. A broken chain also gets a banner that cannot be missed.
 */
export function renderChainBadge(chain: ChainState, actions: { reverify(): void }): HTMLElement {
  const again = h('button', { type: 'button', id: 'verify-again', class: 'link', onclick: () => actions.reverify(), disabled: chain.state === 'pending' }, t('verifyAgain'));
  if (chain.state === 'pending') return h('div', { id: 'verify-status', class: 'badge pending', 'data-state': 'pending', role: 'status' }, h('span', { class: 'dot' }), t('verifying'));
  if (chain.state === 'failed') {
    return h('div', { id: 'verify-status', class: 'badge warn', 'data-state': 'failed', role: 'status' }, h('span', { class: 'dot' }), t('chainFailed', { msg: errorText(chain.error) }), again);
  }
  const a = chain.answer;
  if (a.ok) {
    return h('div', { id: 'verify-status', class: 'badge ok', 'data-state': 'ok', role: 'status', title: a.algorithm }, h('span', { class: 'dot' }), t('chainOk', { count: formatNumber(a.count), seq: a.head.seq }), again);
  }
  const broken = a.firstBroken;
  return h('div', { id: 'verify-status', class: 'badge bad', 'data-state': 'broken', role: 'alert', title: broken?.message ?? a.algorithm }, h('span', { class: 'dot' }), t('chainBroken', { seq: broken?.seq ?? '?', problem: broken ? label('problem', broken.problem) : '' }), again);
}

export function renderChainBanner(chain: ChainState, actions: { open(id: string): void }): HTMLElement | null {
  if (chain.state !== 'done' || chain.answer.ok || !chain.answer.firstBroken) return null;
  const broken = chain.answer.firstBroken;
  const id = broken.id;
  return h('div', { id: 'chain-banner', class: 'banner', role: 'alert' },
    h('strong', {}, t('chainBroken', { seq: broken.seq, problem: label('problem', broken.problem) })),
    broken.message ? h('span', { class: 'small' }, broken.message) : null,
    id ? h('button', { type: 'button', class: 'link', id: 'open-broken', onclick: () => actions.open(id) }, t('openBroken')) : null);
}

/** Where one record stands: verified, after the first broken link, or newer than the last check. */
export function recordChainState(chain: ChainState, seq: number): 'ok' | 'bad' | 'unknown' {
  if (chain.state !== 'done') return 'unknown';
  const { firstBroken, head, ok } = chain.answer;
  if (firstBroken && seq >= firstBroken.seq) return 'bad';
  if (seq > head.seq) return 'unknown';
  return ok || firstBroken ? 'ok' : 'unknown';
}
