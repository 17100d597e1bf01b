/**
 * Every reason code the service can give, with its bilingual message and the remedy the
 * cardholder or cashier acts on. This table is the single source: HTTP answers, the audit
 * trail, the OpenAPI document and the auditor page all read it.
 */
export type Severity = 'error' | 'warning' | 'info';
export type ReasonGroup = 'card' | 'account' | 'item' | 'system';
export interface Text { zh: string; en: string }

export interface Reason {
  code: ReasonCode;
  severity: Severity;
  message: Text;
  remedy?: Text;
  detail?: Record<string, unknown>;
}

interface ReasonWording {
  severity: Severity;
  message: Text;
  remedy?: Text;
}

interface ReasonDef extends ReasonWording {
  group: ReasonGroup;
  /** Cases of one code that call for different wording (and severity): see reasonVariant. */
  variants?: Record<string, Partial<ReasonWording>>;
}

/**
 * Account remedies: the customer can still pay today; the fix is at the local social security
 * department, and its website and the 12333 hotline answer questions about the account.
 */
const accountRemedy = (zh: string, en: string): Text => ({
  zh: `本次可自费购药。${zh}也可登录当地社会保障部门网站或拨打 12333 热线查询。`,
  en: `The customer can pay out of pocket today. ${en} The local social security department website and the 12333 hotline can also answer questions about the account.`,
});

/**
 * PIN pad remedies: what to do next, and that no attempt was used. The reader gives these codes
 * only if the card's tries counter, where the card reports it, did not go down (src/card/reader-terminal.ts).
 */
const keypadRemedy = (zh: string, en: string): Text => ({
  zh: `${zh}卡片未核验密码，不计入密码错误次数。`,
  en: `${en} The card did not check a PIN, so this does not count as a wrong attempt.`,
});

