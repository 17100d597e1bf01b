/**
 * One checkout as a POS would run it, against a running service (`npm start`):
 * insert a virtual card (mock terminal), read the card, let the cardholder type the PIN,
 * check the insurance account, precheck the basket, print what insurance pays and why not.
 *
 *   npx tsx examples/pos-checkout.ts                       # http://127.0.0.1:8731, token from ./data
 *   BASE_URL=http://127.0.0.1:9000 DATA_DIR=/tmp/guard SCENARIO=suspended npx tsx examples/pos-checkout.ts
 *   TOKEN=cg_cashier_... npx tsx examples/pos-checkout.ts
 *   EC_SCENARIO=normal npx tsx examples/pos-checkout.ts             # the e-voucher instead of the card (or EC_TOKEN=...)
 *   ID_NUMBER=330302198508150192 npx tsx examples/pos-checkout.ts    # a typed ID number: the account only
 *
 * In a POS project, install the package and import the same client from 'checkout-guard/client'.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Account, CheckoutGuardClient, CheckoutGuardError, type Precheck, type PrecheckLine, type Reason } from '../src/client/index.js';

const baseUrl = process.env['BASE_URL'] ?? 'http://127.0.0.1:8731';
const scenario = process.env['SCENARIO'] ?? 'normal';
const token = process.env['TOKEN'] ?? cashierTokenFrom(process.env['DATA_DIR'] ?? 'data');
/** A customer without the card: the ID number typed by the cashier. */
const idNumber = process.env['ID_NUMBER'];
/** Or the e-voucher: the ecToken the scanner read from the QR code, or (built-in simulator) a virtual cardholder's. */
const ecToken = process.env['EC_TOKEN'];
const ecScenario = process.env['EC_SCENARIO'];

/** The basket the cashier scanned: by barcode, by national code with a prescription, and an item the catalogue does not know. */
const basket: PrecheckLine[] = [
  { lineId: '1', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' },
  { lineId: '2', code: 'XC10AAA058A001010100123', quantity: 1, unitPrice: '28.00', prescription: { rxNo: 'RX-0001' } },
  { lineId: '3', code: 'XZ99ZZZ999Z999999999999', quantity: 1, unitPrice: '9.90' },
];

async function checkout(): Promise<number> {
  const guard = new CheckoutGuardClient({ baseUrl, token });
  if (idNumber) {
    // A typed ID number proves nobody at the till: it can ask about the account, not let insurance pay.
    printAccount(await guard.checkAccount({ idNumber }));
    return 0;
  }
  if (ecToken || ecScenario) {
    const voucher = ecToken ?? (await guard.dev.ecToken(ecScenario!));
    console.log(`e-voucher scanned${ecScenario ? ` (virtual cardholder: ${ecScenario})` : ''}`);
    printAccount(await guard.checkAccount({ ecToken: voucher }));
    const result = await guard.precheck({ ecToken: voucher, cashierId: 'cashier-07', items: basket });
    if (result.person) console.log(`customer: ${result.person.name ?? '?'} ${result.person.idNumber ?? ''} (e-voucher)`);
    printSplit(result);
    return 0;
  }

  await guard.dev.insertCard(scenario);
  console.log(`card inserted: ${scenario}`);

  const read = await guard.readCard();
  if (!read.cardSession || !read.card) return refuse('card not read', read.checks);
  console.log(`card read: ${read.card.cardNumber} ${read.card.name} (${read.usable ? 'usable' : 'not usable'})`);
  if (!read.usable) return refuse('card not usable', read.checks);

  const pin = await guard.verifyPin(read.cardSession);
  if (!pin.ok) return refuse('PIN not verified', pin.reasons);
  console.log('PIN verified on the keypad');

  printAccount(await guard.checkAccount(read.cardSession));

  const result = await guard.precheck({ cardSession: read.cardSession, cashierId: 'cashier-07', items: basket });
  printSplit(result);
  return 0;
}

function printAccount(account: Account): void {
  console.log(`account: insured ${account.insured}, type ${account.insuranceType ?? '-'}, balance ${account.balance ?? '-'}, eligible ${account.eligible}`);
  for (const r of account.reasons) console.log(`  ${describe(r)}`);
}

function printSplit(p: Precheck): void {
  console.log(`\ndecision ${p.decision}  (${p.decisionId})`);
  console.log(['line', 'verdict', 'total', 'insurance', 'self-pay', 'item'].map((h, i) => h.padEnd([5, 9, 9, 10, 9, 0][i]!)).join(' '));
  for (const line of p.items) {
    console.log([line.lineId.padEnd(5), line.verdict.padEnd(9), line.totalAmount.padStart(8), line.insuranceAmount.padStart(9), line.selfPayAmount.padStart(8), ` ${line.name ?? line.code ?? '?'}`].join(' '));
    for (const r of line.reasons) console.log(`        ${describe(r)}`);
  }
  console.log(['total'.padEnd(5), ''.padEnd(9), p.totals.totalAmount.padStart(8), p.totals.insuranceAmount.padStart(9), p.totals.selfPayAmount.padStart(8)].join(' '));
  for (const r of p.reasons) console.log(`  ${describe(r)}`);
}

function describe(r: Reason): string {
  return `${r.code}: ${r.message.zh} / ${r.message.en}${r.remedy ? `\n          -> ${r.remedy.zh} / ${r.remedy.en}` : ''}`;
}

function refuse(what: string, reasons: Reason[]): number {
  console.log(`${what}:`);
  for (const r of reasons) console.log(`  ${describe(r)}`);
  return 2;
}

function cashierTokenFrom(dataDir: string): string {
  const file = path.join(dataDir, 'bootstrap-tokens.json');
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { cashier: string }).cashier;
  } catch {
    throw new Error(`no TOKEN given and no cashier token in ${file}; create one with: checkout-guard token create till-1 cashier`);
  }
}

checkout().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CheckoutGuardError) console.error(`the service refused: ${err.message}${err.retryable ? ' (try again shortly)' : ''}`);
    else console.error(err);
    process.exitCode = 1;
  },
);
