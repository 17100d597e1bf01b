import { isReasonCode, reasonDef } from '../../reasons.js';

export type Lang = 'zh' | 'en';

const en = {
  appTitle: 'Insurance checkout audit',
  loginTitle: 'Auditor sign-in',
  loginToken: 'Auditor token',
  loginHint: 'The token stays in this browser tab only and is forgotten when the tab closes.',
  loginSubmit: 'Sign in',
  loginUnknown: 'Token not recognised or revoked.',
  loginForbidden: 'This token is not an auditor\'s: it may not read the audit trail.',
  unreachable: 'Cannot reach the service.',
  signOut: 'Sign out',
  from: 'From',
  to: 'To',
  outcome: 'Outcome',
  reason: 'Reason',
  cashier: 'Cashier',
  person: 'Person hash',
  cardHashFilter: 'Card hash',
  personPlaceholder: 'ID number or hash',
  cardPlaceholder: 'Card number or hash',
  badHash: 'A hash is 64 hexadecimal characters; or type the ID number (15 or 18 characters) or the card number.',
  kind: 'Kind',
  any: 'Any',
  apply: 'Apply',
  clear: 'Clear',
  downloadCsv: 'Download CSV',
  exporting: 'Exporting…',
  downloadHint: 'Every decision matching the filter, as the API exports it',
  'outcome.allow': 'Allowed',
  'outcome.partial': 'Partial',
  'outcome.block': 'Blocked',
  'outcome.ok': 'OK',
  'outcome.problem': 'Problem',
  'kind.precheck': 'Precheck',
  'kind.card-read': 'Card read',
  'kind.account-check': 'Account check',
  'kind.pin': 'PIN',
  'verdict.covered': 'Covered',
  'verdict.self-pay': 'Self-pay',
  'verdict.rejected': 'Rejected',
  'problem.missing': 'a record is missing',
  'problem.altered': 'a record was altered',
  'problem.chain-break': 'the link to the previous record is broken',
  'problem.anchor-mismatch': 'the live trail does not continue the archive',
  'problem.checkpoint-mismatch': 'the chain differs from a signed checkpoint',
  'problem.checkpoint-signature': 'a checkpoint signature does not verify',
  'problem.truncated': 'records were cut off the end',
  time: 'Time',
  seq: 'Seq',
  card: 'Card',
  noCard: 'No card: e-voucher or ID number',
  reasons: 'Reasons',
  catalogue: 'Catalogue',
  noRows: 'No decisions match these filters.',
  loading: 'Loading…',
  newer: '‹ Newer',
  older: 'Older ›',
  page: 'Page {n}',
  rows: 'Rows {from}–{to}',
  chartTitle: 'Rejects per day by reason',
  chartRange: '{from} to {to}',
  chartEmpty: 'No rejected or partial decisions in this period.',
  chartHint: 'Click a reason to filter by it.',
  verifying: 'Verifying the audit chain…',
  chainOk: 'Chain intact: {count} records, head #{seq}',
  chainBroken: 'Chain BROKEN at #{seq}: {problem}',
  chainFailed: 'Chain not verified: {msg}',
  verifyAgain: 'Verify again',
  openBroken: 'Open the broken record',
  detailTitle: 'Decision',
  close: 'Close',
  recordId: 'Record id',
  terminal: 'Terminal',
  personHash: 'Person hash',
  cardHash: 'Card hash',
  token: 'Token',
  catalogueVersion: 'Catalogue version',
  chain: 'Chain position',
  seqOf: '#{seq} of {count}',
  prevHash: 'Previous hash',
  hash: 'Hash',
  algorithm: 'Algorithm',
  chainRecordOk: 'Verified: the chain is intact up to here.',
  chainRecordBad: 'Not verified: at or after the broken link #{seq}.',
  chainRecordUnknown: 'Chain status not known yet.',
  lines: 'Basket lines',
  line: 'Line',
  item: 'Item and code',
  verdict: 'Verdict',
  amount: 'Total',
  insurance: 'Insurance',
  selfPay: 'Self-pay',
  totals: 'Totals',
  basketReasons: 'Decision reasons',
  remedy: 'Remedy',
  none: 'None',
  raw: 'Raw record (JSON)',
  personHistory: 'This person\'s history',
  cardHistory: 'This card\'s history',
  cashierHistory: 'This cashier\'s decisions',
  requestFailed: 'Request failed: {msg}',
  switchLang: '中文',
};

export type TextKey = keyof typeof en;

