import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough } from 'node:stream';
import { routeRequest, type AccountModel, type JsonObject, type LibraryRequest, type LibraryResponse } from './cosmos-library.ts';
import { headerIsTrue, isBatch, keepContentsOnReplace, rememberDocuments, settleBatch, withBatchPartitionKey } from './cosmos-azure-parity.ts';
import { partitionScopedAccount } from './cosmos-partition-scope.ts';

/** One request to the local Cosmos DB account, with its body already read. */
export interface CosmosRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface CosmosResponse {
  statusCode: number;
  readonly headers: Record<string, string>;
  body: unknown;
}

const QUERY_METRICS =
  'totalExecutionTimeInMs=0.00;queryCompileTimeInMs=0.00;queryLogicalPlanBuildTimeInMs=0.00;queryPhysicalPlanBuildTimeInMs=0.00;' +
  'queryOptimizationTimeInMs=0.00;VMExecutionTimeInMs=0.00;indexLookupTimeInMs=0.00;documentLoadTimeInMs=0.00;' +
  'systemFunctionExecuteTimeInMs=0.00;userFunctionExecuteTimeInMs=0.00;retrievedDocumentCount=0;retrievedDocumentSize=0;' +
  'outputDocumentCount=1;outputDocumentSize=0;writeOutputTimeInMs=0.00;indexUtilizationRatio=0.00';

/**
 * Runs one request against the account in process, as `@vercel/cosmosdb-server`'s own request
 * handler does (same router, handlers and response headers), with the corrections of
 * `cosmos-package-fixes.ts` (atomic batches, container replace) and partition-scoped reads.
 */
export async function dispatch(account: AccountModel, request: CosmosRequest): Promise<CosmosResponse> {
  if (headerIsTrue(request.headers, 'x-ms-cosmos-is-query-plan-request')) return queryPlan(request);
  const req = toLibraryRequest(isBatch(request) ? withBatchPartitionKey(request) : request);
  const res = new ResponseRecorder();
  const matched = routeRequest(req);
  let body: unknown;
  if (matched) {
    const undo = isBatch(request) ? rememberDocuments(account, matched.params) : undefined;
    const replacesContainer = request.method === 'PUT' && matched.params['collId'] !== undefined && matched.params['docId'] === undefined && matched.params['udfId'] === undefined;
    const keepContents = replacesContainer ? keepContentsOnReplace(account, matched.params) : undefined;
    try {
      const target = readsDocuments(request, matched.params) ? partitionScopedAccount(account, matched.params, request.headers) : account;
      body = await matched.handler(target, req, res, matched.params);
    } catch (err) {
      body = { message: (err as Error).message };
      res.statusCode = 500;
    }
    if (res.statusCode > 399 && isObject(body) && !body['message']) body['message'] = '';
    if (undo) body = settleBatch(request, res, body, undo);
    if (keepContents && res.statusCode >= 200 && res.statusCode <= 299) keepContents();
  } else {
    res.statusCode = 400;
    body = { message: 'no route' };
  }
  if (isObject(body) && typeof body['_etag'] === 'string') res.setHeader('etag', body['_etag']);
  return { statusCode: res.statusCode, headers: { ...res.headers, ...standardHeaders(request) }, body };
}

/** The headers the package adds to every response. */
export function standardHeaders(request: CosmosRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-location': `https://${request.headers.host ?? 'localhost'}${request.url}`,
    connection: 'keep-alive',
    'x-ms-activity-id': randomUUID(),
    'x-ms-request-charge': '1',
  };
  if (request.headers['x-ms-documentdb-populatequerymetrics']) headers['x-ms-documentdb-query-metrics'] = QUERY_METRICS;
  return headers;
}

/** A read of a container's documents (listing or query), which a partition key header narrows. */
function readsDocuments(request: CosmosRequest, params: Record<string, string>): boolean {
  const isQuery = request.method === 'POST' && (headerIsTrue(request.headers, 'x-ms-documentdb-isquery') || request.headers['content-type'] === 'application/query+json');
  return (request.method === 'GET' || isQuery) && params['docId'] === undefined && /\/docs\/?(\?|$)/.test(request.url);
}

function toLibraryRequest(request: CosmosRequest): LibraryRequest {
  const stream = new PassThrough();
  stream.end(request.body);
  return Object.assign(stream, { method: request.method, url: request.url, headers: request.headers });
}

class ResponseRecorder implements LibraryResponse {
  statusCode = 200;
  readonly headers: Record<string, string> = {};

  setHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = String(value);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The SDK asks for a query plan before every query it cannot send to one partition, and only
 * uses it when the plain query fails. The local account has one partition key range and runs
 * ORDER BY, aggregates, TOP and DISTINCT itself, so the plan is always the same: one range, no
 * client-side steps. Answered without running the query (the package would run it in full).
 */
function queryPlan(request: CosmosRequest): CosmosResponse {
  return {
    statusCode: 200,
    headers: standardHeaders(request),
    body: {
      partitionedQueryExecutionInfoVersion: 2,
      queryInfo: {
        distinctType: 'None',
        top: null,
        offset: null,
        limit: null,
        orderBy: [],
        orderByExpressions: [],
        groupByExpressions: [],
        groupByAliases: [],
        aggregates: [],
        groupByAliasToAggregateType: {},
        rewrittenQuery: '',
        hasSelectValue: false,
        dCountInfo: null,
        hasNonStreamingOrderBy: false,
      },
      queryRanges: [{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }],
    },
  };
}
