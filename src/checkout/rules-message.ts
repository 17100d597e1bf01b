import { formatYuan, type Fen } from '../money.js';
import type { Reason, Text } from '../reasons.js';
import type { LineResult } from './rules.js';
import { verdictOf } from './rules-verdict.js';

/** Until the basket is priced: the account balance may still move cash into a line. */
export const NO_MESSAGE: Text = Object.freeze({ zh: '', en: '' });

const CASH_PARTS = [
  ['classB', '乙类先行自付', 'class-B share'],
  ['aboveCap', '超出限价部分', 'above the price cap'],
  ['overLimit', '超出限量部分', 'above the supply limit'],
  ['balance', '个人账户余额不足部分', 'account balance short'],
] as const;

// The texts are built en before zh, the order of the audit trail's canonical JSON, so that
// encoding every decision copies nothing (src/audit/canonical.ts).

/**
 * One sentence per line, in zh and en, telling the cashier what to do with it and with which
 * amounts. The reasons' own texts (src/reasons.ts) supply the why and the fix.
 */
export function lineMessage(r: LineResult): Text {
  const total = formatYuan(r.totalFen);
  if (r.verdict === 'covered') {
    const insurance = formatYuan(r.insuranceFen);
    if (r.selfPayFen === 0) return { en: `Insurance pays ${insurance}; nothing to collect.`, zh: `医保支付 ${insurance} 元，无需另收现金。` };
    let zh = '';
    let en = '';
    for (const [key, zhPart, enPart] of CASH_PARTS) {
      if (r.cash[key] === 0) continue;
      const amount = formatYuan(r.cash[key]);
      zh += `${zh ? '，' : ''}${zhPart} ${amount} 元`;
      en += `${en ? ', ' : ''}${enPart} ${amount}`;
    }
    const self = formatYuan(r.selfPayFen);
    return { en: `Insurance pays ${insurance}; collect ${self} from the customer (${en}).`, zh: `医保支付 ${insurance} 元；向顾客收取现金 ${self} 元（${zh}）。` };
  }
  // The deciding reasons: those whose own verdict is the line's.
  let whyZh = '';
  let whyEn = '';
  let fixZh = '';
  let fixEn = '';
  for (const x of r.reasons) {
    if (verdictOf(x) !== r.verdict) continue;
    whyZh += `${whyZh ? '；' : ''}${x.message.zh}`;
    whyEn += `${whyEn ? '; ' : ''}${x.message.en}`;
    if (x.remedy) {
      fixZh += x.remedy.zh;
      fixEn += `${fixEn ? ' ' : ''}${x.remedy.en}`;
    }
  }
  if (r.verdict === 'rejected') {
    return {
      en: `Insurance does not pay this line as entered: ${whyEn}. ${fixEn} If the customer pays instead, collect ${total}.`,
      zh: `按当前录入医保不予支付：${whyZh}。${fixZh}若顾客选择自费，收取 ${total} 元。`,
    };
  }
  return {
    en: `Insurance does not pay: ${whyEn}. Collect the full ${total} from the customer (remove the line if they decline).`,
    zh: `医保不予支付：${whyZh}。请向顾客收取全额 ${total} 元（顾客不买则删除此行）。`,
  };
}

/** A blocked basket: the line is fine or not, but insurance pays nothing in this purchase. */
export function blockedLineMessage(totalFen: Fen, gate: Reason): Text {
  const total = formatYuan(totalFen);
  return {
    en: `Insurance cannot pay in this purchase (${gate.message.en}): collect the full ${total} from the customer, or precheck again once it is resolved.`,
    zh: `本次不能使用医保支付（${gate.message.zh}）：向顾客收取全额 ${total} 元，或处理后重新预检。`,
  };
}
