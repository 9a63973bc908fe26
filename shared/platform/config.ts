import { z } from 'zod';
import { encryptionKeysSchema } from './crypto/keyring.ts';

/**
 * Every app setting Stageline reads, validated once at boot. Names follow the Azure Functions
 * conventions (`<Connection>__<property>`), so the same keys work with managed identity in Azure
 * and with local values on the local host. Secrets have no defaults.
 */
export type Environment = 'local' | 'azure';

export interface AppConfig {
  readonly environment: Environment;
  /**
   * The user-assigned managed identity every Azure client of the app uses (`AZURE_CLIENT_ID`): the
   * same client id the trigger extensions take from `<Connection>__clientId`. Unset: the default
   * credential chain (a system-assigned identity, or a developer sign-in).
   */
  readonly identity: { readonly clientId?: string };
  readonly cosmos: {
    readonly endpoint: string;
    readonly databaseName: string;
    readonly auth: { readonly kind: 'key'; readonly key: string } | { readonly kind: 'identity'; readonly clientId?: string };
    /** PEM file of a self-signed certificate to trust for this endpoint only (local host). */
    readonly caCertificatePath?: string;
  };
  readonly documents:
    | { readonly kind: 'connectionString'; readonly connectionString: string }
    | { readonly kind: 'identity'; readonly blobServiceUri: string; readonly clientId?: string };
  readonly bus:
    | { readonly kind: 'local' }
    | { readonly kind: 'identity'; readonly fullyQualifiedNamespace: string; readonly clientId?: string };
  readonly flags:
    | { readonly kind: 'file'; readonly path: string; readonly refreshIntervalMs: number }
    | { readonly kind: 'appConfiguration'; readonly endpoint: string; readonly refreshIntervalMs: number };
  readonly calendar: CalendarConfig;
  readonly auth: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwks: { readonly kind: 'uri'; readonly uri: string } | { readonly kind: 'file'; readonly path: string };
  };
  readonly telemetry: { readonly appInsightsConnectionString?: string };
  /** Lifetimes of the SAS URLs the documents capability mints, in minutes (each at most 15). */
  readonly uploads: { readonly uploadUrlTtlMinutes: number; readonly readUrlTtlMinutes: number };
  /** Keys for secrets stored encrypted (tokens, webhook URLs): id → base64 key, and the id that encrypts. */
  readonly encryption: { readonly keys: Readonly<Record<string, string>>; readonly currentKeyId: string };
  /** HMAC keys that sign the timeline's hash chain (kept out of Cosmos DB): id → base64 key, and the id that signs. */
  readonly timelineSigning: { readonly keys: Readonly<Record<string, string>>; readonly currentKeyId: string };
  /** Notification delivery: retry schedule, timeouts, Google Chat rate, where links point. */
  readonly notifications: NotificationSettings;
}

export interface NotificationSettings {
  /** Upper bound of the wait before each retry (full jitter draws from 0 to it); its length is the number of retries. */
  readonly retryScheduleMs: readonly number[];
  /** One delivery attempt's time limit (connect, send, answer). */
  readonly deliveryTimeoutMs: number;
  /** The longest `Retry-After` honoured; a longer one is cut to this. */
  readonly retryAfterMaxMs: number;
  /** Google Chat messages per minute per space (Google's limit is 60). */
  readonly chatMessagesPerMinute: number;
  /** The web app's public URL; links in notifications point under it (none when unset). */
  readonly publicUrl?: string;
  /** How long the fan-out reuses a tenant's webhook list (0: read it for every event). */
  readonly webhookRoutesCacheMs: number;
}

/** Google Calendar: the API root, the OAuth 2.0 client and endpoints, where Google calls back, and the call budget. */
export interface CalendarConfig {
  readonly rootUrl: string;
  readonly oauth: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly authorizeUrl: string;
    readonly tokenUrl: string;
    readonly revokeUrl: string;
    /** This app's `GET /api/calendar/oauth-callback`, as registered with Google. */
    readonly redirectUri: string;
    /** Where the recruiter's browser goes after the callback (`?calendar=connected` or `?calendar=error&reason=…`). */
    readonly appRedirectUrl: string;
    /** HMAC key (base64, ≥ 32 bytes) signing the `state` of the authorisation flow. */
    readonly stateKey: string;
  };
  /** This app's `POST /api/calendar/notifications`, where Google pushes channel notifications. */
  readonly pushAddress: string;
  /** One Calendar API request gives up after this long. */
  readonly timeoutMs: number;
  /** Retries with backoff inside one API request stop once this much time has passed. */
  readonly retryBudgetMs: number;
  /** The first backoff ceiling (doubling per retry, full jitter). */
  readonly backoffBaseMs: number;
  /** Lifetime asked for each push channel. */
  readonly channelTtlSeconds: number;
}

