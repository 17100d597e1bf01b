import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { PlatformClient } from './account/client.js';
import { platformClient, platformSignerConfig } from './account/from-config.js';
import { AccountService } from './account/service.js';
import { AuditTrail } from './audit/trail.js';
import { CardSessions } from './card/sessions.js';
import type { CardTerminal } from './card/terminal.js';
import { seedCatalogue } from './catalogue/seed.js';
import { platformDownloader, syncCatalogue } from './catalogue/sync.js';
import { CatalogueStore } from './catalogue/store.js';
import { Counter } from './checkout/counter.js';
import { PROJECT_ROOT, type Config } from './config.js';
import { openDataStore, type DataStore } from './db/database.js';
import { loadVirtualCards } from './emulator/virtual-cards.js';
import authPlugin from './http/auth/plugin.js';
import { TokenStore } from './http/auth/tokens.js';
import { registerCors } from './http/cors.js';
import { installErrorHandling } from './http/errors.js';
import { registerRateLimit } from './http/auth/rate-limit.js';
import { createLogger } from './http/observability/logging.js';
import { Metrics, metricsRoutes, timedTerminal } from './http/observability/metrics.js';
import { readinessRoutes } from './http/observability/readiness.js';
import { requestIdHeader } from './http/observability/request-id.js';
import { registerOpenApi } from './http/openapi.js';
import { serverOptions } from './http/server-options.js';
import { accountRoutes } from './http/routes/account.js';
import { auditRoutes } from './http/routes/audit.js';
import { cardRoutes } from './http/routes/card.js';
import { catalogueRoutes } from './http/routes/catalogue.js';
import { checkoutRoutes } from './http/routes/checkout.js';
import { devEcTokenRoute, devRoutes } from './http/routes/dev.js';
import { healthRoutes } from './http/routes/health.js';
import { webRoutes } from './http/routes/web.js';
import { loadRulesConfig, type RulesConfig } from './rules-config.js';
import { buildSimulator } from './simulator/app.js';
import { createTerminal } from './terminal/create-terminal.js';

export interface Services {
  config: Config;
  rules: RulesConfig;
  version: string;
  store: DataStore;
  tokens: TokenStore;
  terminal: CardTerminal;
  catalogue: CatalogueStore;
  audit: AuditTrail;
  counter: Counter;
  platformUrl: string;
  /** The platform client, for its breaker and sign-in state. */
  platform: PlatformClient;
  /** True when the built-in platform simulator answers for the platform. */
  simulator: boolean;
  /** Path of the bootstrap token file when this start created it. */
  bootstrapTokens: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export const VERSION = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Builds the whole service: infrastructure first (database, platform link, terminal), then
 * the domain services, then the routes. Closing the app releases all of them.
 */
export async function buildApp(config: Config, options: { logStream?: DestinationStream } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: createLogger(config.logLevel, options.logStream),
    ...serverOptions(config),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const store = openDataStore(config.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [() => store.close()];
  app.addHook('onClose', async () => {
    for (const c of cleanups.reverse()) await c();
  });

  try {
    const rules = loadRulesConfig(config.rulesFile);
    const cards = loadVirtualCards(config.devicesDir);
    let platformUrl = config.platformUrl;
    const signer = platformSignerConfig(config, !platformUrl);
    /** With the built-in simulator: what a customer's e-voucher app would show the scanner, for a virtual card. */
    let issueEcToken: ((scenario: string) => string | undefined) | undefined;
    if (!platformUrl) {
      const sim = await buildSimulator({ cards, signer, pathTemplate: config.platformPath });
      platformUrl = await sim.listen({ host: '127.0.0.1', port: 0 });
      cleanups.push(() => sim.close());
      issueEcToken = (scenario) => {
        const card = cards.get(scenario);
        return card && sim.control.state.issueEcToken(card);
      };
    }
    const tokens = new TokenStore(store);
    const bootstrapTokens = tokens.bootstrap(config.dataDir);
    if (bootstrapTokens) app.log.warn({ file: bootstrapTokens }, 'first start: one token per role written to the bootstrap token file (owner-readable only)');

    const terminal: CardTerminal = createTerminal({
      terminal: config.terminal, devicesDir: config.devicesDir, terminalTimeoutMs: config.terminalTimeoutMs, pinEntrySeconds: config.pinEntrySeconds,
      initialPinRules: rules.initialPin.rules, cards, log: (message, detail) => app.log.info(detail, message),
    });
    cleanups.push(() => terminal.close());

    const catalogue = new CatalogueStore(store, { keepVersions: config.catalogueKeepVersions });
    for (const { version: v } of await seedCatalogue(catalogue, config)) {
      app.log.info({ version: v.id, format: v.format, rows: v.rowCount, source: v.source }, 'catalogue seed imported on first start');
    }
    if (config.catalogueRefreshSeconds > 0) {
      // `catalogue import|sync|rollback` from the CLI write the same database: pick up what they activate.
      const refresh = setInterval(() => {
        catalogue.refresh().then((changed) => {
          if (changed) app.log.info({ version: catalogue.index.version?.id ?? null, mapping: catalogue.index.mappingVersion?.id ?? null }, 'catalogue version activated elsewhere: loaded');
        }, (err: unknown) => app.log.warn({ err }, 'catalogue refresh failed'));
      }, config.catalogueRefreshSeconds * 1000).unref();
      cleanups.push(() => clearInterval(refresh));
    }
    const audit = new AuditTrail(store, { dataDir: config.dataDir, algorithm: config.auditHashAlgorithm, retentionDays: config.auditRetentionDays });
    cleanups.push(() => audit.close());
    audit.startMaintenance(app.log);
    const metrics = new Metrics();
    const client = platformClient(config, platformUrl, signer, metrics);
    cleanups.push(() => client.close());
    const accounts = new AccountService(client, {
      cacheMs: config.accountCacheSeconds * 1000,
      refusalInfcodes: { personNotFound: new Set(config.platformPersonNotFoundInfcodes), ecTokenInvalid: new Set(config.platformEcTokenInvalidInfcodes) },
    });
    const counter = new Counter({ observer: metrics, terminal: timedTerminal(terminal, metrics), sessions: new CardSessions(config.cardSessionTtlSeconds * 1000), accounts, catalogue, audit, terminalId: config.terminal, rules });

    const services: Services = { config, rules, version: VERSION, store, tokens, terminal, catalogue, audit, counter, platformUrl, platform: client, simulator: !config.platformUrl, bootstrapTokens };
    app.decorate('services', services);

    installErrorHandling(app);
    await registerCors(app, config.corsOrigins);
    await app.register(authPlugin, { tokens });
    await registerRateLimit(app, { perMinute: config.rateLimitPerMinute });
    await registerOpenApi(app, { version: VERSION });
    await app.register(readinessRoutes, { store, catalogue });
    await app.register(metricsRoutes, { metrics });
    await app.register(requestIdHeader);
    await app.register(healthRoutes, { services });
    await app.register(cardRoutes, { counter });
    await app.register(accountRoutes, { counter });
    await app.register(checkoutRoutes, { counter });
    await app.register(catalogueRoutes, { catalogue, uploadMaxBytes: config.catalogueUploadMaxMb * 1024 * 1024, sync: () => syncCatalogue(catalogue, platformDownloader(client)) });
    await app.register(auditRoutes, { audit });
    await app.register(webRoutes);
    if (terminal.dev) await app.register(devRoutes, { slot: terminal.dev });
    if (issueEcToken) await app.register(devEcTokenRoute, { issue: issueEcToken, scenarios: [...cards.keys()] });
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}
