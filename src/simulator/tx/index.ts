import type { SimulatedTransaction } from '../transaction.js';
import { personInfo } from './1101-person-info.js';
import { catalogueDownload } from './1301-catalogue-download.js';
import { signIn } from './9001-sign-in.js';
import { signOut } from './9002-sign-out.js';
import { fileDownload } from './9102-file-download.js';

/**
 * The registration point: every transaction the simulator answers, one file each in this
 * folder. To add one (e.g. 1301, 9102), write tx/<infno>-<name>.ts exporting a
 * SimulatedTransaction and add it to this list; nothing else changes.
 */
const TRANSACTIONS: SimulatedTransaction[] = [
  signIn,
  signOut,
  personInfo,
  catalogueDownload,
  fileDownload,
];

export const SIMULATED_TRANSACTIONS: ReadonlyMap<string, SimulatedTransaction> = new Map(TRANSACTIONS.map((t) => [t.infno, t]));
