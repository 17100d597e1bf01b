import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where `catalogue/` and `devices/` ship. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Config {
  host: string;
  port: number;
  /** Holds the SQLite file, audit checkpoints and secrets. */
  dataDir: string;
  /** `mock` for the built-in emulator, otherwise the name of a reader profile in devices/profiles. */
  terminal: string;
  /** Base URL of the insurance platform; undefined starts the built-in simulator on loopback. */
  platformUrl: string | undefined;
  /** Catalogue file imported on first start when the database holds no catalogue. */
  seedCatalogue: string | undefined;
  /** Payment policy (price caps, self-pay ratios) imported after the seed catalogue. */
  seedPolicy: string | undefined;
  /** Pharmacy item mapping (local code / barcode -> national code) imported with the seed catalogue. */
  seedMapping: string | undefined;
  /** Catalogue (and mapping) versions kept with their rows for rollback and diff; older ones are pruned. */
  catalogueKeepVersions: number;
  /** Largest catalogue file the admin upload accepts, in MiB. */
  catalogueUploadMaxMb: number;
  /** How often the service looks for a catalogue version activated by the CLI, in seconds; 0 never. */
  catalogueRefreshSeconds: number;
  devicesDir: string;
  /** Regional rules file (config/rules.json by default). */
  rulesFile: string;
  logLevel: string;
  /** Pharmacy identity used in the platform envelope. */
  fixmedinsCode: string;
  fixmedinsName: string;
  /** Medical-treatment area (就医地) division code. */
  admvs: string;
  /** How long a card session (one checkout) stays valid, in seconds. */
  cardSessionTtlSeconds: number;
  /** How long a fresh platform answer may be reused within one checkout, in seconds. */
  accountCacheSeconds: number;
  platformTimeoutMs: number;
  terminalTimeoutMs: number;
  /** Requests per minute per API token (per address on the public routes); over it: 429 RATE_LIMITED. */
  rateLimitPerMinute: number;
  /** Web origins (scheme://host[:port]) whose pages may call the API from a browser (CORS); empty: none. */
  corsOrigins: string[];
  /** PEM certificate and key files: both set serves HTTPS, for binding beyond loopback. */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** How long the cardholder has to type a PIN on the terminal keypad, in seconds (on top of TERMINAL_TIMEOUT_MS). */
  pinEntrySeconds: number;
  /** Chain hash of new audit records: sm3 (default) or sha256. Each record names its own, so a change applies from the next record on. */
  auditHashAlgorithm: 'sm3' | 'sha256';
  /** Audit records older than this many days move to archive files under DATA_DIR/audit-archive; 0 keeps all live. */
  auditRetentionDays: number;
  /** Province message security: none (private network), hmac (HMAC-SHA256 headers) or sm (SM4-encrypted, HMAC-SM3-signed). See docs/platform.md. */
  platformSigner: 'none' | 'hmac' | 'sm';
  /** x-tif-paasid / appId the platform issued; empty means the fixmedins code. */
  platformAppId: string;
  /** Signing key for hmac and sm; with the built-in simulator a random one is made when unset. */
  platformSecret: string | undefined;
  /** SM4 data key, 32 hex digits (sm only). */
  platformSm4Key: string | undefined;
  /** Path below PLATFORM_URL; `{infno}` is replaced where the province uses one URL per transaction. */
  platformPath: string;
  /** Keep-alive connections to the platform. */
  platformConnections: number;
  /** Extra attempts after a transport fault, for queries (1101, 9001) only, within PLATFORM_TIMEOUT_MS. */
  platformRetries: number;
  /** A 9001 sign_no older than this is renewed before use, in seconds. */
  platformSignInMaxAgeSeconds: number;
  /** Consecutive failed platform calls that open the circuit breaker. */
  platformBreakerFailures: number;
  /** How long the open breaker refuses calls before one probe, in milliseconds. */
  platformBreakerCooldownMs: number;
  /** Infcodes by which the province's platform says a sign_no is unknown or expired; empty: the national -1 plus its err_msg. */
  platformSignInInfcodes: number[];
  /** Infcodes by which this province's gateway says it knows no person with the ID number. */
  platformPersonNotFoundInfcodes: number[];
  /** Infcodes by which it says an e-voucher token is invalid or expired. */
  platformEcTokenInvalidInfcodes: number[];
  /** PEM CA bundle trusted for the platform's server certificate (instead of the public CAs). */
  platformCa: string | undefined;
  /** PEM client certificate and key for a gateway that requires mutual TLS. */
  platformClientCert: string | undefined;
  platformClientKey: string | undefined;
  /** Passphrase of an encrypted client key. */
  platformClientKeyPassphrase: string | undefined;
  /** Server name for SNI and the certificate check, when PLATFORM_URL names the gateway by address. */
  platformTlsServername: string | undefined;
}