const DEFINITIONS = {
  CARD_ABSENT: {
    group: 'card', severity: 'error',
    message: { zh: '终端中没有社保卡', en: 'No social security card in the terminal' },
    remedy: { zh: '请将社保卡芯片朝上插入终端后重试。', en: 'Insert the social security card, chip up, into the terminal and try again.' },
  },
  CARD_UNREADABLE: {
    group: 'card', severity: 'error',
    message: { zh: '社保卡无法读取（芯片损坏或插反）', en: 'The social security card cannot be read (damaged chip or inserted the wrong way)' },
    remedy: { zh: '请检查插卡方向后重试；如仍无法读取，请到当地社会保障部门补换卡（需缴纳工本费）。', en: 'Check the card orientation and try again; if it still fails, replace or reissue the card at the local social security department (a fee applies).' },
  },
  CARD_NOT_GENUINE: {
    group: 'card', severity: 'error',
    message: { zh: '社保卡安全认证失败，不能确认为有效卡', en: 'The card failed security authentication and cannot be accepted as genuine' },
    remedy: { zh: '请勿使用此卡结算；请持卡和身份证到当地社会保障部门核查。', en: 'Do not settle with this card; the cardholder should have it checked at the local social security department with their ID card.' },
  },
  CARD_EXPIRED: {
    group: 'card', severity: 'error',
    message: { zh: '社保卡已过有效期', en: 'The social security card has expired' },
    remedy: { zh: '请到当地社会保障部门换领新卡（需缴纳工本费）。', en: 'Replace the card at the local social security department (a fee applies).' },
  },
  CARD_NOT_ACTIVATED: {
    group: 'card', severity: 'error',
    message: { zh: '社保卡尚未启用（未激活）', en: 'The social security card has not been activated' },
    remedy: { zh: '请持社保卡和本人有效身份证到制卡银行的任一网点柜台激活。', en: 'Bring the card and a valid ID card to any branch counter of the card-issuing bank to activate it.' },
  },
  CARD_REPORTED_LOST: {
    group: 'card', severity: 'error',
    message: { zh: '社保卡已挂失', en: 'The social security card has been reported lost' },
    remedy: { zh: '挂失期间不能使用；如已找回请到当地社会保障部门或发卡银行解除挂失，否则办理补卡。', en: 'A card reported lost cannot be used; if found, cancel the loss report at the social security department or issuing bank, otherwise apply for a replacement.' },
  },
  CARD_CANCELLED: {
    group: 'card', severity: 'error',
    message: { zh: '社保卡已作废或注销', en: 'The social security card has been cancelled' },
    remedy: { zh: '请到当地社会保障部门查询并补领新卡。', en: 'Ask the local social security department and apply for a new card.' },
  },
  PIN_INITIAL: {
    group: 'card', severity: 'error',
    message: { zh: '社保卡仍为初始密码，不能交易', en: 'The card still has its initial PIN and cannot transact' },
    remedy: { zh: '请在本店终端键盘上修改密码（也可到县区社保局办理），修改后即可使用。', en: 'Change the PIN on this terminal\'s keypad now (or at the county/district social security bureau); the card can then be used.' },
  },
  PIN_WRONG: {
    group: 'card', severity: 'error',
    message: { zh: '密码错误', en: 'Wrong PIN' },
    remedy: { zh: '请持卡人重新输入密码；多次错误将锁卡。', en: 'Ask the cardholder to enter the PIN again; repeated mistakes lock the card.' },
  },
  // The keypad ended the entry before the card was asked (devices/README.md, status 10-14).
  PIN_CANCELLED: {
    group: 'card', severity: 'warning',
    message: { zh: '密码输入已取消或超时，密码未核验', en: 'PIN entry was cancelled or timed out; the PIN was not checked' },
    remedy: keypadRemedy('请顾客重新输入密码，或本次不使用医保、自费支付。', 'Ask the customer to enter the PIN again, or to pay without insurance this time.'),
    variants: {
      cancelled: {
        message: { zh: '持卡人在密码键盘上按了取消，密码未核验', en: 'The cardholder pressed cancel on the PIN pad; the PIN was not checked' },
      },
      timeout: {
        message: { zh: '持卡人未在规定时间内输完密码（密码键盘超时），密码未核验', en: 'The cardholder did not finish typing the PIN in time (the PIN pad timed out); the PIN was not checked' },
        remedy: keypadRemedy('请顾客准备好后重新输入密码，或本次不使用医保、自费支付。', 'When the customer is ready, ask them to enter the PIN again, or to pay without insurance this time.'),
      },
    },
  },
  PIN_ENTRY_INVALID: {
    group: 'card', severity: 'warning',
    message: { zh: '密码键盘不接受本次输入，密码未核验', en: 'The PIN pad did not accept the entry; the PIN was not checked' },
    remedy: keypadRemedy('请顾客按终端提示重新输入。', 'Ask the customer to type it again as the terminal prompts.'),
    variants: {
      'wrong-length': {
        message: { zh: '输入的密码位数不对（社保卡密码为6位数字），密码未核验', en: 'The PIN typed has the wrong number of digits (card PINs have 6); the PIN was not checked' },
        remedy: keypadRemedy('请顾客重新输入6位数字密码。', 'Ask the customer to type the 6-digit PIN again.'),
      },
      'new-pins-differ': {
        message: { zh: '两次输入的新密码不一致，密码未修改', en: 'The two new PINs typed differ; the PIN was not changed' },
        remedy: keypadRemedy('请顾客重新修改密码，两次输入相同的新密码。', 'Ask the customer to change the PIN again, typing the same new PIN twice.'),
      },
      'new-pin-default': {
        message: { zh: '新密码不能设为初始密码（本地区的默认密码），密码未修改', en: 'The new PIN may not be an initial PIN (one of this region\'s default PINs); the PIN was not changed' },
        remedy: keypadRemedy('请顾客重新修改密码，选择其他新密码。', 'Ask the customer to change the PIN again and choose a different new PIN.'),
      },
    },
  },
  PIN_LOCKED: {
    group: 'card', severity: 'error',
    message: { zh: '社保卡密码已锁定', en: 'The card PIN is locked' },
    remedy: { zh: '请持卡和身份证到当地社会保障部门或发卡银行网点解锁密码。', en: 'Unlock the PIN at the local social security department or a branch of the issuing bank, with the card and ID card.' },
  },
  NOT_INSURED: {
    group: 'account', severity: 'error',
    message: { zh: '未查询到参保信息', en: 'No insurance enrolment found for this person' },
    remedy: accountRemedy('如已参保，请持本人身份证到当地社会保障部门（医保经办机构）窗口核实参保登记；', 'If you are enrolled, take your ID card to the local social security department (insurance agency) service window to have the enrolment checked.'),
  },
  ACCOUNT_SUSPENDED: {
    group: 'account', severity: 'error',
    message: { zh: '医保待遇暂停（欠费或暂停缴费）', en: 'Insurance benefits are suspended (arrears or payment suspension)' },
    remedy: accountRemedy('请到当地社会保障部门（医保经办机构）窗口补缴欠费，缴费到账后即恢复待遇；', 'Pay the arrears at the local social security department (insurance agency) service window; benefits resume once the payment is received.'),
  },
  ACCOUNT_TERMINATED: {
    group: 'account', severity: 'error',
    message: { zh: '医保参保已终止', en: 'Insurance enrolment has been terminated' },
    remedy: accountRemedy('参保关系已终止（停保、转出或身份变更）：请持本人身份证到当地社会保障部门（医保经办机构）窗口办理续保或转移接续；', 'The enrolment has ended (stopped, transferred out or status changed): take your ID card to the local social security department (insurance agency) service window to re-enrol or transfer it.'),
  },
  PERSON_NOT_FOUND: {
    group: 'account', severity: 'error',
    message: { zh: '医保平台未查到该身份证号码对应的参保人员', en: 'The insurance platform has no person with this ID number' },
    remedy: { zh: '请核对输入的身份证号码，或改为读取顾客的社保卡、扫描医保电子凭证。这不代表顾客未参保。', en: 'Check the ID number as typed, or read the customer\'s social security card or scan the insurance e-voucher instead. This does not mean the customer is uninsured.' },
  },
  EC_TOKEN_INVALID: {
    group: 'account', severity: 'error',
    message: { zh: '医保电子凭证无效或已过期', en: 'The insurance e-voucher is invalid or has expired' },
    remedy: { zh: '请顾客在国家医保服务平台App、微信或支付宝中刷新医保电子凭证二维码后重新扫码。这不代表顾客未参保。', en: 'Ask the customer to refresh the e-voucher QR code in the national insurance app, WeChat or Alipay, and scan it again. This does not mean the customer is uninsured.' },
  },
  ACCOUNT_BALANCE_LOW: {
    group: 'account', severity: 'warning',
    message: { zh: '个人账户余额不足，超出部分需现金支付', en: 'The personal account balance is too low; the rest is paid in cash' },
    remedy: { zh: '请向顾客收取差额现金。', en: 'Collect the difference from the customer.' },
  },
  ITEM_NOT_IN_CATALOGUE: {
    group: 'item', severity: 'error',
    message: { zh: '该商品不在医保目录中或未做目录对照', en: 'The item is not in the insurance catalogue or not mapped to it' },
    remedy: { zh: '此商品由顾客自费；如应在目录内，请通知药店管理员维护目录对照。', en: 'The customer pays for this item; if it should be listed, ask the pharmacy admin to fix the catalogue mapping.' },
    variants: {
      'unknown-code': {
        message: { zh: '该医保编码不在当前医保目录中', en: 'This code is not in the active insurance catalogue' },
        remedy: { zh: '请核对包装上的医保编码；此商品由顾客自费。如确应在目录内，请通知管理员同步最新目录。', en: 'Check the code on the package; the customer pays for this item. If it should be listed, ask the admin to sync the latest catalogue.' },
      },
      unmapped: {
        message: { zh: '该商品（本店编码或条码）未做医保目录对照', en: 'This item (local code or barcode) is not mapped to the insurance catalogue' },
        remedy: { zh: '此商品由顾客自费；如应可医保支付，请通知管理员维护目录对照。', en: 'The customer pays for this item; if insurance should pay for it, ask the admin to add it to the catalogue mapping.' },
      },
    },
  },
  ITEM_NOT_COVERED: {
    group: 'item', severity: 'error',
    message: { zh: '该药品不属于医保支付范围（丙类或未分类）', en: 'The drug is outside insurance coverage (class C or unclassified)' },
    remedy: { zh: '此商品由顾客全额自费。', en: 'The customer pays the whole line.' },
  },
  ITEM_LISTING_NOT_EFFECTIVE: {
    group: 'item', severity: 'error',
    message: { zh: '该药品的目录条目当前不在有效期内', en: 'The catalogue listing is not in effect today' },
    remedy: { zh: '此商品由顾客自费；如认为目录有误，请管理员同步最新目录。', en: 'The customer pays for this item; if the listing looks wrong, ask the admin to sync the latest catalogue.' },
    variants: {
      'not-yet': { message: { zh: '该药品的医保目录条目尚未生效', en: 'The catalogue listing is not in effect yet' } },
      ended: { message: { zh: '该药品的医保目录条目已到期', en: 'The catalogue listing has ended' } },
      invalid: { message: { zh: '该药品的医保目录条目已标记为无效', en: 'The catalogue listing is marked invalid' } },
    },
  },
  ITEM_DISCONTINUED: {
    group: 'item', severity: 'error',
    message: { zh: '该药品已停产或退市', en: 'The drug has been discontinued' },
    remedy: { zh: '医保不能支付，此商品由顾客自费；请核对实物与扫码商品是否一致（常见原因是条码对照错误）。', en: 'Insurance cannot pay; the customer pays for this item. Check that the package matches the scanned item (a wrong barcode mapping is the usual cause).' },
  },
  ITEM_PRICE_ABOVE_CAP: {
    group: 'item', severity: 'warning',
    message: { zh: '售价高于医保支付限价', en: 'The price is above the insurance price cap' },
    remedy: { zh: '医保按限价支付，超出限价部分向顾客收取现金。', en: 'Insurance pays up to the cap; collect the part above the cap from the customer.' },
    variants: {
      'self-pay-excess': {},
      refuse: {
        severity: 'error',
        message: { zh: '售价高于医保支付限价，按本地规定整行不予医保支付', en: 'The price is above the insurance price cap; local rules refuse the whole line' },
        remedy: { zh: '如本店可按不高于限价的价格销售，请改价后重新预检；否则整行由顾客自费。', en: 'If the store may sell at or below the cap, correct the price and precheck again; otherwise the customer pays the whole line.' },
      },
    },
  },
  ITEM_RESTRICTED_USE: {
    group: 'item', severity: 'error',
    message: { zh: '该药品为限定支付范围药品', en: 'The drug is restricted to a specific scope of use' },
    remedy: { zh: '请登记符合限定范围的诊断后重新预检，否则顾客自费。', en: 'Record the diagnosis that meets the restriction and precheck again, otherwise the customer pays.' },
    variants: {
      'needs-diagnosis': {
        message: { zh: '限定支付范围药品，需登记符合限定范围的诊断', en: 'Restricted-use drug: a diagnosis that meets the restricted scope must be recorded' },
        remedy: { zh: '请核对处方，登记符合限定支付范围的诊断后重新预检；不符合限定范围时由顾客自费。', en: 'Check the prescription, record the diagnosis that meets the restricted scope and precheck again; if it does not meet the scope, the customer pays.' },
      },
      'hospital-only': {
        message: { zh: '该药品限定在医疗机构使用（如限住院），药店不能医保支付', en: 'The restricted scope is for hospitals only (e.g. inpatients); insurance cannot pay at a pharmacy' },
        remedy: { zh: '此商品由顾客自费。', en: 'The customer pays for this item.' },
      },
      recorded: {
        severity: 'info',
        message: { zh: '限定支付范围药品，已按登记的诊断医保支付', en: 'Restricted-use drug paid on the recorded diagnosis' },
        remedy: { zh: '请留存处方备查。', en: 'Keep the prescription for inspection.' },
      },
    },
  },
  ITEM_PRESCRIPTION_REQUIRED: {
    group: 'item', severity: 'error',
    message: { zh: '处方药，未录入处方编号', en: 'Prescription drug without a prescription number' },
    remedy: { zh: '请核对处方并录入处方编号后重新预检；无处方时医保不能支付。', en: 'Check the prescription, enter its number and precheck again; without a prescription insurance cannot pay.' },
  },
  ITEM_QUANTITY_LIMIT: {
    group: 'item', severity: 'error',
    message: { zh: '数量超过医保限量', en: 'The quantity exceeds the insurance supply limit' },
    remedy: { zh: '请减少数量至限量以内，超出部分顾客自费。', en: 'Reduce the quantity to the limit; the customer pays for the rest.' },
    variants: {
      'self-pay-excess': {
        severity: 'warning',
        message: { zh: '数量超过医保限量，超出部分不予医保支付', en: 'The quantity exceeds the insurance supply limit; units above the limit are not paid by insurance' },
        remedy: { zh: '超出限量的部分向顾客收取现金，或减少数量至限量以内。', en: 'Collect the units above the limit from the customer, or reduce the quantity to the limit.' },
      },
      refuse: {
        message: { zh: '数量超过医保限量，按本地规定整行不予医保支付', en: 'The quantity exceeds the insurance supply limit; local rules refuse the whole line' },
        remedy: { zh: '请将数量减至限量以内后重新预检，否则整行由顾客自费。', en: 'Reduce the quantity to the limit and precheck again; otherwise the customer pays the whole line.' },
      },
      exhausted: {
        message: { zh: '本次购买已达到医保限量（该药品数量或医保支付行数）', en: 'This purchase has already reached the insurance limit (units of this drug or insurance-paid lines)' },
        remedy: { zh: '此行由顾客自费；也可调整前面的行后重新预检。', en: 'The customer pays this line; or adjust the earlier lines and precheck again.' },
      },
    },
  },
  TERMINAL_UNAVAILABLE: {
    group: 'system', severity: 'error',
    message: { zh: '读卡终端不可用', en: 'The card terminal is unavailable' },
    remedy: { zh: '请检查终端连接线和电源后重试；这不是顾客的问题。', en: 'Check the terminal cable and power, then try again; this is not the customer\'s problem.' },
  },
  TERMINAL_TIMEOUT: {
    group: 'system', severity: 'error',
    message: { zh: '读卡终端响应超时', en: 'The card terminal did not answer in time' },
    remedy: { zh: '请重试；如持续出现请联系药店IT。', en: 'Try again; if it keeps happening, call pharmacy IT.' },
  },
  PSAM_MISSING: {
    group: 'system', severity: 'error',
    message: { zh: '终端中的PSAM卡缺失或不可用', en: 'The terminal\'s PSAM is missing or unusable' },
    remedy: { zh: '请联系药店IT检查终端PSAM卡；这不是顾客的问题。', en: 'Call pharmacy IT to check the terminal\'s PSAM; this is not the customer\'s problem.' },
  },
  PLATFORM_UNAVAILABLE: {
    group: 'system', severity: 'error',
    message: { zh: '医保平台暂时无法访问，暂不能使用医保支付', en: 'The insurance platform cannot be reached; insurance payment is not available right now' },
    remedy: { zh: '请稍后重试或请顾客自费；这不代表顾客未参保。', en: 'Try again later or let the customer pay; this does not mean the customer is uninsured.' },
  },
  PLATFORM_ERROR: {
    group: 'system', severity: 'error',
    message: { zh: '医保平台返回错误', en: 'The insurance platform returned an error' },
    remedy: { zh: '请稍后重试；如持续出现请联系药店IT。这不代表顾客未参保。', en: 'Try again later; if it persists, call pharmacy IT. This does not mean the customer is uninsured.' },
  },
  CATALOGUE_NOT_LOADED: {
    group: 'system', severity: 'error',
    message: { zh: '医保药品目录未加载', en: 'The insurance drug catalogue is not loaded' },
    remedy: { zh: '请药店管理员导入或同步医保目录。', en: 'Ask the pharmacy admin to import or sync the catalogue.' },
  },
  INVALID_REQUEST: {
    group: 'system', severity: 'error',
    message: { zh: '请求格式不正确', en: 'The request is malformed' },
  },
  // Additions to the v1 contract's list, for answers that are not decisions.
  AUTH_REQUIRED: {
    group: 'system', severity: 'error',
    message: { zh: '缺少或无效的访问令牌', en: 'Missing or invalid access token' },
    remedy: { zh: '请在 Authorization: Bearer 头中提供有效令牌。', en: 'Send a valid token in the Authorization: Bearer header.' },
    variants: {
      expired: {
        message: { zh: '访问令牌已过期', en: 'The access token has expired' },
        remedy: { zh: '请向管理员申请新令牌（token create），并在收银系统中替换。', en: 'Ask the administrator for a new token (token create) and put it in the POS in place of this one.' },
      },
    },
  },
  FORBIDDEN_ROLE: {
    group: 'system', severity: 'error',
    message: { zh: '当前令牌的角色无权执行此操作', en: 'This token\'s role may not do this' },
  },
  NOT_FOUND: {
    group: 'system', severity: 'error',
    message: { zh: '未找到', en: 'Not found' },
  },
  RATE_LIMITED: {
    group: 'system', severity: 'error',
    message: { zh: '请求过于频繁', en: 'Too many requests' },
    remedy: { zh: '请稍后重试。', en: 'Wait a moment and try again.' },
  },
  SERVICE_STOPPING: {
    group: 'system', severity: 'error',
    message: { zh: '服务正在停止，不再接受新请求', en: 'The service is shutting down and takes no new requests' },
    remedy: { zh: '请稍后重试；服务重启后即可继续。', en: 'Try again in a moment; work continues once the service is back.' },
  },
  STORAGE_UNAVAILABLE: {
    group: 'system', severity: 'error',
    message: { zh: '数据存储不可用（磁盘已满或只读），决定无法记录，因此未给出', en: 'Storage is unavailable (disk full or read-only): the decision could not be recorded, so none was given' },
    remedy: { zh: '请联系药店IT检查数据盘空间和权限；这不是顾客的问题。', en: 'Call pharmacy IT to check the data disk\'s free space and permissions; this is not the customer\'s problem.' },
  },
  INTERNAL_ERROR: {
    group: 'system', severity: 'error',
    message: { zh: '服务内部错误', en: 'Internal service error' },
    remedy: { zh: '请重试；如持续出现请联系药店IT。', en: 'Try again; if it persists, call pharmacy IT.' },
  },
} satisfies Record<string, ReasonDef>;
// Every answer and audited decision holds these texts by reference: frozen, so no caller can alter
// them for the next one, and in sorted key order ({ en, zh }), the audit encoding's order, so
// recording a decision copies none of them (src/audit/canonical.ts).
const DEFS = sortedAndFrozen(DEFINITIONS);

