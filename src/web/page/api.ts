import type { Reason, Text } from '../../reasons.js';
import type { RejectRow } from './chart-data.js';
import { apiParams, type Filter } from './filters.js';

/**
 * The audit HTTP API as the page uses it: the same contract and the same bearer token as any
 * auditor's own tool. The shapes below are the wire's, written from the client's side on
 * purpose: the page compiles without the server's modules and knows no more than the API says.
 */
export interface DecisionRow {
  seq: number;
  id: string;
  at: string;
  kind: string;
  outcome: string;
  cashierId: string | null;
  terminalId: string | null;
  cardMasked: string | null;
  personHash: string | null;
  catalogueVersion: number | null;
  reasonCodes: string[];
}

export interface DecisionPage {
  items: DecisionRow[];
  nextCursor: string | null;
}

export interface PrecheckLine {
  lineId: string;
  code: string | null;
  name: string | null;
  verdict: string;
  totalAmount: string;
  insuranceAmount: string;
  selfPayAmount: string;
  reasons: Reason[];
}

/** The answered body as recorded: a precheck has items and totals; card reads and account checks have checks or reasons. */
export interface DecisionBody {
  decision?: string;
  items?: PrecheckLine[];
  totals?: { totalAmount: string; insuranceAmount: string; selfPayAmount: string };
  reasons?: Reason[];
  checks?: Reason[];
}

export interface DecisionRecord extends DecisionRow {
  tokenId?: string | null;
  cardHash?: string | null;
  algorithm?: string;
  decision: DecisionBody | null;
  prevHash: string;
  hash: string;
}

export interface VerifyAnswer {
  ok: boolean;
  algorithm: string;
  count: number;
  head: { seq: number; hash: string };
  /** `id` is null when the broken link is a missing record. */
  firstBroken: null | { seq: number; id: string | null; problem: string; message?: string };
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, readonly text: Text | null) {
    super(`${status} ${code}`);
    this.name = 'ApiError';
  }
}

export const PAGE_SIZE = 50;

export class AuditApi {
  constructor(private readonly token: string) {}

  decisions(f: Filter, cursor: string | null, limit = PAGE_SIZE): Promise<DecisionPage> {
    const q = apiParams(f);
    q.set('limit', String(limit));
    if (cursor) q.set('cursor', cursor);
    return this.json(`/v1/audit/decisions?${q}`);
  }

  decision(id: string): Promise<DecisionRecord> {
    return this.json(`/v1/audit/decisions/${encodeURIComponent(id)}`);
  }

  verify(): Promise<VerifyAnswer> {
    return this.json('/v1/audit/verify');
  }

  /** Refusals per audit day and reason code, `from` to `to` both included. */
  async rejects(from: string, to: string): Promise<RejectRow[]> {
    const q = new URLSearchParams({ from, to });
    return (await this.json<{ days: RejectRow[] }>(`/v1/audit/stats/rejects?${q}`)).days;
  }

  /** The keyed hashes of an ID number or card number, as the trail stores them. */
  keyedHash(numbers: { idNumber?: string; cardNumber?: string }): Promise<{ personHash?: string; cardHash?: string }> {
    return this.json('/v1/audit/person-hash', { method: 'POST', body: JSON.stringify(numbers), headers: { 'content-type': 'application/json' } });
  }

  /** The export for the current filter, exactly as the API sends it, with the file name it proposes. */
  async exportCsv(f: Filter): Promise<{ blob: Blob; fileName: string }> {
    const q = apiParams(f);
    q.set('format', 'csv');
    const res = await this.fetch(`/v1/audit/export?${q}`);
    const disposition = res.headers.get('content-disposition') ?? '';
    const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
    return { blob: await res.blob(), fileName: name ? decodeURIComponent(name) : 'audit-export.csv' };
  }

  private async json<T>(url: string, init?: RequestInit): Promise<T> {
    return (await (await this.fetch(url, init)).json()) as T;
  }

  private async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers: { ...init.headers as Record<string, string>, authorization: `Bearer ${this.token}` }, cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'UNREACHABLE', null);
    }
    if (res.ok) return res;
    const body = (await res.json().catch(() => null)) as { error?: Reason } | null;
    throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? null);
  }
}
