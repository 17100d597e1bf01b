import { TxRefusal, type SimulatedTransaction } from '../transaction.js';
import { preparedFiles } from './1301-catalogue-download.js';

/** 9102 文件下载: answers with the bytes of a file an earlier transaction (1301) prepared. */
export const fileDownload: SimulatedTransaction = {
  infno: '9102',
  name: '文件下载',
  requiresSignIn: true,
  handle(input, { state, now }) {
    const req = input['fsDownloadIn'] as { file_qury_no?: unknown; filename?: unknown } | undefined;
    const key = typeof req?.file_qury_no === 'string' ? req.file_qury_no : '';
    const file = preparedFiles(state).get(key);
    if (!file || file.expiresAt < now.getTime()) throw new TxRefusal(`文件不存在或已过期：${key || '未提供 file_qury_no'}`);
    return { file: file.bytes, filename: file.filename };
  },
};
