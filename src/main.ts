#!/usr/bin/env node
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { bindWarning } from './http/server-options.js';

/** Longest wait for requests in flight at shutdown (a PIN typed on the keypad, a slow platform); systemd's TimeoutStopSec is above it. */
const SHUTDOWN_GRACE_MS = 30_000;
import { ConfigError, loadConfig, splitFlags } from './config.js';
import { openDataStore, StorageError } from './db/database.js';
import { CATALOGUE_USAGE, runCatalogueCommand } from './catalogue/cli.js';
import { hasExpired, parseExpiry, ROLES, TokenStore, type Role, type TokenInfo } from './http/auth/tokens.js';
import { loadVirtualCards } from './emulator/virtual-cards.js';
import { buildSimulator } from './simulator/app.js';
import { platformSignerConfig } from './account/from-config.js';
import { formatDeviceListing, listDevices } from './terminal/device-list.js';
import { AUDIT_USAGE, runAuditCommand, splitAuditFlags } from './audit/cli.js';

const USAGE = `checkout-guard <command> [options]

Commands:
  serve                          start the service (default)
  simulator [--port N]           run the platform simulator alone (port 8732 by default; docs/platform.md)
${CATALOGUE_USAGE}
  token create NAME ROLE [--expires 90d|DATE]
                                 create a token (roles: ${ROLES.join(', ')}); with --expires it stops
                                 working after that many days, or after that day (China time)
  token list                     list tokens (secrets are never shown again)
  token revoke ID                revoke a token
  device list                    attached HID card readers and the reader profile matching each
${AUDIT_USAGE}

Options (also as environment variables): --port (PORT), --host (HOST), --data-dir (DATA_DIR),
  --terminal (TERMINAL), --platform-url (PLATFORM_URL), --config FILE (CONFIG_FILE)`;

/** The token command's own options. */
const TOKEN_FLAGS = new Set(['expires']);

async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1]!.startsWith('--') && !argv[i - 1]!.includes('=')));
  const [command = 'serve', sub, ...args] = words;
  const flags = argv.filter((a) => !words.includes(a));
  if (command === 'help' || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  // The audit and token commands' own options (--from, --out, --expires...) are not service configuration.
  const split = command === 'audit' ? splitAuditFlags(flags) : command === 'token' ? splitFlags(flags, TOKEN_FLAGS) : { own: {}, rest: flags };
  const config = loadConfig(split.rest);
  switch (command) {
    case 'serve': {
      const app = await buildApp(config);
      const warning = bindWarning(config);
      if (warning) {
        app.log.warn({ host: config.host }, warning);
        console.error(`\nWARNING: ${warning}\n`);
      }
      await app.listen({ host: config.host, port: config.port });
      // SIGTERM/SIGINT (systemd, the Windows service wrapper, Ctrl-C): stop taking requests, let the
      // prechecks in flight finish and be audited, then release the database. A second signal or
      // the grace period running out exits at once.
      closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger: { error: (m: unknown) => app.log.error(m) } }, async ({ signal, err }) => {
        if (err) app.log.error({ err }, 'fatal error: shutting down');
        else app.log.info({ signal }, 'shutting down: finishing requests in flight');
        await app.close();
      });
      return -1;
    }
    case 'simulator': {
      // Standalone, the service must hold the same province keys: none are made up here.
      const sim = await buildSimulator({ cards: loadVirtualCards(config.devicesDir), logger: true, signer: platformSignerConfig(config, false), pathTemplate: config.platformPath });
      await sim.listen({ host: config.host, port: config.port === 8731 ? 8732 : config.port });
      return -1;
    }
    case 'catalogue':
      return runCatalogueCommand(config, sub, args);
    case 'device': {
      if (sub !== 'list') {
        console.error(USAGE);
        return 2;
      }
      const listing = await listDevices(config.devicesDir);
      console.log(formatDeviceListing(listing));
      return listing.problem ? 1 : 0;
    }
    case 'token': {
      const store = openDataStore(config.dataDir);
      try {
        const tokens = new TokenStore(store);
        if (sub === 'create' && args[0] && ROLES.includes(args[1] as Role)) {
          const expires = split.own['expires'];
          const expiresAt = expires === undefined ? null : parseExpiry(expires, Date.now());
          if (expiresAt === undefined) {
            console.error(`error: --expires ${expires}: give days (90d) or a date or date-time in the next ten years (2027-03-31, 2027-03-31T18:00)`);
            return 2;
          }
          const { token, info } = tokens.create(args[0], args[1] as Role, expiresAt);
          console.log(`${info.id}\t${info.role}\t${info.name}${info.expiresAt ? `\texpires ${info.expiresAt}` : ''}\n${token}\n(keep the token now: it is stored hashed and cannot be shown again)`);
        } else if (sub === 'list') {
          const now = Date.now();
          const state = (t: TokenInfo) =>
            t.revokedAt ? `revoked ${t.revokedAt}` : hasExpired(t, now) ? `expired ${t.expiresAt}` : t.expiresAt ? `active, expires ${t.expiresAt}` : 'active';
          for (const t of tokens.list()) console.log(`${t.id}\t${t.role}\t${t.name}\t${t.createdAt}\t${state(t)}\tlast used ${t.lastUsedAt ?? 'never'}`);
        } else if (sub === 'revoke' && args[0]) {
          if (!tokens.revoke(args[0])) {
            console.error(`no active token ${args[0]}`);
            return 1;
          }
          console.log(`revoked ${args[0]}`);
        } else {
          console.error(USAGE);
          return 2;
        }
      } finally {
        store.close();
      }
      return 0;
    }
    case 'audit':
      return runAuditCommand(config, sub, split.own);
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof StorageError || (err as Error).name === 'ImportError' ? `error: ${(err as Error).message}` : err);
    process.exitCode = 1;
  },
);
