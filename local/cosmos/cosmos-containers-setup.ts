import { partitionKeyPaths, type ContainerDefinition } from '../../shared/platform/cosmos-containers.ts';
import type { AccountModel } from './cosmos-library.ts';
import type { CosmosPipeline } from './cosmos-request-pipeline.ts';

/**
 * Creates the database and every container of the definition that is missing, through the same
 * pipeline as client requests (so the creations are journalled). A container that exists with
 * another partition key cannot be fixed in place (nor in Azure): that is an error.
 */
export async function ensureContainers(
  pipeline: CosmosPipeline,
  account: AccountModel,
  databaseName: string,
  containers: readonly ContainerDefinition[],
): Promise<void> {
  if (!account.database(databaseName).read()) {
    await create(pipeline, '/dbs', { id: databaseName });
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
      continue;
    }
    await create(pipeline, `/dbs/${encodeURIComponent(databaseName)}/colls`, {
      id: container.id,
      partitionKey: { paths: [...wanted], kind: wanted.length > 1 ? 'MultiHash' : 'Hash', version: 2 },
      ...(container.defaultTtl === undefined ? {} : { defaultTtl: container.defaultTtl }),
    });
  }
}

async function create(pipeline: CosmosPipeline, url: string, body: object): Promise<void> {
  const response = await pipeline.handle({
    method: 'POST',
    url,
    headers: { host: 'localhost', 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body), 'utf8'),
  });
  if (response.statusCode !== 201) {
    throw new Error(`Cosmos DB server: creating ${url} ${JSON.stringify(body)} answered ${response.statusCode} ${JSON.stringify(response.body)}`);
  }
}
