import { REASON_CODES, reasonGroup, type ReasonGroup } from '../../reasons.js';
import { h } from './dom.js';
import { cleanFilter, EMPTY_FILTER, type Filter } from './filters.js';
import { label, reasonText, t, type TextKey } from './i18n.js';

const OUTCOMES = ['block', 'partial', 'allow', 'problem', 'ok'];
const KINDS = ['precheck', 'card-read', 'account-check', 'pin'];
const GROUPS: Record<ReasonGroup, { zh: string; en: string }> = {
  card: { zh: '卡', en: 'Card' },
  account: { zh: '账户', en: 'Account' },
  item: { zh: '药品', en: 'Item' },
  system: { zh: '系统', en: 'System' },
};

/** The filter row; a change applies when the auditor presses Apply or Enter, or picks from a list. */
export function renderFilterBar(f: Filter, lang: 'zh' | 'en', apply: (f: Filter) => void): HTMLElement {
  const field = (key: keyof Filter, text: TextKey, control: HTMLInputElement | HTMLSelectElement) => {
    control.id = `filter-${key}`;
    control.name = key;
    return h('label', { class: `field field-${key}` }, h('span', {}, t(text)), control);
  };
  const any = () => h('option', { value: '' }, t('any'));
  const select = (value: string, options: Node[]) => {
    const s = h('select', { onchange: () => submit() }, any(), options);
    s.value = value;
    return s;
  };
  const reasonOptions = (Object.keys(GROUPS) as ReasonGroup[]).map((g) => h('optgroup', { label: GROUPS[g][lang] },
    REASON_CODES.filter((c) => reasonGroup(c) === g).map((c) => h('option', { value: c, title: reasonText(c) }, `${c} · ${reasonText(c)}`))));
  const form = h('form', { id: 'filters', class: 'filters', onsubmit: (e: Event) => { e.preventDefault(); submit(); } },
    field('from', 'from', h('input', { type: 'date', value: f.from })),
    field('to', 'to', h('input', { type: 'date', value: f.to })),
    field('outcome', 'outcome', select(f.outcome, OUTCOMES.map((o) => h('option', { value: o }, label('outcome', o))))),
    field('reason', 'reason', select(f.reason, reasonOptions)),
    field('kind', 'kind', select(f.kind, KINDS.map((k) => h('option', { value: k }, label('kind', k))))),
    field('cashierId', 'cashier', h('input', { type: 'text', value: f.cashierId, maxlength: 64, spellcheck: 'false', autocomplete: 'off' })),
    field('personHash', 'person', hashInput(f.personHash, t('personPlaceholder'))),
    field('cardHash', 'cardHashFilter', hashInput(f.cardHash, t('cardPlaceholder'))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'filter-apply', class: 'primary' }, t('apply')),
      h('button', { type: 'button', id: 'filter-clear', onclick: () => apply(EMPTY_FILTER) }, t('clear'))));

  function submit(): void {
    const data = new FormData(form);
    const raw: Partial<Record<keyof Filter, string>> = {};
    for (const [k, v] of data) raw[k as keyof Filter] = String(v);
    apply(cleanFilter(raw));
  }
  return form;
}

function hashInput(value: string, placeholder: string): HTMLInputElement {
  return h('input', { type: 'text', value, maxlength: 64, spellcheck: 'false', autocomplete: 'off', placeholder, title: placeholder });
}