type Source = Record<string, string | undefined>;

const KEYS: { [K in keyof Config]: { env: string; flag: string; parse: (v: string) => Config[K] } } = {
  host: { env: 'HOST', flag: 'host', parse: String },
  port: { env: 'PORT', flag: 'port', parse: (v) => int(v, 'PORT', 0, 65535) },
  dataDir: { env: 'DATA_DIR', flag: 'data-dir', parse: (v) => path.resolve(v) },
  terminal: { env: 'TERMINAL', flag: 'terminal', parse: String },
  platformUrl: { env: 'PLATFORM_URL', flag: 'platform-url', parse: (v) => (v === '' || v === 'simulator' ? undefined : url(v)) },
  seedCatalogue: { env: 'SEED_CATALOGUE', flag: 'seed-catalogue', parse: optionalPath },
  seedPolicy: { env: 'SEED_POLICY', flag: 'seed-policy', parse: optionalPath },
  seedMapping: { env: 'SEED_MAPPING', flag: 'seed-mapping', parse: optionalPath },
  catalogueKeepVersions: { env: 'CATALOGUE_KEEP_VERSIONS', flag: 'catalogue-keep-versions', parse: (v) => int(v, 'CATALOGUE_KEEP_VERSIONS', 2, 1000) },
  catalogueUploadMaxMb: { env: 'CATALOGUE_UPLOAD_MAX_MB', flag: 'catalogue-upload-max-mb', parse: (v) => int(v, 'CATALOGUE_UPLOAD_MAX_MB', 1, 4096) },
  catalogueRefreshSeconds: { env: 'CATALOGUE_REFRESH_SECONDS', flag: 'catalogue-refresh-seconds', parse: (v) => int(v, 'CATALOGUE_REFRESH_SECONDS', 0, 86400) },
  devicesDir: { env: 'DEVICES_DIR', flag: 'devices-dir', parse: (v) => path.resolve(v) },
  rulesFile: { env: 'RULES_FILE', flag: 'rules-file', parse: (v) => path.resolve(v) },
  logLevel: { env: 'LOG_LEVEL', flag: 'log-level', parse: String },
  fixmedinsCode: { env: 'FIXMEDINS_CODE', flag: 'fixmedins-code', parse: (v) => fixed(v, 'FIXMEDINS_CODE', 12) },
  fixmedinsName: { env: 'FIXMEDINS_NAME', flag: 'fixmedins-name', parse: String },
  admvs: { env: 'ADMVS', flag: 'admvs', parse: (v) => fixed(v, 'ADMVS', 6) },
  cardSessionTtlSeconds: { env: 'CARD_SESSION_TTL', flag: 'card-session-ttl', parse: (v) => int(v, 'CARD_SESSION_TTL', 1, 86400) },
  accountCacheSeconds: { env: 'ACCOUNT_CACHE_SECONDS', flag: 'account-cache-seconds', parse: (v) => int(v, 'ACCOUNT_CACHE_SECONDS', 0, 3600) },
  platformTimeoutMs: { env: 'PLATFORM_TIMEOUT_MS', flag: 'platform-timeout-ms', parse: (v) => int(v, 'PLATFORM_TIMEOUT_MS', 100, 20000) },
  terminalTimeoutMs: { env: 'TERMINAL_TIMEOUT_MS', flag: 'terminal-timeout-ms', parse: (v) => int(v, 'TERMINAL_TIMEOUT_MS', 50, 60000) },
  rateLimitPerMinute: { env: 'RATE_LIMIT_PER_MINUTE', flag: 'rate-limit-per-minute', parse: (v) => int(v, 'RATE_LIMIT_PER_MINUTE', 1, 1_000_000) },
  corsOrigins: { env: 'CORS_ORIGINS', flag: 'cors-origins', parse: origins },
  tlsCert: { env: 'TLS_CERT', flag: 'tls-cert', parse: optionalPath },
  tlsKey: { env: 'TLS_KEY', flag: 'tls-key', parse: optionalPath },
  pinEntrySeconds: { env: 'PIN_ENTRY_SECONDS', flag: 'pin-entry-seconds', parse: (v) => int(v, 'PIN_ENTRY_SECONDS', 5, 120) },
  auditHashAlgorithm: { env: 'AUDIT_HASH_ALGORITHM', flag: 'audit-hash-algorithm', parse: auditHashAlgorithm },
  auditRetentionDays: { env: 'AUDIT_RETENTION_DAYS', flag: 'audit-retention-days', parse: (v) => int(v, 'AUDIT_RETENTION_DAYS', 0, 36500) },
  platformSigner: { env: 'PLATFORM_SIGNER', flag: 'platform-signer', parse: (v) => oneOf(v, 'PLATFORM_SIGNER', ['none', 'hmac', 'sm'] as const) },
  platformAppId: { env: 'PLATFORM_APP_ID', flag: 'platform-app-id', parse: String },
  platformSecret: { env: 'PLATFORM_SECRET', flag: 'platform-secret', parse: (v) => (v === '' ? undefined : v) },
  platformSm4Key: { env: 'PLATFORM_SM4_KEY', flag: 'platform-sm4-key', parse: (v) => (v === '' ? undefined : hex(v, 'PLATFORM_SM4_KEY', 32)) },
  platformPath: { env: 'PLATFORM_PATH', flag: 'platform-path', parse: (v) => (v.startsWith('/') ? v : `/${v}`) },
  platformConnections: { env: 'PLATFORM_CONNECTIONS', flag: 'platform-connections', parse: (v) => int(v, 'PLATFORM_CONNECTIONS', 1, 256) },
  platformRetries: { env: 'PLATFORM_RETRIES', flag: 'platform-retries', parse: (v) => int(v, 'PLATFORM_RETRIES', 0, 5) },
  platformSignInMaxAgeSeconds: { env: 'PLATFORM_SIGN_IN_MAX_AGE', flag: 'platform-sign-in-max-age', parse: (v) => int(v, 'PLATFORM_SIGN_IN_MAX_AGE', 60, 86400) },
  platformBreakerFailures: { env: 'PLATFORM_BREAKER_FAILURES', flag: 'platform-breaker-failures', parse: (v) => int(v, 'PLATFORM_BREAKER_FAILURES', 1, 1000) },
  platformBreakerCooldownMs: { env: 'PLATFORM_BREAKER_COOLDOWN_MS', flag: 'platform-breaker-cooldown-ms', parse: (v) => int(v, 'PLATFORM_BREAKER_COOLDOWN_MS', 100, 600_000) },
  platformSignInInfcodes: { env: 'PLATFORM_SIGN_IN_INFCODES', flag: 'platform-sign-in-infcodes', parse: (v) => infcodes(v, 'PLATFORM_SIGN_IN_INFCODES') },
  platformPersonNotFoundInfcodes: { env: 'PLATFORM_PERSON_NOT_FOUND_INFCODES', flag: 'platform-person-not-found-infcodes', parse: (v) => infcodes(v, 'PLATFORM_PERSON_NOT_FOUND_INFCODES') },
  platformEcTokenInvalidInfcodes: { env: 'PLATFORM_EC_TOKEN_INVALID_INFCODES', flag: 'platform-ec-token-invalid-infcodes', parse: (v) => infcodes(v, 'PLATFORM_EC_TOKEN_INVALID_INFCODES') },
  platformCa: { env: 'PLATFORM_CA', flag: 'platform-ca', parse: optionalPath },
  platformClientCert: { env: 'PLATFORM_CLIENT_CERT', flag: 'platform-client-cert', parse: optionalPath },
  platformClientKey: { env: 'PLATFORM_CLIENT_KEY', flag: 'platform-client-key', parse: optionalPath },
  platformClientKeyPassphrase: { env: 'PLATFORM_CLIENT_KEY_PASSPHRASE', flag: 'platform-client-key-passphrase', parse: (v) => (v === '' ? undefined : v) },
  platformTlsServername: { env: 'PLATFORM_TLS_SERVERNAME', flag: 'platform-tls-servername', parse: (v) => (v === '' ? undefined : v) },
};

