import { app, type InvocationContext } from '@azure/functions';
import { QUARANTINE_CONTAINER } from '../shared/platform/blob-containers.ts';
import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { documentRoutes } from './http/routes/documents.routes.ts';

registerRoute(documentRoutes.createUploadIntent, async ({ access, body }) => {
  const intent = await services().documents.useCases.createUploadIntent(access, body);
  return { status: 201, body: intent, headers: { location: `/api/uploads/${encodeURIComponent(intent.uploadId)}` } };
});

registerRoute(documentRoutes.getUpload, async ({ access, params }) => ({
  status: 200,
  body: await services().documents.useCases.readUpload(access, params.uploadId),
}));

/**
 * The content gate: every blob written to the quarantine container. Event Grid in Azure (the
 * only blob trigger source on Flex Consumption); the local host polls Azurite instead. The
 * handler works from storage itself (properties, then exactly the version it judges), not from
 * the bytes the host hands over. A failure is retried by the host (5 tries, then the poison
 * queue); each retry resumes from the upload's recorded state.
 */
app.storageBlob('contentGate', {
  path: `${QUARANTINE_CONTAINER}/{name}`,
  connection: 'DocumentsStorage',
  source: 'EventGrid',
  handler: async (_blob: unknown, context: InvocationContext) => {
    const name = context.triggerMetadata?.['name'];
    if (typeof name !== 'string') throw new Error('The blob trigger gave no blob name.');
    const outcome = await services().documents.useCases.runContentGate(name);
    context.log(`content gate ${QUARANTINE_CONTAINER}/${name}: ${JSON.stringify(outcome)}`);
  },
});
