import type { SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { ApplicationQuery } from './application-repository.port.ts';
import type { LegacyShape, ReadModel } from './read-model.ts';
import { legacyShapesMatching } from './read-model.ts';

/**
 * The recruiter board as one Cosmos DB SQL query: one tenant, optional job / candidate filters,
 * and a stage filter evaluated against the stages the board shows in `model` (stored stages, or
 * the legacy transformation for applications read through it), newest first.
 */
export function boardQuerySpec(query: ApplicationQuery, model: ReadModel): SqlQuerySpec {
  const parameters: SqlParameter[] = [{ name: '@tenantId', value: query.tenantId }];
  const where = ['c.tenantId = @tenantId'];
  if (query.jobId !== undefined) {
    where.push('c.jobId = @jobId');
    parameters.push({ name: '@jobId', value: query.jobId });
  }
  if (query.candidateId !== undefined) {
    where.push('c.candidateId = @candidateId');
    parameters.push({ name: '@candidateId', value: query.candidateId });
  }
  if (query.stageType !== undefined || query.stageStatus !== undefined) {
    where.push(`(${stageCondition(query, model, parameters)})`);
  }
  return { query: `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.createdAt DESC`, parameters };
}

function stageCondition(query: ApplicationQuery, model: ReadModel, parameters: SqlParameter[]): string {
  const legacy = legacyCondition(legacyShapesMatching(query), parameters);
  if (model === 'legacy') return legacy;
  const stageWhere: string[] = [];
  if (query.stageType !== undefined) {
    stageWhere.push('s.type = @stageType');
    parameters.push({ name: '@stageType', value: query.stageType });
  }
  if (query.stageStatus !== undefined) {
    stageWhere.push('s.status = @stageStatus');
    parameters.push({ name: '@stageStatus', value: query.stageStatus });
  }
  const stored = `EXISTS(SELECT VALUE s FROM s IN c.stages WHERE ${stageWhere.join(' AND ')})`;
  // Imported applications without stored stages are read through the legacy transformation.
  return `${stored} OR (ARRAY_LENGTH(c.stages) = 0 AND IS_DEFINED(c.legacyStatus) AND (${legacy}))`;
}

function legacyCondition(shapes: readonly LegacyShape[], parameters: SqlParameter[]): string {
  if (shapes.length === 0) return 'false';
  const callsOf = new Map<string | undefined, Set<boolean>>();
  for (const shape of shapes) callsOf.set(shape.legacyStatus, (callsOf.get(shape.legacyStatus) ?? new Set()).add(shape.hasScheduledCall));
  // Group statuses by which call variants match: any, with a call only, without a call only.
  const groups: Record<'any' | 'call' | 'noCall', (string | undefined)[]> = { any: [], call: [], noCall: [] };
  for (const [status, calls] of callsOf) groups[calls.size === 2 ? 'any' : calls.has(true) ? 'call' : 'noCall'].push(status);
  const callTerm = { any: '', call: ' AND IS_DEFINED(c.legacyScheduledCallId)', noCall: ' AND NOT IS_DEFINED(c.legacyScheduledCallId)' };
  const terms: string[] = [];
  for (const group of ['any', 'call', 'noCall'] as const) {
    const statuses = groups[group];
    if (statuses.length === 0) continue;
    const named = statuses.filter((status): status is string => status !== undefined);
    const names = named.map((status) => {
      const name = `@legacyStatus${parameters.length}`;
      parameters.push({ name, value: status });
      return name;
    });
    const statusTerms = [
      ...(names.length > 0 ? [`c.legacyStatus IN (${names.join(', ')})`] : []),
      ...(named.length < statuses.length ? ['NOT IS_DEFINED(c.legacyStatus)'] : []),
    ];
    terms.push(`((${statusTerms.join(' OR ')})${callTerm[group]})`);
  }
  return terms.join(' OR ');
}
