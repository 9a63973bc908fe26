/**
 * Child process for the kill -9 test: starts the local Cosmos DB server on the data folder given
 * as argument, then performs the writer operations from the given index on, one after the other
 * through the real client, printing `ack <index>` after each acknowledged write, until it is killed.
 */
import { startCosmosServer } from '../../../local/cosmos/cosmos-server.ts';
import { createCosmosClient } from '../../../shared/platform/cosmos/cosmos-client.ts';
import { containers } from '../../../shared/platform/cosmos-containers.ts';
import { writerOperation } from './writer-operations.ts';

const dataDir = process.argv[2];
const startIndex = Number(process.argv[3] ?? '0');
if (!dataDir) throw new Error('usage: cosmos-kill-writer.ts <dataDir> [startIndex]');
const server = await startCosmosServer({ dataDir, containers, databaseName: 'stageline', log: () => undefined });
const client = createCosmosClient({ endpoint: server.endpoint, auth: { kind: 'key', key: server.key }, caCertificatePath: server.caCertificatePath });
const container = client.database('stageline').container('applications');
process.stdout.write('ready\n');
for (let index = startIndex; index < startIndex + 100_000; index += 1) {
  const operation = writerOperation(index);
  if (operation.kind === 'delete') {
    await container.item(operation.id, ['t1', 'app-kill']).delete();
  } else {
    const body = { id: operation.id, tenantId: 't1', applicationId: 'app-kill', version: operation.version, padding: 'x'.repeat(500) };
    if (operation.kind === 'create') await container.items.create(body);
    else await container.item(operation.id, ['t1', 'app-kill']).replace(body);
  }
  process.stdout.write(`ack ${index}\n`);
}
