import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The audit trail's two local secrets under DATA_DIR/secrets (owner-only): the HMAC key that
 * pseudonymises card and ID numbers, and the Ed25519 key that signs checkpoints. Both are
 * created on first use and never leave the machine; the public key is meant to.
 */
export class AuditKeys {
  private readonly hmacKey: Buffer;
  private signing: { privateKey: KeyObject; publicKey: KeyObject; keyId: string } | undefined;

  constructor(private readonly dataDir: string) {
    this.hmacKey = loadOrCreate(path.join(this.secretsDir, 'audit-hmac.key'), () => randomBytes(32).toString('hex'));
  }

  private get secretsDir(): string {
    return path.join(this.dataDir, 'secrets');
  }

  /** Keyed hash of a card or ID number: finds one person's history without storing the number. */
  keyedHash(value: string): string {
    return createHmac('sha256', this.hmacKey).update(value.trim().toUpperCase()).digest('hex');
  }

  /** The checkpoint signing key, created on first use. */
  signer(): { privateKey: KeyObject; publicKey: KeyObject; keyId: string } {
    if (!this.signing) {
      const pem = loadOrCreate(path.join(this.secretsDir, 'audit-signing-key.pem'), () => {
        const { privateKey } = generateKeyPairSync('ed25519');
        return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      });
      const privateKey = createPrivateKey(pem.toString());
      const publicKey = createPublicKey(privateKey);
      this.signing = { privateKey, publicKey, keyId: keyIdOf(publicKey) };
    }
    return this.signing;
  }

  /** The public half (SPKI PEM), for the auditor to keep beside exported checkpoints. */
  publicKeyPem(): string {
    return this.signer().publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}

/** First 16 hex digits of the SHA-256 of the public key's DER: names the key in every checkpoint. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function loadOrCreate(file: string, create: () => string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, create(), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process (a CLI command beside the service) created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const text = readFileSync(file, 'utf8').trim();
  return text.startsWith('-----') ? Buffer.from(text) : Buffer.from(text, 'hex');
}
