import type { SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { ApplicationQuery } from '../ports/application-repository.port.ts';
import type { LegacyShape, ReadModel } from '../domain/read-model.ts';

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

/*
 * The stage condition is kept flat, one OR of ANDs inside a single pair of parentheses: the
 * local server's SQL parser takes exponential time in the nesting depth of parentheses.
 */
function stageCondition(query: ApplicationQuery, model: ReadModel, parameters: SqlParameter[]): string {
  const shapes = query.legacyShapes ?? [];
  if (model === 'legacy') return legacyDisjuncts(shapes, parameters, true).join(' OR ') || 'false';
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
  // Imported applications (a legacy status, no stored stages) are read through the legacy transformation.
  const imported = legacyDisjuncts(shapes, parameters, false).map((term) => `ARRAY_LENGTH(c.stages) = 0 AND ${term}`);
  return [stored, ...imported].join(' OR ');
}

/**
 * One conjunction per group of legacy shapes: statuses whose transformation matches with or
 * without a scheduled call, with one only, without one only. `withAbsent` includes applications
 * that have no legacy status (read as `applied`).
 */
function legacyDisjuncts(shapes: readonly LegacyShape[], parameters: SqlParameter[], withAbsent: boolean): string[] {
  const callsOf = new Map<string | undefined, Set<boolean>>();
  for (const shape of shapes) callsOf.set(shape.legacyStatus, (callsOf.get(shape.legacyStatus) ?? new Set()).add(shape.hasScheduledCall));
  const groups: Record<'any' | 'call' | 'noCall', (string | undefined)[]> = { any: [], call: [], noCall: [] };
  for (const [status, calls] of callsOf) groups[calls.size === 2 ? 'any' : calls.has(true) ? 'call' : 'noCall'].push(status);
  const callTerm = { any: '', call: ' AND IS_DEFINED(c.legacyScheduledCallId)', noCall: ' AND NOT IS_DEFINED(c.legacyScheduledCallId)' };
  const terms: string[] = [];
  for (const group of ['any', 'call', 'noCall'] as const) {
    const named = groups[group].filter((status): status is string => status !== undefined);
    if (named.length > 0) {
      const names = named.map((status) => {
        const name = `@legacyStatus${parameters.length}`;
        parameters.push({ name, value: status });
        return name;
      });
      terms.push(`c.legacyStatus IN (${names.join(', ')})${callTerm[group]}`);
    }
    if (withAbsent && groups[group].includes(undefined)) terms.push(`NOT IS_DEFINED(c.legacyStatus)${callTerm[group]}`);
  }
  return terms;
}