export function defaultConfig(): Config {
  return {
    host: '127.0.0.1',
    port: 8731,
    dataDir: path.resolve('data'),
    terminal: 'mock',
    platformUrl: undefined,
    seedCatalogue: path.join(PROJECT_ROOT, 'catalogue', 'sample-1301.zip'),
    seedPolicy: path.join(PROJECT_ROOT, 'catalogue', 'sample-payment-policy.csv'),
    seedMapping: path.join(PROJECT_ROOT, 'catalogue', 'sample-item-mapping.csv'),
    catalogueKeepVersions: 12,
    catalogueUploadMaxMb: 512,
    catalogueRefreshSeconds: 10,
    devicesDir: path.join(PROJECT_ROOT, 'devices'),
    rulesFile: path.join(PROJECT_ROOT, 'config', 'rules.json'),
    logLevel: 'info',
    fixmedinsCode: 'P33030000001',
    fixmedinsName: '示例大药房',
    admvs: '330300',
    cardSessionTtlSeconds: 600,
    accountCacheSeconds: 120,
    platformTimeoutMs: 5000,
    terminalTimeoutMs: 3000,
    rateLimitPerMinute: 600,
    corsOrigins: [],
    tlsCert: undefined,
    tlsKey: undefined,
    pinEntrySeconds: 30,
    auditHashAlgorithm: 'sm3',
    auditRetentionDays: 365,
    platformSigner: 'none',
    platformAppId: '',
    platformSecret: undefined,
    platformSm4Key: undefined,
    platformPath: '/fsi/api/rsfComIfsService/callService',
    platformConnections: 8,
    platformRetries: 2,
    platformSignInMaxAgeSeconds: 12 * 3600,
    platformBreakerFailures: 5,
    platformBreakerCooldownMs: 15_000,
    platformSignInInfcodes: [],
    platformPersonNotFoundInfcodes: [],
    platformEcTokenInvalidInfcodes: [],
    platformCa: undefined,
    platformClientCert: undefined,
    platformClientKey: undefined,
    platformClientKeyPassphrase: undefined,
    platformTlsServername: undefined,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * One typed configuration: defaults, then a JSON config file (`--config` or CONFIG_FILE), then
 * environment variables, then command-line flags (`--port 9000` or `--port=9000`).
 */
export function loadConfig(argv: string[] = [], env: Source = process.env, overrides: Partial<Config> = {}): Config {
  const flags = parseFlags(argv);
  const config = defaultConfig();
  const file = flags['config'] ?? env['CONFIG_FILE'];
  if (file) {
    let fromFile: unknown;
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
    }
    if (typeof fromFile !== 'object' || fromFile === null) throw new ConfigError(`config file ${file} must hold a JSON object`);
    for (const [key, value] of Object.entries(fromFile)) {
      if (!(key in KEYS)) throw new ConfigError(`unknown key "${key}" in config file ${file}`);
      apply(config, key as keyof Config, value === null ? '' : String(value));
    }
  }
  for (const key of Object.keys(KEYS) as (keyof Config)[]) {
    const value = env[KEYS[key].env];
    if (value !== undefined) apply(config, key, value);
  }
  for (const [flag, value] of Object.entries(flags)) {
    if (flag === 'config') continue;
    const key = (Object.keys(KEYS) as (keyof Config)[]).find((k) => KEYS[k].flag === flag);
    if (!key) throw new ConfigError(`unknown option --${flag}`);
    apply(config, key, value);
  }
  return { ...config, ...overrides };
}

function apply<K extends keyof Config>(config: Config, key: K, value: string): void {
  config[key] = KEYS[key].parse(value);
}

/** A command's own options (`own`, by name) apart from the service configuration's (`rest`, for loadConfig). */
export function splitFlags(flags: string[], names: ReadonlySet<string>): { own: Record<string, string>; rest: string[] } {
  const own: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const arg = flags[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq > 0 ? eq : undefined) : '';
    const next = flags[i + 1];
    const takesNext = eq < 0 && next !== undefined && !next.startsWith('--');
    if (!names.has(name)) {
      rest.push(arg, ...(takesNext ? [next] : []));
    } else {
      own[name] = eq > 0 ? arg.slice(eq + 1) : takesNext ? next : 'true';
    }
    if (takesNext) i++;
  }
  return { own, rest };
}

