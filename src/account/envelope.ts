import { Type, type Static } from 'typebox';
import { CHINA_OFFSET_MS } from '../china-time.js';

/** The national interface's one failure code: every refusal, whatever its cause. */
export const GENERIC_FAILURE = -1;

/**
 * The national interface envelope around every transaction. Field names are the platform's.
 */
export interface EnvelopeIdentity {
  /** 定点医药机构编号, 12 characters. */
  fixmedinsCode: string;
  fixmedinsName: string;
  /** 就医地医保区划 (the pharmacy's own division), 6 digits. */
  admvs: string;
  /** 经办人 (the operator the pharmacy registered with the platform). */
  opter: string;
  opterName: string;
  /** 1 operator, 2 self-service terminal, 3 mobile. */
  opterType?: '1' | '2' | '3';
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

/** What the client accepts as a response envelope; extra fields are tolerated. */
export const ResponseEnvelopeSchema = Type.Object({
  infcode: Type.Union([Type.Integer(), Type.String({ pattern: '^-?\\d+$' })]),
  inf_refmsgid: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  refmsg_time: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  respond_time: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  err_msg: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  warn_msg: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  output: Type.Optional(Type.Unknown()),
});
export type ResponseEnvelope = Static<typeof ResponseEnvelopeSchema>;

/** The interface version this client speaks. */
export const INFVER = 'V1.0';

let cachedSecond = NaN;
let cachedTime = '';

/** yyyy-MM-dd HH:mm:ss in China Standard Time, as the platform expects (formatted once per second). */
export function platformTime(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== cachedSecond) {
    const cst = new Date(second * 1000 + CHINA_OFFSET_MS).toISOString();
    cachedTime = `${cst.slice(0, 10)} ${cst.slice(11, 19)}`;
    cachedSecond = second;
  }
  return cachedTime;
}

/**
 * msgid: fixmedins_code (12) + yyyyMMddHHmmss (14, CST) + a 4-digit serial, 30 characters. The
 * serial restarts each second, so ids stay unique for up to 10,000 messages a second.
 */
export class MsgIdSource {
  private time = '';
  private digits = '';
  private serial = 0;
  next(fixmedinsCode: string, d: Date): string {
    const time = platformTime(d);
    if (time !== this.time) {
      this.time = time;
      this.digits = time.replace(/\D/g, '');
      this.serial = 0;
    }
    this.serial = (this.serial + 1) % 10000;
    return fixmedinsCode + this.digits + String(this.serial).padStart(4, '0');
  }
}

export interface EnvelopeFields {
  infno: string;
  msgid: string;
  signNo: string;
  /** 参保地医保区划: where the person is insured ('' when unknown, e.g. before 1101). */
  insuplcAdmdvs: string;
  /** What the province's signer declares. */
  signtype: string;
  input: Record<string, unknown>;
}

export function buildEnvelope(id: EnvelopeIdentity, f: EnvelopeFields, now: Date): RequestEnvelope {
  return {
    infno: f.infno,
    msgid: f.msgid,
    mdtrtarea_admvs: id.admvs,
    insuplc_admdvs: f.insuplcAdmdvs,
    recer_sys_code: 'MBS_LOCAL',
    dev_no: id.devNo ?? '',
    dev_safe_info: '',
    cainfo: '',
    signtype: f.signtype,
    infver: INFVER,
    opter_type: id.opterType ?? '1',
    opter: id.opter,
    opter_name: id.opterName,
    inf_time: platformTime(now),
    fixmedins_code: id.fixmedinsCode,
    fixmedins_name: id.fixmedinsName,
    sign_no: f.signNo,
    input: f.input,
  };
}