const zh: Record<TextKey, string> = {
  appTitle: '医保结算审计',
  loginTitle: '审计员登录',
  loginToken: '审计员令牌',
  loginHint: '令牌只保存在本浏览器标签页中，关闭标签页即清除。',
  loginSubmit: '登录',
  loginUnknown: '令牌无效或已被撤销。',
  loginForbidden: '该令牌不是审计员令牌，无权查看审计记录。',
  unreachable: '无法连接服务。',
  signOut: '退出',
  from: '起始日期',
  to: '截止日期',
  outcome: '结果',
  reason: '原因',
  cashier: '收银员',
  person: '人员哈希',
  cardHashFilter: '卡哈希',
  personPlaceholder: '身份证号或哈希',
  cardPlaceholder: '社保卡号或哈希',
  badHash: '哈希为 64 位十六进制字符；也可直接输入身份证号（15 或 18 位）或社保卡号。',
  kind: '类型',
  any: '全部',
  apply: '查询',
  clear: '清除',
  downloadCsv: '导出 CSV',
  exporting: '正在导出…',
  downloadHint: '导出符合当前筛选条件的全部决策（与接口导出一致）',
  'outcome.allow': '允许',
  'outcome.partial': '部分自费',
  'outcome.block': '拒绝',
  'outcome.ok': '正常',
  'outcome.problem': '有问题',
  'kind.precheck': '结算预检',
  'kind.card-read': '读卡',
  'kind.account-check': '账户查询',
  'kind.pin': '密码',
  'verdict.covered': '医保支付',
  'verdict.self-pay': '自费',
  'verdict.rejected': '拒付',
  'problem.missing': '有记录缺失',
  'problem.altered': '记录内容被改动',
  'problem.chain-break': '与前一条记录的链接断开',
  'problem.anchor-mismatch': '在线记录与归档部分衔接不上',
  'problem.checkpoint-mismatch': '与已签名的检查点不符',
  'problem.checkpoint-signature': '检查点签名无效',
  'problem.truncated': '末尾的记录被截掉',
  time: '时间',
  seq: '序号',
  card: '卡号',
  noCard: '无卡：医保电子凭证或身份证号',
  reasons: '原因',
  catalogue: '目录',
  noRows: '没有符合条件的记录。',
  loading: '正在加载…',
  newer: '‹ 较新',
  older: '较早 ›',
  page: '第 {n} 页',
  rows: '第 {from}–{to} 条',
  chartTitle: '每日拒付（按原因）',
  chartRange: '{from} 至 {to}',
  chartEmpty: '该期间没有拒绝或部分自费的决策。',
  chartHint: '点击原因即可按其筛选。',
  verifying: '正在校验审计链…',
  chainOk: '审计链完整：{count} 条记录，链头 #{seq}',
  chainBroken: '审计链在 #{seq} 处断裂：{problem}',
  chainFailed: '未能校验审计链：{msg}',
  verifyAgain: '重新校验',
  openBroken: '打开断裂的记录',
  detailTitle: '决策详情',
  close: '关闭',
  recordId: '记录编号',
  terminal: '终端',
  personHash: '人员哈希',
  cardHash: '卡哈希',
  token: '令牌',
  catalogueVersion: '目录版本',
  chain: '链位置',
  seqOf: '#{seq} / 共 {count} 条',
  prevHash: '前一条哈希',
  hash: '本条哈希',
  algorithm: '算法',
  chainRecordOk: '已校验：审计链到此处完整。',
  chainRecordBad: '未通过校验：位于断裂处 #{seq} 或其后。',
  chainRecordUnknown: '审计链状态尚未知晓。',
  lines: '购物篮明细',
  line: '行',
  item: '药品及医保编码',
  verdict: '判定',
  amount: '金额',
  insurance: '医保支付',
  selfPay: '自付',
  totals: '合计',
  basketReasons: '整单原因',
  remedy: '处理办法',
  none: '无',
  raw: '原始记录（JSON）',
  personHistory: '查看此人的全部记录',
  cardHistory: '查看此卡的全部记录',
  cashierHistory: '查看该收银员的记录',
  requestFailed: '请求失败：{msg}',
  switchLang: 'English',
};

const DICTS: Record<Lang, Record<TextKey, string>> = { en, zh };
const STORE_KEY = 'guard.audit.lang';

let current: Lang = initialLang();

function initialLang(): Lang {
  const saved = localStorage.getItem(STORE_KEY);
  if (saved === 'zh' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

export function lang(): Lang {
  return current;
}

/** The language is a preference, not a secret: it is remembered across sessions. */
export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(STORE_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  document.title = `${DICTS[next].appTitle} · ${next === 'zh' ? 'Audit review' : '医保审计'}`;
}

export function t(key: TextKey, params?: Record<string, string | number>): string {
  return DICTS[current][key].replace(/\{(\w+)\}/g, (m, name: string) => (params && name in params ? String(params[name]) : m));
}

/** A value from the trail (outcome, kind, verdict) in words, or as stored when it is new to the page. */
export function label(group: 'outcome' | 'kind' | 'verdict' | 'problem', value: string): string {
  const key = `${group}.${value}`;
  return key in en ? t(key as TextKey) : value;
}

/** A reason code's message from the service's own reason table. */
export function reasonText(code: string): string {
  return isReasonCode(code) ? reasonDef(code).message[current] : code;
}

/**
 * Audit timestamps carry the pharmacy's offset ("2026-05-01T09:30:00.000+08:00"): shown as
 * written, so the time on screen is the time at the counter whatever the browser's zone.
 */
export function formatTime(at: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(at) ? `${at.slice(0, 10)} ${at.slice(11, 19)}` : at;
}

/** An API error in words: the service's own message in the page's language, else its code. */
export function errorText(err: { code: string; text: { zh: string; en: string } | null }): string {
  return err.text ? `${err.text[current]} (${err.code})` : err.code;
}

export function formatNumber(n: number): string {
  return n.toLocaleString(current === 'zh' ? 'zh-CN' : 'en-US');
}
