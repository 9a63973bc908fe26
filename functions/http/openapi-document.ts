import { z } from 'zod';
import { errorCatalogue, type ErrorCode } from '../../shared/platform/errors.ts';
import { batchBodySchema, createApplicationBodySchema } from '../../shared/stages/api/application-requests.schema.ts';
import {
  applicationPageSchema, applicationViewSchema, batchResultSchema, candidateApplicationViewSchema, candidateStageViewSchema,
  feedbackResponseSchema, staffApplicationViewSchema, staffStageViewSchema, stageResponseSchema,
} from '../../shared/stages/api/application-views.schema.ts';
import { createStageRequestSchema } from '../../shared/stages/api/create-stage-request.schema.ts';
import { ownerOfAction } from '../../shared/stages/domain/stage-registry.ts';
import { feedbackInputSchema } from '../../shared/stages/domain/feedback.schema.ts';
import { actionPayloadSchemas, stageActions } from '../../shared/stages/domain/stage-action.schema.ts';
import { statusOf } from './problem.ts';
import { errorCodesOf, type RouteDefinition } from './route-definition.ts';
import { routeTable } from './routes/route-table.ts';

type JsonSchema = Record<string, unknown>;

const problemSchema = z.object({
  code: z.enum(Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  details: z.unknown().optional().describe('Code-specific: `issues[{ path, message, code }]` for REQUEST.INVALID, `allowedActions` for STAGE.TRANSITION_NOT_ALLOWED, …'),
  retry: z
    .object({
      after: z.number().optional().describe('Seconds to wait.'),
      action: z
        .union([
          z.object({
            method: z.enum(['GET', 'POST', 'DELETE']),
            href: z.string().describe('Path of the request to send again, e.g. `/api/applications/a-1/stages/s-1/schedule`.'),
            body: z.unknown().optional().describe('The JSON body to send (the original request\'s); send the same `Idempotency-Key`.'),
          }),
          z.string().describe('The name of an action the client knows, e.g. `retry-upload`.'),
        ])
        .optional()
        .describe('A request that retries the failed one (CALENDAR.UNAVAILABLE: following it is safe), or a named action.'),
    })
    .optional(),
  correlationId: z.string().optional().describe('On 500 only: the invocation id to quote.'),
});

/** Actions a client takes on the generic action route (owned ones have their capability's route). */
const directActions = stageActions.filter((action) => ownerOfAction(action) === undefined);

/** Request-side components (validated as clients send them: defaults optional). */
const inputComponents: Record<string, z.ZodType> = {
  CreateApplicationBody: createApplicationBodySchema,
  CreateStageBody: createStageRequestSchema,
  FeedbackInput: feedbackInputSchema,
  BatchBody: batchBodySchema,
  ...Object.fromEntries(directActions.map((action) => [`ActionPayload.${action}`, actionPayloadSchemas[action]])),
};

/** Response-side components (as the API answers: defaults applied). */
const outputComponents: Record<string, z.ZodType> = {
  StaffStageView: staffStageViewSchema,
  CandidateStageView: candidateStageViewSchema,
  StaffApplicationView: staffApplicationViewSchema,
  CandidateApplicationView: candidateApplicationViewSchema,
  ApplicationView: applicationViewSchema,
  ApplicationPage: applicationPageSchema,
  StageResponse: stageResponseSchema,
  FeedbackResponse: feedbackResponseSchema,
  BatchResult: batchResultSchema,
  Problem: problemSchema,
};

const ref = (id: string): JsonSchema => ({ $ref: `#/components/schemas/${id}` });

function components(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): { byName: Record<string, JsonSchema>; idOf: Map<z.ZodType, string> } {
  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(schemas)) {
    registry.add(schema, { id });
    idOf.set(schema, id);
  }
  const { schemas: generated } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  const byName: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(generated)) {
    const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
    byName[id] = rest;
  }
  return { byName, idOf };
}

function inlineSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(definition: RouteDefinition): JsonSchema[] {
  const result: JsonSchema[] = [];
  for (const [where, schema] of [['path', definition.params], ['query', definition.query]] as const) {
    if (schema === undefined) continue;
    const json = inlineSchema(schema, 'input');
    const required = new Set((json['required'] as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((json['properties'] as Record<string, JsonSchema> | undefined) ?? {})) {
      const { description, ...propertySchema } = property;
      result.push({ name, in: where, required: where === 'path' || required.has(name), schema: propertySchema, ...(description === undefined ? {} : { description }) });
    }
  }
  return result;
}

function operation(definition: RouteDefinition, inputs: Map<z.ZodType, string>, outputs: Map<z.ZodType, string>): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const response of definition.responses) {
    const id = response.schema === undefined ? undefined : outputs.get(response.schema);
    responses[String(response.status)] = {
      description: response.description,
      ...(response.headers === undefined ? {} : { headers: Object.fromEntries(Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }),
      ...(response.schema === undefined ? {} : { content: { 'application/json': { schema: id === undefined ? inlineSchema(response.schema, 'output') : ref(id) } } }),
    };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(definition)) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${errorCatalogue[code].message}`).join(' · '),
      ...(status === 503 || status === 502 || status === 409 ? { headers: { 'retry-after': { description: 'Seconds, when a retry may help.', schema: { type: 'string' } } } } : {}),
      content: { 'application/json': { schema: { allOf: [ref('Problem'), { type: 'object', properties: { code: { enum: codes } } }] } } },
    };
  }
  const bodyId = definition.body === undefined ? undefined : inputs.get(definition.body);
  const bodySchema =
    definition.body === undefined
      ? undefined
      : definition.name === 'applyStageAction'
        ? { description: definition.body.description, anyOf: directActions.map((action) => ref(`ActionPayload.${action}`)) }
        : bodyId === undefined ? inlineSchema(definition.body, 'input') : ref(bodyId);
  return {
    operationId: definition.name,
    summary: definition.summary,
    ...(definition.description === undefined ? {} : { description: definition.description }),
    tags: definition.tags,
    security: definition.access === 'public' ? [] : [{ bearer: [] }],
    ...(definition.params || definition.query ? { parameters: parameters(definition) } : {}),
    ...(definition.method === 'POST' && definition.access !== 'public'
      ? { 'x-idempotency': 'Send `Idempotency-Key` (1–255 visible ASCII characters) to make a retry safe: a replay answers the first success with `idempotent-replayed: true`.' }
      : {}),
    ...(bodySchema === undefined ? {} : { requestBody: { required: definition.emptyBody === undefined, content: { 'application/json': { schema: bodySchema } } } }),
    responses,
  };
}

/** Every route of the route table, in its order. */
export function documentedRoutes(): readonly RouteDefinition[] {
  return routeTable;
}

/** OpenAPI 3.1 for every route, generated from the schemas the handlers validate with. */
export function buildOpenApiDocument(): JsonSchema {
  const input = components(inputComponents, 'input');
  const output = components(outputComponents, 'output');
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const definition of documentedRoutes()) {
    const path = `/api/${definition.route}`;
    const op = operation(definition, input.idOf, output.idOf);
    if (definition.method === 'POST' && definition.access !== 'public') {
      (op['parameters'] as JsonSchema[] | undefined) ?? (op['parameters'] = []);
      (op['parameters'] as JsonSchema[]).push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' } });
    }
    paths[path] = { ...paths[path], [definition.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Stageline API',
      version: '1.0.0',
      description: 'Dynamic hiring stages. Every error is `{ code, message, details?, retry? }`; an unknown route is an empty 404. Another tenant\'s application is 404, never 403.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Microsoft Entra ID access token (claims `sub`, `tid`, `roles`); locally `npm run token`.' } },
      schemas: { ...input.byName, ...output.byName },
    },
  };
}
