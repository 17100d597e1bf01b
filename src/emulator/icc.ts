import { randomBytes } from 'node:crypto';

/** A command APDU as a card sees it (short APDUs; T=0 cases 1 to 4). */
export interface Command {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  /** undefined when the command has no Le (cases 1 and 3). */
  le: number | undefined;
}

/** Parses a command APDU; undefined when its length does not add up (the card answers 6700). */
export function parseCommand(apdu: Uint8Array): Command | undefined {
  if (apdu.length < 4) return undefined;
  const [cla, ins, p1, p2] = [apdu[0]!, apdu[1]!, apdu[2]!, apdu[3]!];
  if (apdu.length === 4) return { cla, ins, p1, p2, data: new Uint8Array(0), le: undefined };
  if (apdu.length === 5) return { cla, ins, p1, p2, data: new Uint8Array(0), le: apdu[4]! };
  const lc = apdu[4]!;
  if (lc === 0) return undefined;
  if (apdu.length === 5 + lc) return { cla, ins, p1, p2, data: apdu.slice(5), le: undefined };
  if (apdu.length === 6 + lc) return { cla, ins, p1, p2, data: apdu.slice(5, 5 + lc), le: apdu[5 + lc]! };
  return undefined;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function sw(code: number, data?: Uint8Array): Uint8Array {
  const out = new Uint8Array((data?.length ?? 0) + 2);
  if (data) out.set(data);
  out[out.length - 2] = code >> 8;
  out[out.length - 1] = code & 0xff;
  return out;
}

/**
 * What every emulated chip (user card, PSAM) shares: T=0 answers (61xx with GET RESPONSE for
 * commands that send data and expect data back, 6Cxx for a wrong Le), and GET CHALLENGE.
 */
export abstract class VirtualIcc {
  private pending: Uint8Array | null = null;
  protected challenge: Uint8Array | null = null;

  /** A fresh session after power-on. */
  protected resetSession(): void {
    this.pending = null;
    this.challenge = null;
  }

  process(apdu: Uint8Array): Uint8Array {
    const c = parseCommand(apdu);
    if (!c) return sw(0x6700);
    if (c.ins === 0xc0 && c.cla === 0x00) return this.getResponse(c);
    this.pending = null;
    if (c.ins === 0x84 && c.cla === 0x00) {
      if (c.le === undefined || (c.le !== 0 && c.le !== 4 && c.le !== 8)) return sw(0x6700);
      this.challenge = new Uint8Array(randomBytes(8));
      return this.answer(this.challenge, c);
    }
    return this.execute(c);
  }

  protected abstract execute(c: Command): Uint8Array;

  /** Case 2 answers the data when Le fits (6Cxx otherwise); case 4 leaves it for GET RESPONSE (61xx). */
  protected answer(data: Uint8Array, c: Command): Uint8Array {
    if (c.data.length > 0) {
      this.pending = data;
      return sw(0x6100 | data.length);
    }
    if (c.le !== data.length) return sw(0x6c00 | data.length);
    return sw(0x9000, data);
  }

  private getResponse(c: Command): Uint8Array {
    const p = this.pending;
    if (!p) return sw(0x6985);
    if (c.le === undefined || c.le === 0 || c.le > p.length) return sw(0x6c00 | p.length);
    if (c.le < p.length) {
      this.pending = p.slice(c.le);
      return sw(0x6100 | this.pending.length, p.subarray(0, c.le));
    }
    this.pending = null;
    return sw(0x9000, p);
  }
}
