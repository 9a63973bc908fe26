import { isStale, reseal } from '../../../platform/crypto/envelope.ts';
import type { Keyring } from '../../../platform/crypto/keyring.ts';
import type { ReencryptionReport, Reencryptor } from '../../../platform/crypto/reencryption.ts';
import { channelTokenAad, connectionAad, type CalendarChannel, type CalendarConnection } from '../../domain/calendar-connection.ts';
import type { ChannelStore, ConnectionStore } from '../../ports/scheduling-stores.port.ts';

/**
 * Re-seals the calendar's secrets with the keyring's current key: each connection's tokens and
 * pending PKCE verifier, and each push channel's token. A record that changed meanwhile is read
 * again; one that does not open (a key no longer configured) is reported, not touched.
 */
export function calendarReencryptor(stores: { readonly connections: ConnectionStore; readonly channels: ChannelStore }): Reencryptor {
  return {
    name: 'calendar',
    async reencrypt(keyring: Keyring, progress?: (scanned: number) => void): Promise<ReencryptionReport> {
      let scanned = 0;
      let resealed = 0;
      const failed: Array<{ id: string; reason: string }> = [];
      const step = async (id: string, work: () => Promise<boolean>) => {
        scanned += 1;
        try {
          if (await work()) resealed += 1;
        } catch (error) {
          failed.push({ id, reason: error instanceof Error ? error.message : String(error) });
        }
        progress?.(scanned);
      };
      for await (const stored of stores.connections.each()) {
        await step(`calendarConnections/${stored.document.id}`, () => resealConnection(stores.connections, keyring, stored.document));
      }
      for await (const stored of stores.channels.each()) {
        await step(`calendarChannels/${stored.document.id}`, () => resealChannel(stores.channels, keyring, stored.document));
      }
      return { name: 'calendar', scanned, resealed, failed };
    },
  };
}

function resealedConnection(keyring: Keyring, connection: CalendarConnection): CalendarConnection | undefined {
  const tokens = connection.tokens !== undefined && isStale(keyring, connection.tokens);
  const verifier = connection.authorization !== undefined && isStale(keyring, connection.authorization.verifier);
  if (!tokens && !verifier) return undefined;
  return {
    ...connection,
    ...(tokens ? { tokens: reseal(keyring, connection.tokens!, connectionAad(connection.tenantId, connection.recruiterId, 'tokens')) } : {}),
    ...(verifier
      ? { authorization: { ...connection.authorization!, verifier: reseal(keyring, connection.authorization!.verifier, connectionAad(connection.tenantId, connection.recruiterId, 'verifier')) } }
      : {}),
  };
}

async function resealConnection(store: ConnectionStore, keyring: Keyring, connection: CalendarConnection): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const stored = await store.get(connection.tenantId, connection.recruiterId);
    if (stored === undefined) return false;
    const next = resealedConnection(keyring, stored.document);
    if (next === undefined) return false;
    const written = await store.replace(next, stored.etag);
    if (written !== 'conflict' && written !== undefined) return true;
  }
  throw new Error('kept changing while being re-encrypted');
}

async function resealChannel(store: ChannelStore, keyring: Keyring, first: CalendarChannel): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const stored = await store.get(first.id);
    if (stored === undefined || !isStale(keyring, stored.document.token)) return false;
    const outcome = await store.replace({ ...stored.document, token: reseal(keyring, stored.document.token, channelTokenAad(first.id)) }, stored.etag);
    if (outcome === 'replaced') return true;
    if (outcome === 'gone') return false;
  }
  throw new Error('kept changing while being re-encrypted');
}
