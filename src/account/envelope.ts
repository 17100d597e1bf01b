/**
 * The national interface envelope around every transaction. Field names are the platform's.
 */
export interface EnvelopeIdentity {
  fixmedinsCode: string;
  fixmedinsName: string;
  admvs: string;
  opter: string;
  opterName: string;
  devNo?: string;
}

export interface RequestEnvelope {
  infno: string;
  msgid: string;
  mdtrtarea_admvs: string;
  insuplc_admdvs: string;
  recer_sys_code: string;
  dev_no: string;
  dev_safe_info: string;
  cainfo: string;
  signtype: string;
  infver: string;
  opter_type: string;
  opter: string;
  opter_name: string;
  inf_time: string;
  fixmedins_code: string;
  fixmedins_name: string;
  sign_no: string;
  input: Record<string, unknown>;
}

export interface ResponseEnvelope {
  infcode: number | string;
  inf_refmsgid?: string;
  refmsg_time?: string;
  respond_time?: string;
  err_msg?: string | null;
  warn_msg?: string | null;
  output?: unknown;
}

/** yyyy-MM-dd HH:mm:ss in China Standard Time, as the platform expects. */
export function platformTime(d: Date): string {
  const cst = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${cst.slice(0, 10)} ${cst.slice(11, 19)}`;
}

/** msgid: fixmedins_code (12) + yyyyMMddHHmmss (14) + a 4-digit serial that wraps per process. */
export class MsgIdSource {
  private serial = 0;
  next(fixmedinsCode: string, d: Date): string {
    this.serial = (this.serial + 1) % 10000;
    return fixmedinsCode + platformTime(d).replace(/\D/g, '') + String(this.serial).padStart(4, '0');
  }
}

export function buildEnvelope(id: EnvelopeIdentity, infno: string, msgid: string, signNo: string, input: Record<string, unknown>, insuplcAdmdvs: string, now: Date): RequestEnvelope {
  return {
    infno,
    msgid,
    mdtrtarea_admvs: id.admvs,
    insuplc_admdvs: insuplcAdmdvs,
    recer_sys_code: 'MBS_LOCAL',
    dev_no: id.devNo ?? '',
    dev_safe_info: '',
    cainfo: '',
    signtype: 'SM3',
    infver: 'V1.0',
    opter_type: '1',
    opter: id.opter,
    opter_name: id.opterName,
    inf_time: platformTime(now),
    fixmedins_code: id.fixmedinsCode,
    fixmedins_name: id.fixmedinsName,
    sign_no: signNo,
    input,
  };
}
