import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { splitFlags, type Config } from '../config.js';
import { openDataStore } from '../db/database.js';
import { parseCheckpoint } from './checkpoints.js';
import { EXPORT_FORMATS, type ExportFormat } from './export.js';
import type { AuditFilter } from './query.js';
import { DECISION_KINDS, OUTCOMES } from './record.js';
import { parseBound } from './time.js';
import { AuditTrail } from './trail.js';

export const AUDIT_USAGE = `  audit verify [--checkpoint FILE] [--public-key FILE] [--json]
                                 recompute the hash chain; with --checkpoint, also against an
                                 auditor's own signed checkpoint (and key); exit 1 when broken
  audit verify --archive FILE [--public-key FILE]
                                 recompute an archive file against its signed checkpoint
  audit export --from DATE --to DATE [--format csv|jsonl] [--out FILE]
               [--outcome O] [--reason CODE] [--cashier-id ID] [--person-hash H] [--kind K]
                                 write matching decisions (stdout without --out)
  audit checkpoint [--out FILE]  sign the chain head; keep the file and the public key elsewhere
  audit public-key               print the checkpoint signing key (PEM)
  audit archive [--older-than DAYS]
                                 move old records to DATA_DIR/audit-archive (default: retention)`;

/** Options of the audit commands, kept apart from the service configuration flags. */
const OWN = new Set(['checkpoint', 'public-key', 'archive', 'json', 'from', 'to', 'format', 'out', 'outcome', 'reason', 'cashier-id', 'person-hash', 'card-hash', 'kind', 'older-than']);

/** Splits `--name value` / `--name=value` pairs into the audit command's own and the rest. */
export function splitAuditFlags(flags: string[]): { own: Record<string, string>; rest: string[] } {
  return splitFlags(flags, OWN);
}

class UsageError extends Error {}

function filterOf(o: Record<string, string>): AuditFilter {
  const f: AuditFilter = {};
  const pick = (flag: string, allowed?: readonly string[]) => {
    const v = o[flag];
    if (v !== undefined && allowed && !allowed.includes(v)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}`);
    return v;
  };
  const outcome = pick('outcome', OUTCOMES);
  const kind = pick('kind', DECISION_KINDS);
  if (outcome) f.outcome = outcome;
  if (kind) f.kind = kind;
  if (o['reason']) f.reason = o['reason'];
  if (o['cashier-id']) f.cashierId = o['cashier-id'];
  if (o['person-hash']) f.personHash = o['person-hash'];
  if (o['card-hash']) f.cardHash = o['card-hash'];
  for (const side of ['from', 'to'] as const) {
    if (o[side] === undefined) continue;
    const bound = parseBound(o[side], side);
    if (!bound) throw new UsageError(`--${side} is not a date or date-time: ${o[side]}`);
    f[side] = bound;
  }
  return f;
}

/** `checkout-guard audit ...`: returns the exit code. */
export async function runAuditCommand(config: Config, sub: string | undefined, options: Record<string, string>, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const store = openDataStore(config.dataDir);
  const audit = new AuditTrail(store, { dataDir: config.dataDir, algorithm: config.auditHashAlgorithm, retentionDays: config.auditRetentionDays });
  const say = (text: string) => out.write(text + '\n');
  try {
    switch (sub) {
      case 'verify': {
        const publicKey = options['public-key'] ? readFileSync(options['public-key'], 'utf8') : undefined;
        if (options['archive']) {
          const check = await audit.verifyArchive(options['archive'], publicKey);
          say(options['json'] ? JSON.stringify(check, null, 2) : check.ok
            ? `archive ${check.file}: OK, records ${check.header?.fromSeq}..${check.last?.seq} (${check.count}), checkpoint signed ${check.checkpoint?.at} verifies${check.registered ? ', matches the register' : ', not in this data folder\'s register'}`
            : `archive ${check.file}: BROKEN: ${check.broken?.message ?? check.problem}`);
          return check.ok ? 0 : 1;
        }
        let external;
        if (options['checkpoint']) {
          external = parseCheckpoint(JSON.parse(readFileSync(options['checkpoint'], 'utf8')) as unknown);
          if (!external) throw new UsageError(`${options['checkpoint']} is not a checkpoint file`);
        }
        const report = await audit.verify({ ...(external ? { external } : {}), ...(publicKey ? { externalPublicKey: publicKey } : {}) });
        if (options['json']) say(JSON.stringify(report, null, 2));
        else {
          say(`${report.ok ? 'OK' : 'BROKEN'}: ${report.count} live records recomputed (${report.algorithms.join(', ') || report.algorithm}) in ${report.durationMs} ms; head ${report.head.seq} ${report.head.hash}`);
          if (report.archived) say(`archived: records 1..${report.archived.seq}, the live chain continues from ${report.archived.hash}`);
          say(`checkpoints: ${report.checkpointsChecked} checked${report.checkpoint ? `, latest at record ${report.checkpoint.seq} signed ${report.checkpoint.at}` : ''}`);
          if (report.external) say(`your checkpoint at record ${report.external.seq}: signature ${report.external.signatureValid ? 'valid' : 'INVALID'}, ${report.external.matches === null ? 'record archived: verify the archive file' : report.external.matches ? 'matches the chain' : 'DOES NOT MATCH the chain'}`);
          if (report.firstBroken) say(`first broken record: ${report.firstBroken.seq}${report.firstBroken.id ? ` (${report.firstBroken.id})` : ''} ${report.firstBroken.problem}: ${report.firstBroken.message}`);
        }
        return report.ok ? 0 : 1;
      }
      case 'export': {
        const format = (options['format'] ?? 'csv') as ExportFormat;
        if (!EXPORT_FORMATS.includes(format)) throw new UsageError('--format must be csv or jsonl');
        const chunks = Readable.from(audit.export(filterOf(options), format));
        await pipeline(chunks, options['out'] ? createWriteStream(options['out'], { mode: 0o600 }) : out);
        return 0;
      }
      case 'checkpoint': {
        const exported = audit.checkpoint();
        const text = JSON.stringify(exported, null, 2) + '\n';
        if (options['out']) {
          writeFileSync(options['out'], text);
          say(`checkpoint of record ${exported.checkpoint.seq} written to ${options['out']}; keep it, with the public key it holds, away from this machine`);
        } else out.write(text);
        return 0;
      }
      case 'public-key':
        out.write(audit.keys.publicKeyPem());
        return 0;
      case 'archive': {
        const days = options['older-than'] === undefined ? config.auditRetentionDays : Number(options['older-than']);
        if (!Number.isInteger(days) || days < 1) throw new UsageError('--older-than must be a whole number of days, at least 1 (or set AUDIT_RETENTION_DAYS)');
        const runs = await audit.archive(days);
        say(runs.length === 0 ? `nothing older than ${days} days` : runs.map((r) => `records ${r.fromSeq}..${r.upToSeq} (${r.count}) -> ${audit.archiveDir}/${r.file}`).join('\n'));
        return 0;
      }
      default:
        throw new UsageError(`unknown audit command "${sub ?? ''}"`);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${AUDIT_USAGE}\n`);
    return 2;
  } finally {
    await audit.close();
    store.close();
  }
}
