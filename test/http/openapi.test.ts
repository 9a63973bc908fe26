import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorCodesOf } from '../../functions/http/route-definition.ts';
import { documentedRoutes } from '../../functions/http/openapi-document.ts';
import { statusOf } from '../../functions/http/problem.ts';
import { functionRegistry } from '../../local/host/function-registry.ts';
import { createStageRequestSchema } from '../../shared/stages/api/create-stage-request.schema.ts';
import { ownerOfAction } from '../../shared/stages/domain/stage-registry.ts';
import { stageActions } from '../../shared/stages/domain/stage-action.schema.ts';
import { startApiStack, type ApiStack } from '../support/stage-api.ts';

type Json = Record<string, any>;

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

describe('GET /openapi.json', () => {
  let api: ApiStack;
  let doc: Json;
  beforeAll(async () => {
    api = await startApiStack();
    const response = await api.call('/openapi.json');
    expect(response.status).toBe(200);
    doc = response.body;
  });
  afterAll(() => api.stop());

  it('is OpenAPI 3.1 and lists exactly the HTTP functions the host registered', () => {
    expect(doc.openapi).toBe('3.1.0');
    const registered = functionRegistry()
      .functions.filter((fn) => fn.trigger.type === 'httpTrigger')
      .flatMap((fn) => (fn.trigger['methods'] as string[]).map((method) => `${method.toLowerCase()} /api/${String(fn.trigger['route'])} ${fn.name}`))
      .sort();
    const documented = Object.entries(doc.paths as Json)
      .flatMap(([path, operations]) => Object.entries(operations as Json).map(([method, op]) => `${method} ${path} ${(op as Json).operationId}`))
      .sort();
    expect(documented).toEqual(registered);
    expect(registered.length).toBeGreaterThanOrEqual(10);
  });

  it('resolves every $ref to a component', () => {
    const refs = new Set(refsIn(doc));
    expect(refs.size).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(doc.components.schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
  });

  it('documents every route\'s error codes under their status, and bearer security except on public routes', () => {
    for (const definition of documentedRoutes()) {
      const op = doc.paths[`/api/${definition.route}`][definition.method.toLowerCase()] as Json;
      for (const code of errorCodesOf(definition)) {
        const response = op.responses[String(statusOf(code))];
        expect(response?.content['application/json'].schema.allOf[1].properties.code.enum, `${definition.name} ${code}`).toContain(code);
      }
      for (const success of definition.responses) expect(op.responses[String(success.status)]).toBeDefined();
      expect(op.security).toEqual(definition.access === 'public' ? [] : [{ bearer: [] }]);
    }
    const action = doc.paths['/api/applications/{applicationId}/stages/{stageId}/actions/{action}'].post;
    expect(action.parameters.find((p: Json) => p.name === 'action').schema.enum).toEqual([...stageActions]);
    expect(action.responses['409'].content['application/json'].schema.allOf[1].properties.code.enum).toEqual(
      expect.arrayContaining(['STAGE.TRANSITION_NOT_ALLOWED', 'STAGE.ACTION_NOT_DIRECT', 'APPLICATION.CONCURRENT_UPDATE', 'IDEMPOTENCY.IN_PROGRESS']),
    );
  });

  it('lists on the generic action route only the payloads of actions a client takes there', () => {
    const action = doc.paths['/api/applications/{applicationId}/stages/{stageId}/actions/{action}'].post;
    const listed = (action.requestBody.content['application/json'].schema.anyOf as Json[]).map((ref) => String(ref.$ref).split('ActionPayload.')[1]);
    const owned = ['schedule', 'approve_reschedule', 'move_call', 'submit', 'add_onboarding_document'];
    expect(listed.sort()).toEqual(stageActions.filter((name) => !owned.includes(name)).sort());
    expect(stageActions.filter((name) => ownerOfAction(name) !== undefined).sort()).toEqual([...owned].sort());
    for (const name of owned) expect(doc.components.schemas[`ActionPayload.${name}`]).toBeUndefined();
    expect(doc.components.schemas['CreateStageBody'].oneOf.find((s: Json) => s.properties.type.const === 'offer').properties.data.properties.offerLetter)
      .toMatchObject({ type: 'object', required: ['documentId'], additionalProperties: false });
  });

  it('generates bodies from the schemas the handlers validate with', () => {
    const { $schema: _s, ...expected } = z.toJSONSchema(createStageRequestSchema, { target: 'draft-2020-12', io: 'input' }) as Json;
    expect(doc.components.schemas.CreateStageBody).toEqual(expected);
    expect(doc.paths['/api/applications/{applicationId}/stages'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateStageBody' });
    const query = doc.paths['/api/applications'].get.parameters.map((p: Json) => [p.name, p.in]);
    expect(query).toEqual([['jobId', 'query'], ['stageType', 'query'], ['stageStatus', 'query'], ['limit', 'query'], ['continuationToken', 'query']]);
  });
});