export interface ConfigIssue {
  readonly key: string;
  readonly expected: string;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.key}: ${issue.expected}`);
    super(`Invalid configuration (${issues.length} setting${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Settings read by binding expressions (`%NAME%` in `functions/`). The Functions host resolves
 * them from app settings before any code runs, so a default in code would never reach the
 * binding: these are required, never defaulted (`test/shared/platform/config.test.ts` scans
 * `functions/` for every `%…%` and checks it is listed here and required).
 */
export const BINDING_EXPRESSION_SETTINGS = ['COSMOS_DATABASE_NAME'] as const;

/** The connections the triggers and the app's clients share (`connection:` in `functions/`, `<name>__<property>` settings). */
export const IDENTITY_CONNECTIONS = ['CosmosConnection', 'DocumentsStorage', 'ServiceBusConnection'] as const;

/**
 * Secrets that grant access by themselves (keys, connection strings): local only. In Azure the
 * managed identity connects; the Cosmos DB and Service Bus trigger extensions ignore `__key` and
 * would use the identity while the app used the key.
 */
const LOCAL_ONLY_SECRETS = ['CosmosConnection__key', 'CosmosConnection', 'DocumentsStorage', 'AzureWebJobsStorage'] as const;

/** The development issuer the local host runs; production configuration may not trust it. */
export const DEV_ISSUER = 'https://stageline.local/dev-issuer';

const optionalText = z.string().trim().min(1).optional();
/** `<Connection>__credential`: the trigger extensions use `<Connection>__clientId` only together with `managedidentity`. */
const credentialKind = z.literal('managedidentity', { error: "'managedidentity' (with <Connection>__clientId: the user-assigned identity)" }).optional();
const url = (what: string) => z.url({ error: `${what} (an absolute https:// or http:// URL)` });
const optionalUrl = (what: string) => url(what).optional();
/** Longest lifetime of a SAS URL the app hands out (the seed: pre-signed URLs ≤ 15 min). */
export const MAX_SAS_TTL_MINUTES = 15;
/** Minutes (fractions allowed), clamped to 15: a longer value is not an error, it is cut. */
const sasMinutes = (fallback: number) =>
  z.coerce.number({ error: 'a number of minutes (at most 15 is used)' }).positive({ error: 'a positive number of minutes' }).default(fallback)
    .transform((minutes) => Math.min(minutes, MAX_SAS_TTL_MINUTES));

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `5s,30s,2m,…`: 1 to 20 durations (`ms`, `s`, `m`, `h`), each from 10 ms to 24 h. */
const retryScheduleSchema = z.string().transform((text, ctx) => {
  const parts = text.split(',').map((part) => part.trim());
  const durations = parts.map((part) => {
    const match = /^(\d+)(ms|s|m|h)$/.exec(part);
    return match ? Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS] : Number.NaN;
  });
  if (parts.length < 1 || parts.length > 20 || durations.some((ms) => !(ms >= 10 && ms <= 86_400_000))) {
    ctx.addIssue({ code: 'custom', message: 'a comma-separated list of 1 to 20 durations such as 5s,30s,2m,10m,30m,2h,6h,12h (units ms, s, m, h; each 10 ms to 24 h)' });
    return z.NEVER;
  }
  return durations;
});

const settingsSchema = z
  .object({
    STAGELINE_ENVIRONMENT: z.enum(['local', 'azure'], { error: "'local' or 'azure'" }).default('azure'),
    CosmosConnection__accountEndpoint: url('the Cosmos DB account endpoint'),
    CosmosConnection__key: optionalText,
    CosmosConnection__clientId: optionalText,
    CosmosConnection__credential: credentialKind,
    CosmosConnection__caCertificatePath: optionalText,
    // Read by the Cosmos DB trigger's binding (`%COSMOS_DATABASE_NAME%`): required, see BINDING_EXPRESSION_SETTINGS.
    COSMOS_DATABASE_NAME: z.string({ error: 'the Cosmos DB database name (the trigger binding reads it as %COSMOS_DATABASE_NAME%)' }).regex(/^[A-Za-z0-9_-]{1,255}$/, { error: 'a database name (letters, digits, - and _)' }),
    DocumentsStorage: optionalText,
    DocumentsStorage__blobServiceUri: optionalUrl('the documents storage account blob endpoint'),
    // The blob trigger's poison queue lives in the documents account (read by the trigger extension, not by the app's code).
    DocumentsStorage__queueServiceUri: optionalUrl('the documents storage account queue endpoint'),
    DocumentsStorage__clientId: optionalText,
    DocumentsStorage__credential: credentialKind,
    UPLOAD_URL_TTL_MINUTES: sasMinutes(15),
    DOCUMENT_READ_URL_TTL_MINUTES: sasMinutes(5),
    ServiceBusConnection: optionalText,
    ServiceBusConnection__fullyQualifiedNamespace: optionalText,
    ServiceBusConnection__clientId: optionalText,
    ServiceBusConnection__credential: credentialKind,
    AZURE_CLIENT_ID: optionalText,
    AppConfigEndpoint: optionalUrl('the App Configuration endpoint'),
    FEATURE_FLAGS_FILE: optionalText,
    FEATURE_FLAGS_REFRESH_SECONDS: z.coerce.number({ error: 'a number of seconds' }).int().min(1).max(3600).default(5),
    GOOGLE_CALENDAR_ROOT_URL: url('the Google APIs root URL').default('https://www.googleapis.com/'),
    GOOGLE_OAUTH_CLIENT_ID: z.string({ error: 'the OAuth 2.0 client id of the Google Cloud project' }).trim().min(1),
    GOOGLE_OAUTH_CLIENT_SECRET: z.string({ error: 'the OAuth 2.0 client secret (a Key Vault reference in Azure)' }).trim().min(1),
    GOOGLE_OAUTH_AUTHORIZE_URL: url("Google's OAuth authorisation endpoint").default('https://accounts.google.com/o/oauth2/v2/auth'),
    GOOGLE_OAUTH_TOKEN_URL: url("Google's OAuth token endpoint").default('https://oauth2.googleapis.com/token'),
    GOOGLE_OAUTH_REVOKE_URL: url("Google's OAuth revocation endpoint").default('https://oauth2.googleapis.com/revoke'),
    CALENDAR_OAUTH_REDIRECT_URI: url("this app's /api/calendar/oauth-callback as registered with Google"),
    CALENDAR_CONNECTED_REDIRECT_URL: url('the app page a recruiter returns to after connecting a calendar'),
    CALENDAR_PUSH_ADDRESS: url("this app's /api/calendar/notifications (Google pushes channel notifications there)"),
    CALENDAR_OAUTH_STATE_KEY: z
      .string({ error: 'the key signing OAuth state (base64 of at least 32 random bytes; a Key Vault reference in Azure)' })
      .refine((value) => Buffer.from(value, 'base64').length >= 32, { message: 'base64 of at least 32 random bytes' }),
    GOOGLE_CALENDAR_TIMEOUT_MS: z.coerce.number({ error: 'milliseconds' }).int().min(50).max(60_000).default(4000),
    CALENDAR_RETRY_BUDGET_MS: z.coerce.number({ error: 'milliseconds' }).int().min(0).max(30_000).default(8000),
    CALENDAR_BACKOFF_BASE_MS: z.coerce.number({ error: 'milliseconds' }).int().min(1).max(10_000).default(250),
    CALENDAR_CHANNEL_TTL_SECONDS: z.coerce.number({ error: 'seconds' }).int().min(60).max(2_592_000).default(604_800),
    AUTH_ISSUER: z.string({ error: 'the token issuer (iss) to accept' }).trim().min(1),
    AUTH_AUDIENCE: z.string({ error: 'the token audience (aud) to accept' }).trim().min(1),
    AUTH_JWKS_URI: optionalUrl('the JWKS URL of the issuer'),
    AUTH_JWKS_FILE: optionalText,
    APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText,
    ENCRYPTION_KEYS: encryptionKeysSchema,
    ENCRYPTION_KEY_ID: z.string({ error: 'the id of the encryption key that encrypts new data (one of ENCRYPTION_KEYS)' }).trim().min(1),
    TIMELINE_SIGNING_KEYS: encryptionKeysSchema,
    TIMELINE_SIGNING_KEY_ID: z.string({ error: 'the id of the key that signs the timeline chain (one of TIMELINE_SIGNING_KEYS)' }).trim().min(1),
    NOTIFICATIONS_RETRY_SCHEDULE: retryScheduleSchema.default([5_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000]),
    NOTIFICATIONS_DELIVERY_TIMEOUT_MS: z.coerce.number({ error: 'milliseconds' }).int().min(100).max(60_000).default(10_000),
    NOTIFICATIONS_RETRY_AFTER_MAX_SECONDS: z.coerce.number({ error: 'a number of seconds' }).int().min(1).max(86_400).default(3_600),
    NOTIFICATIONS_CHAT_MESSAGES_PER_MINUTE: z.coerce.number({ error: 'messages per minute' }).int().min(6).max(600).default(60),
    NOTIFICATIONS_WEBHOOK_ROUTES_CACHE_SECONDS: z.coerce.number({ error: 'a number of seconds' }).int().min(0).max(300).default(10),
    STAGELINE_PUBLIC_URL: optionalUrl('the web app\'s public URL, for links in notifications'),
  });

export type Settings = Readonly<Record<string, string | undefined>>;

/** Every setting name the app reads (the infrastructure test checks Bicep declares no other app setting). */
export const SETTING_NAMES: readonly string[] = Object.keys(settingsSchema.shape);

/** Whether `value` is a valid value of setting `key` on its own (the infrastructure test checks Bicep's literal values with it). */
export function isValidSettingValue(key: string, value: string): boolean {
  const field = (settingsSchema.shape as Record<string, z.ZodType>)[key];
  return field !== undefined && field.safeParse(value).success;
}

const CALENDAR_URL_KEYS = [
  'GOOGLE_CALENDAR_ROOT_URL',
  'GOOGLE_OAUTH_AUTHORIZE_URL',
  'GOOGLE_OAUTH_TOKEN_URL',
  'GOOGLE_OAUTH_REVOKE_URL',
  'CALENDAR_OAUTH_REDIRECT_URI',
  'CALENDAR_CONNECTED_REDIRECT_URL',
  'CALENDAR_PUSH_ADDRESS',
] as const;

/** Rules across keys, checked on the raw settings so they are reported with every other issue. */
function crossKeyIssues(raw: Settings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const has = (key: string) => (raw[key] ?? '').trim() !== '';
  const issue = (key: string, expected: string) => issues.push({ key, expected });
  // Local-only keys are checked only for a valid non-local environment (a bad value is reported on its own).
  const azure = (raw.STAGELINE_ENVIRONMENT ?? 'azure') === 'azure';
  if (!has('DocumentsStorage') && !has('DocumentsStorage__blobServiceUri')) {
    issue('DocumentsStorage', 'missing: a storage connection string, or DocumentsStorage__blobServiceUri for managed identity');
  }
  if (has('ServiceBusConnection') && raw.ServiceBusConnection !== 'UseLocalBroker=true') {
    issue('ServiceBusConnection', "'UseLocalBroker=true' (local host only); in Azure set ServiceBusConnection__fullyQualifiedNamespace");
  }
  if (!has('ServiceBusConnection') && !has('ServiceBusConnection__fullyQualifiedNamespace')) {
    issue('ServiceBusConnection__fullyQualifiedNamespace', 'missing: the Service Bus namespace host, e.g. stageline.servicebus.windows.net');
  }
  if (!has('AppConfigEndpoint') && !has('FEATURE_FLAGS_FILE')) {
    issue('AppConfigEndpoint', 'missing: the App Configuration endpoint, or FEATURE_FLAGS_FILE on the local host');
  }
  for (const [keysKey, idKey] of [['ENCRYPTION_KEYS', 'ENCRYPTION_KEY_ID'], ['TIMELINE_SIGNING_KEYS', 'TIMELINE_SIGNING_KEY_ID']] as const) {
    if (!has(keysKey) || !has(idKey)) continue;
    try {
      const keys = JSON.parse(raw[keysKey]!) as Record<string, unknown>;
      if (typeof keys === 'object' && keys !== null && !(raw[idKey]!.trim() in keys)) {
        issue(idKey, `one of the ids in ${keysKey} (${Object.keys(keys).join(', ')})`);
      }
    } catch {
      // The keys setting itself is reported by the schema.
    }
  }
  if (!has('AUTH_JWKS_URI') && !has('AUTH_JWKS_FILE')) {
    issue('AUTH_JWKS_URI', "missing: the issuer's JWKS URL, or AUTH_JWKS_FILE on the local host");
  }
  if (azure) {
    for (const key of ['CosmosConnection__caCertificatePath', 'ServiceBusConnection', 'FEATURE_FLAGS_FILE', 'AUTH_JWKS_FILE']) {
      if (has(key)) issue(key, "unset: allowed only with STAGELINE_ENVIRONMENT='local'");
    }
    for (const key of LOCAL_ONLY_SECRETS) {
      if (has(key)) issue(key, "unset: keys and connection strings are allowed only with STAGELINE_ENVIRONMENT='local'; in Azure the managed identity connects (<Connection>__credential, __clientId)");
    }
    identityIssues(raw, has, issue);
    if (raw.AUTH_ISSUER === DEV_ISSUER) issue('AUTH_ISSUER', 'a real issuer: the development issuer is allowed only locally');
    if (has('STAGELINE_PUBLIC_URL') && !/^https:\/\//i.test(raw.STAGELINE_PUBLIC_URL!.trim())) issue('STAGELINE_PUBLIC_URL', 'an https:// URL outside the local environment');
    // Google only talks to (and only pushes to) https; plain http is for the local fakes.
    for (const key of CALENDAR_URL_KEYS) {
      if (has(key) && raw[key]!.trim().startsWith('http://')) issue(key, "an https:// URL: http:// is allowed only with STAGELINE_ENVIRONMENT='local'");
    }
  }
  return issues;
}

/**
 * One user-assigned identity, used the same way by the trigger extensions and by the app's own
 * clients: every `<Connection>__clientId` comes with `<Connection>__credential=managedidentity`
 * (without it the Cosmos DB and Service Bus extensions ignore the client id), and `AZURE_CLIENT_ID`
 * names the same identity for the clients built in code (App Configuration among them).
 */
function identityIssues(raw: Settings, has: (key: string) => boolean, issue: (key: string, expected: string) => void): void {
  const clientIds = new Map<string, string>();
  for (const connection of IDENTITY_CONNECTIONS) {
    const clientIdKey = `${connection}__clientId`;
    if (!has(clientIdKey)) continue;
    clientIds.set(clientIdKey, raw[clientIdKey]!.trim());
    if (raw[`${connection}__credential`]?.trim() !== 'managedidentity') {
      issue(`${connection}__credential`, `'managedidentity': the trigger extensions use ${clientIdKey} only together with it`);
    }
  }
  if (clientIds.size === 0) return;
  if (!has('AZURE_CLIENT_ID')) {
    issue('AZURE_CLIENT_ID', `the user-assigned identity's client id (the one in ${[...clientIds.keys()].join(', ')}), for the clients the app builds itself (App Configuration)`);
    return;
  }
  const expected = raw.AZURE_CLIENT_ID!.trim();
  for (const [key, clientId] of clientIds) {
    if (clientId !== expected) issue(key, 'the client id in AZURE_CLIENT_ID: one user-assigned identity for the triggers and the app');
  }
}

/** Validates every setting at once; throws a ConfigError listing each bad key. */
export function loadConfig(settings: Settings): AppConfig {
  const parsed = settingsSchema.safeParse(settings);
  const byKey = new Map<string, string>();
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const key = String(issue.path[0] ?? '(settings)');
    if (!byKey.has(key)) byKey.set(key, settings[key] === undefined ? `missing: ${issue.message}` : issue.message);
  }
  for (const issue of crossKeyIssues(settings)) if (!byKey.has(issue.key)) byKey.set(issue.key, issue.expected);
  if (!parsed.success || byKey.size > 0) {
    throw new ConfigError([...byKey].map(([key, expected]) => ({ key, expected })));
  }
  const s = parsed.data;
  const refreshIntervalMs = s.FEATURE_FLAGS_REFRESH_SECONDS * 1000;
  return {
    environment: s.STAGELINE_ENVIRONMENT,
    identity: s.AZURE_CLIENT_ID ? { clientId: s.AZURE_CLIENT_ID } : {},
    cosmos: cosmosConfig(s),
    documents: s.DocumentsStorage
      ? { kind: 'connectionString', connectionString: s.DocumentsStorage }
      : {
          kind: 'identity',
          blobServiceUri: s.DocumentsStorage__blobServiceUri!,
          ...(s.DocumentsStorage__clientId ? { clientId: s.DocumentsStorage__clientId } : {}),
        },
    bus: s.ServiceBusConnection
      ? { kind: 'local' }
      : {
          kind: 'identity',
          fullyQualifiedNamespace: s.ServiceBusConnection__fullyQualifiedNamespace!,
          ...(s.ServiceBusConnection__clientId ? { clientId: s.ServiceBusConnection__clientId } : {}),
        },
    flags: s.FEATURE_FLAGS_FILE
      ? { kind: 'file', path: s.FEATURE_FLAGS_FILE, refreshIntervalMs }
      : { kind: 'appConfiguration', endpoint: s.AppConfigEndpoint!, refreshIntervalMs },
    calendar: {
      rootUrl: s.GOOGLE_CALENDAR_ROOT_URL.endsWith('/') ? s.GOOGLE_CALENDAR_ROOT_URL : `${s.GOOGLE_CALENDAR_ROOT_URL}/`,
      oauth: {
        clientId: s.GOOGLE_OAUTH_CLIENT_ID,
        clientSecret: s.GOOGLE_OAUTH_CLIENT_SECRET,
        authorizeUrl: s.GOOGLE_OAUTH_AUTHORIZE_URL,
        tokenUrl: s.GOOGLE_OAUTH_TOKEN_URL,
        revokeUrl: s.GOOGLE_OAUTH_REVOKE_URL,
        redirectUri: s.CALENDAR_OAUTH_REDIRECT_URI,
        appRedirectUrl: s.CALENDAR_CONNECTED_REDIRECT_URL,
        stateKey: s.CALENDAR_OAUTH_STATE_KEY,
      },
      pushAddress: s.CALENDAR_PUSH_ADDRESS,
      timeoutMs: s.GOOGLE_CALENDAR_TIMEOUT_MS,
      retryBudgetMs: s.CALENDAR_RETRY_BUDGET_MS,
      backoffBaseMs: s.CALENDAR_BACKOFF_BASE_MS,
      channelTtlSeconds: s.CALENDAR_CHANNEL_TTL_SECONDS,
    },
    auth: {
      issuer: s.AUTH_ISSUER,
      audience: s.AUTH_AUDIENCE,
      jwks: s.AUTH_JWKS_FILE ? { kind: 'file', path: s.AUTH_JWKS_FILE } : { kind: 'uri', uri: s.AUTH_JWKS_URI! },
    },
    uploads: { uploadUrlTtlMinutes: s.UPLOAD_URL_TTL_MINUTES, readUrlTtlMinutes: s.DOCUMENT_READ_URL_TTL_MINUTES },
    telemetry: s.APPLICATIONINSIGHTS_CONNECTION_STRING ? { appInsightsConnectionString: s.APPLICATIONINSIGHTS_CONNECTION_STRING } : {},
    encryption: { keys: s.ENCRYPTION_KEYS, currentKeyId: s.ENCRYPTION_KEY_ID },
    timelineSigning: { keys: s.TIMELINE_SIGNING_KEYS, currentKeyId: s.TIMELINE_SIGNING_KEY_ID },
    notifications: {
      retryScheduleMs: s.NOTIFICATIONS_RETRY_SCHEDULE,
      deliveryTimeoutMs: s.NOTIFICATIONS_DELIVERY_TIMEOUT_MS,
      retryAfterMaxMs: s.NOTIFICATIONS_RETRY_AFTER_MAX_SECONDS * 1000,
      chatMessagesPerMinute: s.NOTIFICATIONS_CHAT_MESSAGES_PER_MINUTE,
      webhookRoutesCacheMs: s.NOTIFICATIONS_WEBHOOK_ROUTES_CACHE_SECONDS * 1000,
      ...(s.STAGELINE_PUBLIC_URL ? { publicUrl: s.STAGELINE_PUBLIC_URL.replace(/\/+$/, '') } : {}),
    },
  };
}

/** What the key rotation command needs: the Cosmos DB account and the keys. */
export interface KeyRotationConfig {
  readonly environment: Environment;
  readonly cosmos: AppConfig['cosmos'];
  readonly encryption: AppConfig['encryption'];
}

const rotationKeys = [
  'STAGELINE_ENVIRONMENT', 'CosmosConnection__accountEndpoint', 'CosmosConnection__key', 'CosmosConnection__clientId', 'CosmosConnection__credential',
  'CosmosConnection__caCertificatePath', 'COSMOS_DATABASE_NAME', 'ENCRYPTION_KEYS', 'ENCRYPTION_KEY_ID',
] as const;

/**
 * The settings `npm run rotate-keys` reads (a subset of the app's, validated the same way), so it
 * runs from an operator's shell with only the Cosmos DB account and the keys in its environment.
 */
export function loadKeyRotationConfig(settings: Settings): KeyRotationConfig {
  const subset: Record<string, string | undefined> = {};
  for (const key of rotationKeys) subset[key] = settings[key];
  const parsed = settingsSchema.pick(Object.fromEntries(rotationKeys.map((key) => [key, true])) as { [K in (typeof rotationKeys)[number]]: true }).safeParse(subset);
  const issues: ConfigIssue[] = parsed.success ? [] : parsed.error.issues.map((issue) => ({ key: String(issue.path[0] ?? '(settings)'), expected: subset[String(issue.path[0])] === undefined ? `missing: ${issue.message}` : issue.message }));
  for (const issue of crossKeyIssues(subset)) {
    if ((rotationKeys as readonly string[]).includes(issue.key) && !issues.some((known) => known.key === issue.key)) issues.push(issue);
  }
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);
  const s = parsed.data;
  return {
    environment: s.STAGELINE_ENVIRONMENT,
    cosmos: cosmosConfig(s),
    encryption: { keys: s.ENCRYPTION_KEYS, currentKeyId: s.ENCRYPTION_KEY_ID },
  };
}