/** Splits `--name value` / `--name=value` pairs; positional words are the caller's business. */
export function parseFlags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) {
      out[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) out[arg.slice(2)] = 'true';
      else {
        out[arg.slice(2)] = next;
        i++;
      }
    }
  }
  return out;
}

function int(v: string, name: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

function fixed(v: string, name: string, length: number): string {
  if (v.length !== length) throw new ConfigError(`${name} must be ${length} characters, got "${v}"`);
  return v;
}

function oneOf<T extends string>(v: string, name: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

function hex(v: string, name: string, digits: number): string {
  if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(v)) throw new ConfigError(`${name} must be ${digits} hex digits`);
  return v.toLowerCase();
}

/** A comma-separated list of platform infcodes (empty: none). */
function infcodes(v: string, name: string): number[] {
  return v.split(',').filter((c) => c.trim() !== '').map((c) => int(c.trim(), `each of ${name}`, -999_999, 999_999));
}

function auditHashAlgorithm(v: string): 'sm3' | 'sha256' {
  if (v !== 'sm3' && v !== 'sha256') throw new ConfigError(`AUDIT_HASH_ALGORITHM must be sm3 or sha256, got "${v}"`);
  return v;
}

/**
 * A browser sends its page's origin exactly (scheme, host, port; no path), and CORS compares it
 * as text: anything else in the list could never match, and `*` would let any page that gets
 * hold of a token drive the counter, so both are refused at start-up rather than ignored.
 */
function origins(v: string): string[] {
  return v.split(',').map((o) => o.trim()).filter((o) => o !== '').map((o) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(o);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== o) {
      throw new ConfigError(`CORS_ORIGINS: "${o}" is not a web origin; write each exactly as a browser sends it: lower case, scheme://host[:port] without the default port, no path or trailing slash (e.g. https://pos.example.com)`);
    }
    return o;
  });
}

function url(v: string): string {
  try {
    return new URL(v).toString().replace(/\/$/, '');
  } catch {
    throw new ConfigError(`PLATFORM_URL is not a URL: "${v}"`);
  }
}

function optionalPath(v: string): string | undefined {
  return v === '' || v === 'none' ? undefined : path.resolve(v);
}
