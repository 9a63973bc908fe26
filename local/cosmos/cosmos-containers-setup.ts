import { partitionKeyPaths, type ContainerDefinition } from '../../shared/platform/cosmos-containers.ts';
import { indexingPolicyOf, type IndexingPolicy } from '../../shared/platform/cosmos-indexing.ts';
import type { AccountModel } from './cosmos-library.ts';
import type { CosmosPipeline } from './cosmos-request-pipeline.ts';

/**
 * Creates the database and every container of the definition that is missing, through the same
 * pipeline as client requests (so the creations are journalled), with the indexing policy the
 * Bicep gives it (`indexingPolicyOf`). A container that exists with another indexing policy
 * (a data folder of an older version) gets the definition's, its documents kept, as a
 * deployment updates it in Azure. A container that exists with another partition key cannot be
 * fixed in place (nor in Azure): that is an error.
 */
export async function ensureContainers(
  pipeline: CosmosPipeline,
  account: AccountModel,
  databaseName: string,
  containers: readonly ContainerDefinition[],
): Promise<void> {
  if (!account.database(databaseName).read()) {
    await send(pipeline, 'POST', '/dbs', { id: databaseName }, 201);
  }
  for (const container of containers) {
    const existing = account.database(databaseName).collection(container.id).read();
    const wanted = partitionKeyPaths(container);
    if (existing) {
      const paths = (existing['partitionKey'] as { paths?: string[] } | undefined)?.paths ?? [];
      if (paths.join(',') !== wanted.join(',')) {
        throw new Error(
          `Cosmos DB container ${databaseName}/${container.id} has partition key [${paths.join(', ') || 'none'}] in the data folder, ` +
            `but the definition says [${wanted.join(', ')}] (data from an older version of Stageline): start with --reset to recreate it.`,
        );
      }
      if (!samePaths(existing['indexingPolicy'] as Partial<IndexingPolicy> | undefined, indexingPolicyOf(container))) {
        await send(pipeline, 'PUT', `/dbs/${encodeURIComponent(databaseName)}/colls/${encodeURIComponent(container.id)}`, definitionOf(container), 200);
      }
      continue;
    }
    await send(pipeline, 'POST', `/dbs/${encodeURIComponent(databaseName)}/colls`, definitionOf(container), 201);
  }
}

function definitionOf(container: ContainerDefinition): object {
  const paths = partitionKeyPaths(container);
  return {
    id: container.id,
    partitionKey: { paths: [...paths], kind: paths.length > 1 ? 'MultiHash' : 'Hash', version: 2 },
    ...(container.defaultTtl === undefined ? {} : { defaultTtl: container.defaultTtl }),
    indexingPolicy: indexingPolicyOf(container),
  };
}

function samePaths(stored: Partial<IndexingPolicy> | undefined, wanted: IndexingPolicy): boolean {
  const paths = (policy: Partial<IndexingPolicy> | undefined) => JSON.stringify([policy?.includedPaths ?? [], policy?.excludedPaths ?? []]);
  return paths(stored) === paths(wanted);
}

async function send(pipeline: CosmosPipeline, method: 'POST' | 'PUT', url: string, body: object, expected: number): Promise<void> {
  const response = await pipeline.handle({
    method,
    url,
    headers: { host: 'localhost', 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body), 'utf8'),
  });
  if (response.statusCode !== expected) {
    throw new Error(`Cosmos DB server: ${method === 'POST' ? 'creating' : 'replacing'} ${url} ${JSON.stringify(body)} answered ${response.statusCode} ${JSON.stringify(response.body)}`);
  }
}
