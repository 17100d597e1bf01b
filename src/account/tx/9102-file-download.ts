import { Type, type TSchema } from 'typebox';
import type { PlatformTransaction } from '../transaction.js';

/**
 * 9102 文件下载: fetches a file the platform prepared (the 1301-1319 catalogue downloads).
 * The answer is the file itself; only a refusal comes as an envelope.
 */
export const FILE_DOWNLOAD = {
  infno: '9102',
  name: '文件下载',
  idempotent: true,
  answersWithFile: true,
  output: Type.Refine(Type.Unsafe<Uint8Array>({ description: 'the file bytes' }), (v) => v instanceof Uint8Array && v.length > 0),
} satisfies PlatformTransaction<TSchema>;

/** The catalogue downloads are fetched with fixmedins_code "plc", as the interface specification says. */
export function fileDownloadInput(fileQueryNo: string, filename: string): Record<string, unknown> {
  return { fsDownloadIn: { file_qury_no: fileQueryNo, filename, fixmedins_code: 'plc' } };
}
