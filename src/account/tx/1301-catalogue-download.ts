import { Type, type TSchema } from 'typebox';
import type { PlatformTransaction } from '../transaction.js';

/**
 * 1301 西药中成药目录下载: asks for the catalogue rows after version `ver` ("0" for all).
 * The answer names a file to fetch with 9102; data_cnt is how many rows it holds.
 */
export const CATALOGUE_DOWNLOAD = {
  infno: '1301',
  name: '西药中成药目录下载',
  idempotent: true,
  output: Type.Object({
    file_qury_no: Type.String({ minLength: 1 }),
    filename: Type.String({ minLength: 1 }),
    dld_endtime: Type.Optional(Type.String()),
    data_cnt: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^\\d+$' })])),
  }),
} satisfies PlatformTransaction<TSchema>;

export function catalogueDownloadInput(ver: string): Record<string, unknown> {
  return { data: { ver } };
}
