import { h } from './dom.js';
import { t, type TextKey } from './i18n.js';

/**
 * The sign-in form. The token is checked against the audit API before the page keeps it, and
 * it is kept in sessionStorage only: gone when the tab closes, never in a cookie or on disk.
 */
export function renderLogin(root: HTMLElement, problem: TextKey | null, onSubmit: (token: string) => Promise<TextKey | null>, onLang: () => void): void {
  const input = h('input', { id: 'login-token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'login-hint' });
  const error = h('p', { id: 'login-error', class: 'error', role: 'alert' }, problem ? t(problem) : '');
  const button = h('button', { id: 'login-submit', type: 'submit', class: 'primary' }, t('loginSubmit'));
  const form = h('form', {
    class: 'login',
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      button.disabled = true;
      error.textContent = '';
      const failed = await onSubmit(token);
      button.disabled = false;
      if (failed) {
        error.textContent = t(failed);
        input.select();
      }
    },
  },
  h('div', { class: 'login-head' }, h('h1', {}, t('appTitle')), h('button', { type: 'button', id: 'lang-switch', class: 'link', onclick: onLang }, t('switchLang'))),
  h('h2', {}, t('loginTitle')),
  h('label', { for: 'login-token' }, t('loginToken')),
  input,
  h('p', { id: 'login-hint', class: 'hint' }, t('loginHint')),
  error,
  button);
  root.replaceChildren(h('main', { class: 'login-page' }, form));
  input.focus();
}
