import { toView, type AuditRecord } from './record.js';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** UTF-8 byte order mark: without it Excel opens a UTF-8 CSV as the local code page and garbles Chinese. */
const BOM = '\uFEFF';

const CSV_COLUMNS = [
  'seq', 'id', 'at', 'kind', 'outcome', 'cashierId', 'terminalId', 'tokenId', 'cardMasked', 'personHash', 'catalogueVersion',
  'reasonCodes', 'reasonsZh', 'reasonsEn', 'totalAmount', 'insuranceAmount', 'selfPayAmount', 'algorithm', 'prevHash', 'hash',
] as const;

/** The export as text chunks: a header (and BOM) first, then one chunk per record. */
export function* exportChunks(records: Iterable<AuditRecord>, format: ExportFormat): Generator<string> {
  if (format === 'jsonl') {
    for (const r of records) yield JSON.stringify(toView(r)) + '\n';
    return;
  }
  yield BOM + CSV_COLUMNS.join(',') + '\r\n';
  for (const r of records) yield csvRow(r) + '\r\n';
}

function csvRow(r: AuditRecord): string {
  const decision = JSON.parse(r.body) as unknown;
  const reasons = collectReasons(decision);
  const totals = (decision as { totals?: Record<string, string> } | null)?.totals;
  const cells: Record<(typeof CSV_COLUMNS)[number], string | number | null | undefined> = {
    seq: r.seq, id: r.id, at: r.at, kind: r.kind, outcome: r.outcome, cashierId: r.cashierId, terminalId: r.terminalId, tokenId: r.tokenId,
    cardMasked: r.cardMasked, personHash: r.personHash, catalogueVersion: r.catalogueVersion, reasonCodes: r.reasonCodes,
    reasonsZh: reasons.map((x) => `${x.code}: ${x.zh}`).join('; '), reasonsEn: reasons.map((x) => `${x.code}: ${x.en}`).join('; '),
    totalAmount: totals?.['totalAmount'], insuranceAmount: totals?.['insuranceAmount'], selfPayAmount: totals?.['selfPayAmount'],
    algorithm: r.alg, prevHash: r.prevHash, hash: r.hash,
  };
  return CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',');
}

/** Every distinct reason anywhere in a decision body (basket, lines, card checks, account), in order of appearance. */
function collectReasons(value: unknown, out: { code: string; zh: string; en: string }[] = []): { code: string; zh: string; en: string }[] {
  if (Array.isArray(value)) {
    for (const v of value) collectReasons(v, out);
  } else if (value !== null && typeof value === 'object') {
    // A reason has a code, a severity and a bilingual message (a basket line has a code and a message, but no severity).
    const o = value as { code?: unknown; severity?: unknown; message?: { zh?: unknown; en?: unknown } };
    if (typeof o.code === 'string' && typeof o.severity === 'string' && typeof o.message?.zh === 'string' && typeof o.message.en === 'string') {
      if (!out.some((x) => x.code === o.code)) out.push({ code: o.code, zh: o.message.zh, en: o.message.en });
    } else {
      for (const v of Object.values(value)) collectReasons(v, out);
    }
  }
  return out;
}

/**
 * RFC 4180 quoting, and a leading apostrophe on text that a spreadsheet would run as a
 * formula (a cashier id typed as "=HYPERLINK(...)" must stay text).
 */
function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
