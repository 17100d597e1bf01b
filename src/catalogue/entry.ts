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
}

/** How a basket line names its product. */
export type ItemRef = { code: string } | { barcode: string } | { localCode: string };
