import { ServiceFault } from '../reasons.js';
import { buildEnvelope, MsgIdSource, type EnvelopeIdentity, type ResponseEnvelope } from './envelope.js';

export interface PlatformClientOptions {
  baseUrl: string;
  identity: EnvelopeIdentity;
  timeoutMs: number;
}

/**
 * Sends one transaction in the national envelope and returns its `output`. Transport faults
 * become PLATFORM_UNAVAILABLE and platform refusals PLATFORM_ERROR: never a business answer.
 */
export class PlatformClient {
  private readonly msgIds = new MsgIdSource();
  private signNo = '';

  constructor(private readonly options: PlatformClientOptions) {}

  async signIn(): Promise<void> {
    const out = await this.send('9001', { signIn: { opter_no: this.options.identity.opter, mac: '', ip: '127.0.0.1' } }, '');
    const signNo = (out as { signinoutb?: { sign_no?: unknown } } | undefined)?.signinoutb?.sign_no;
    if (typeof signNo !== 'string' || signNo === '') throw new ServiceFault('PLATFORM_ERROR', { infno: '9001', message: 'sign-in answer without sign_no' });
    this.signNo = signNo;
  }

  async call(infno: string, input: Record<string, unknown>, insuplcAdmdvs = ''): Promise<unknown> {
    if (!this.signNo) await this.signIn();
    return this.send(infno, input, insuplcAdmdvs);
  }

  private async send(infno: string, input: Record<string, unknown>, insuplcAdmdvs: string): Promise<unknown> {
    const now = new Date();
    const { identity, baseUrl, timeoutMs } = this.options;
    const envelope = buildEnvelope(identity, infno, this.msgIds.next(identity.fixmedinsCode, now), this.signNo, input, insuplcAdmdvs, now);
    let res: Response;
    try {
      res = await fetch(`${baseUrl}/fsi/api/rsfComIfsService/callService`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new ServiceFault('PLATFORM_UNAVAILABLE', { infno, message: (err as Error).name === 'TimeoutError' ? 'timeout' : 'connection failed' }, { cause: err });
    }
    if (!res.ok) throw new ServiceFault('PLATFORM_UNAVAILABLE', { infno, status: res.status });
    let body: ResponseEnvelope;
    try {
      body = (await res.json()) as ResponseEnvelope;
    } catch (err) {
      throw new ServiceFault('PLATFORM_ERROR', { infno, message: 'malformed answer' }, { cause: err });
    }
    if (typeof body !== 'object' || body === null || String(body.infcode) !== '0') {
      throw new ServiceFault('PLATFORM_ERROR', { infno, infcode: body?.infcode ?? null, errMsg: body?.err_msg ?? null });
    }
    return body.output;
  }
}
