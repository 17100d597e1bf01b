import type { Fen, Ratio } from '../money.js';

export type InsuranceClass = 'A' | 'B' | 'C';
export type OverCapHandling = 'self-pay-excess' | 'refuse';

/** One national catalogue entry as the rules engine sees it. */
export interface CatalogueEntry {
  code: string;
  name: string;
  genericName: string | null;
  dosageForm: string | null;
  spec: string | null;
  manufacturer: string | null;
  approvalNo: string | null;
  standardCode: string | null;
  insuranceClass: InsuranceClass | null;
  selfPayRatio: Ratio | null;
  priceCapFen: Fen | null;
  overCapHandling: OverCapHandling | null;
  restricted: boolean;
  restrictedScope: string | null;
  prescriptionOnly: boolean;
  /** YYYY-MM-DD or null for open-ended. */
  beginDate: string | null;
  endDate: string | null;
  valid: boolean;
  marketStatus: 'listed' | 'discontinued';
  /** The platform's ver_num for this row, when it came from a 1301 download. */
  listVersion?: string | null;
}

/** The payment-policy part of an entry (1318 price cap, 1319 self-pay ratio): not in the 1301 file. */
export type PaymentPolicy = Pick<CatalogueEntry, 'selfPayRatio' | 'priceCapFen' | 'overCapHandling'>;

export const NO_POLICY: PaymentPolicy = Object.freeze({ selfPayRatio: null, priceCapFen: null, overCapHandling: null });

/** How a basket line names its product. */
export type ItemRef = { code: string } | { barcode: string } | { localCode: string };
