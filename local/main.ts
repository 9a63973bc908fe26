/**
 * `npm start`: the whole system on this machine — the functions, an embedded Cosmos DB,
 * Azurite, the Service Bus broker, a Calendar fake and a development token issuer.
 */
import { parseArgs } from 'node:util';
import { startLocalHost, type LocalHost } from './host/local-host.ts';
import { ConfigError } from '../shared/platform/config.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '7071' },
    'data-dir': { type: 'string' },
    reset: { type: 'boolean', default: false },
    'ephemeral-ports': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`Usage: npm start -- [--port 7071] [--data-dir .stageline] [--reset] [--ephemeral-ports]

  --port             HTTP port of the functions (0 = any free port)
  --data-dir         where data and journals live (default .stageline in the project)
  --reset            start with empty data
  --ephemeral-ports  run Cosmos DB and Azurite on free ports instead of 8081 and 10000-10002`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, not "${values.port}"`);
  process.exit(2);
}

const started = performance.now();
let host: LocalHost;
let running: LocalHost | undefined;
try {
  host = await startLocalHost({
    port,
    reset: values.reset,
    servicePorts: values['ephemeral-ports'] ? 'ephemeral' : 'fixed',
    // The HTTP functions on a thread of their own, the background ones on this one (docs/local-host.md).
    httpInstance: 'worker',
    onFatal: (error) => {
      // While starting, the failed start itself reports and exits (below).
      if (!running) return;
      console.error(`\n${error.message}\nStageline stops: its HTTP API is gone.`);
      void running.stop().finally(() => process.exit(1));
    },
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  });
} catch (error) {
  console.error(`\nStageline could not start:\n${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

running = host;
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`
Stageline is running (started in ${seconds} s)
  API         ${host.baseUrl}/api
  Health      ${host.baseUrl}/api/health
  Metrics     ${host.baseUrl}/metrics
  OpenAPI     ${host.baseUrl}/api/openapi.json
  Data        ${host.dataDir}${values.reset ? ' (reset)' : ''}
  Flags file  ${host.flagsFile} (edits apply within ${host.settings.FEATURE_FLAGS_REFRESH_SECONDS ?? 5} s)
  Settings    ${host.settingsFile}
  Cosmos DB   ${host.settings.CosmosConnection__accountEndpoint} (certificate ${host.settings.CosmosConnection__caCertificatePath})
  Azurite     ${blobEndpoint(host.settings.DocumentsStorage)}
  Calendar    ${host.calendar.rootUrl} (Google Calendar fake; events at ${host.calendar.rootUrl}_fake/events)
  Token       npm run token -- --role recruiter --tenant acme --sub rec-1
Press Ctrl-C to stop.`);

function blobEndpoint(connectionString: string | undefined): string {
  return /BlobEndpoint=([^;]+)/.exec(connectionString ?? '')?.[1] ?? '(unknown)';
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await host.stop();
  console.log('Stopped; journals flushed.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
