/**
 * What the blob trigger needs from a storage connection string: the account's key and its blob
 * and queue endpoints (receipts live in blob storage, poison messages in queue storage).
 */
export interface StorageAccountConnection {
  readonly accountName: string;
  readonly accountKey: string;
  readonly blobEndpoint: string;
  readonly queueEndpoint: string;
}

const DEV_ACCOUNT = {
  accountName: 'devstoreaccount1',
  accountKey: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1',
  queueEndpoint: 'http://127.0.0.1:10001/devstoreaccount1',
} as const;

export function parseStorageConnectionString(connectionString: string): StorageAccountConnection {
  const parts = new Map<string, string>();
  for (const segment of connectionString.split(';')) {
    const at = segment.indexOf('=');
    if (at > 0) parts.set(segment.slice(0, at).trim().toLowerCase(), segment.slice(at + 1).trim());
  }
  if (parts.get('usedevelopmentstorage')?.toLowerCase() === 'true') return DEV_ACCOUNT;

  const accountName = parts.get('accountname');
  const accountKey = parts.get('accountkey');
  if (!accountName || !accountKey) {
    throw new Error('The storage connection string needs AccountName and AccountKey (shared key) for the local blob trigger.');
  }
  const protocol = parts.get('defaultendpointsprotocol') ?? 'https';
  const suffix = parts.get('endpointsuffix') ?? 'core.windows.net';
  const endpoint = (service: string): string =>
    (parts.get(`${service}endpoint`) ?? `${protocol}://${accountName}.${service}.${suffix}`).replace(/\/+$/, '');
  return { accountName, accountKey, blobEndpoint: endpoint('blob'), queueEndpoint: endpoint('queue') };
}