function sortedAndFrozen<T extends object>(o: T): T {
  if (Array.isArray(o)) return Object.freeze(o.map((v: unknown) => (v !== null && typeof v === 'object' ? sortedAndFrozen(v) : v))) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) {
    const v = (o as Record<string, unknown>)[k];
    out[k] = v !== null && typeof v === 'object' ? sortedAndFrozen(v) : v;
  }
  return Object.freeze(out) as T;
}

export type ReasonCode = keyof typeof DEFS;
export const REASON_CODES = Object.keys(DEFS) as ReasonCode[];

export function reasonGroup(code: ReasonCode): ReasonGroup {
  return DEFS[code].group;
}

export function reasonDef(code: ReasonCode): ReasonDef {
  return DEFS[code];
}

/** Builds the answer object for a code; `severity` may be lowered where a rule makes it a warning. */
export function reason(code: ReasonCode, detail?: Record<string, unknown>, severity?: Severity): Reason {
  const def: ReasonDef = DEFS[code];
  return sortedReason(code, detail && Object.keys(detail).length > 0 ? detail : undefined, def.message, def.remedy, severity ?? def.severity);
}

type Defs = typeof DEFS;
/** The named cases of a code, e.g. ITEM_PRICE_ABOVE_CAP has 'self-pay-excess' and 'refuse'. */
export type ReasonVariant<C extends ReasonCode> = Defs[C] extends { variants: infer V } ? Extract<keyof V, string> : never;

