import { describe, expect, it } from 'vitest';
import { createCosmosClient } from '../../shared/platform/cosmos/cosmos-client.ts';
import { DATABASE, localCosmosForEachTest } from './cosmos-support/cosmos-fixtures.ts';

describe('createCosmosClient', () => {
  const cosmos = localCosmosForEachTest();

  it('trusts the given CA certificate for that client only; TLS verification stays on for the others', async () => {
    const trusting = createCosmosClient({ endpoint: cosmos.server.endpoint, auth: { kind: 'key', key: cosmos.server.key }, caCertificatePath: cosmos.server.caCertificatePath });
    const plain = createCosmosClient({ endpoint: cosmos.server.endpoint, auth: { kind: 'key', key: cosmos.server.key } });
    try {
      await trusting.database(DATABASE).container('webhooks').items.create({ id: 'w1', tenantId: 't1' });
      expect((await cosmos.container('webhooks').item('w1', 't1').read()).resource).toMatchObject({ id: 'w1', tenantId: 't1' });

      const refused = await plain
        .database(DATABASE)
        .read()
        .then(
          () => 'connected',
          (err: { code?: unknown; message?: string; cause?: { code?: unknown } }) => String(err.code ?? err.cause?.code ?? err.message),
        );
      expect(refused).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
      expect(process.env['NODE_TLS_REJECT_UNAUTHORIZED']).toBeUndefined();
    } finally {
      trusting.dispose();
      plain.dispose();
    }
  });
});