/** What the entry point needs before anything else loads: where telemetry goes and as whom. */
export interface TelemetryConfig {
  readonly appInsightsConnectionString?: string;
  /** The user-assigned identity that authenticates to Application Insights (Entra ID; local auth is off). */
  readonly clientId?: string;
}

/**
 * The settings telemetry reads (validated like the rest), so the entry point can start
 * OpenTelemetry first, before any module builds services or instruments. The full configuration
 * is validated right after, with every bad key listed.
 */
export function loadTelemetryConfig(settings: Settings): TelemetryConfig {
  const parsed = settingsSchema.pick({ APPLICATIONINSIGHTS_CONNECTION_STRING: true, AZURE_CLIENT_ID: true }).safeParse(settings);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({ key: String(issue.path[0] ?? '(settings)'), expected: issue.message })));
  }
  return {
    ...(parsed.data.APPLICATIONINSIGHTS_CONNECTION_STRING ? { appInsightsConnectionString: parsed.data.APPLICATIONINSIGHTS_CONNECTION_STRING } : {}),
    ...(parsed.data.AZURE_CLIENT_ID ? { clientId: parsed.data.AZURE_CLIENT_ID } : {}),
  };
}

/** The Cosmos DB connection from its settings (the app's and the key-rotation command's). */
function cosmosConfig(s: {
  readonly CosmosConnection__accountEndpoint: string;
  readonly COSMOS_DATABASE_NAME: string;
  readonly CosmosConnection__key?: string | undefined;
  readonly CosmosConnection__clientId?: string | undefined;
  readonly CosmosConnection__caCertificatePath?: string | undefined;
}): AppConfig['cosmos'] {
  return {
    endpoint: s.CosmosConnection__accountEndpoint,
    databaseName: s.COSMOS_DATABASE_NAME,
    auth: s.CosmosConnection__key
      ? { kind: 'key', key: s.CosmosConnection__key }
      : { kind: 'identity', ...(s.CosmosConnection__clientId ? { clientId: s.CosmosConnection__clientId } : {}) },
    ...(s.CosmosConnection__caCertificatePath ? { caCertificatePath: s.CosmosConnection__caCertificatePath } : {}),
  };
}