/** Builds the answer for one case of a code: the case's wording and severity, and `detail.variant` naming it. Takes `detail` over: pass a fresh object. */
export function reasonVariant<C extends ReasonCode>(code: C, variant: ReasonVariant<C>, detail?: Record<string, unknown>): Reason {
  const def: ReasonDef = DEFS[code];
  const wording = def.variants?.[variant] ?? {};
  // Added last to the caller's fresh detail: `variant` sorts after every detail key the rules use,
  // so their details (written in sorted order) need no re-sorting, and no copy is made.
  const withVariant: Record<string, unknown> = detail ?? {};
  withVariant['variant'] = variant;
  return sortedReason(code, withVariant, wording.message ?? def.message, wording.remedy ?? def.remedy, wording.severity ?? def.severity);
}

/** Members in sorted order (the detail's too), the order of the audit trail's canonical JSON, so encoding a decision copies no reason. */
function sortedReason(code: ReasonCode, detail: Record<string, unknown> | undefined, message: Text, remedy: Text | undefined, severity: Severity): Reason {
  const out = { code } as Reason;
  if (detail) out.detail = inSortedOrder(detail);
  out.message = message;
  if (remedy) out.remedy = remedy;
  out.severity = severity;
  return out;
}

function inSortedOrder(detail: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(detail);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! < keys[i]!) continue;
    const out: Record<string, unknown> = {};
    for (const k of keys.sort()) out[k] = detail[k];
    return out;
  }
  return detail;
}

export function isReasonCode(value: string): value is ReasonCode {
  return Object.hasOwn(DEFS, value);
}

/**
 * A fault of a device or the platform, or a malformed request: carries a system reason so that
 * it can never be mistaken for a business outcome such as "not insured".
 */
export class ServiceFault extends Error {
  readonly reason: Reason;
  /** HTTP status when the default for the code (400 for INVALID_REQUEST, 503 for device and platform faults) does not fit, e.g. 404. */
  readonly status: number | undefined;
  constructor(code: ReasonCode, detail?: Record<string, unknown>, options?: { cause?: unknown; status?: number }) {
    super(`${code}${detail ? ` ${JSON.stringify(detail)}` : ''}`, options);
    this.name = 'ServiceFault';
    this.reason = reason(code, detail);
    this.status = options?.status;
  }
  get code(): ReasonCode {
    return this.reason.code;
  }
}
