import { app, type HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { DomainError } from '../shared/platform/errors.ts';
import { readTimeline, TIMELINE_PAGE_DEFAULT, TIMELINE_PAGE_MAX } from '../shared/timeline/read-timeline.ts';
import { verifyTimeline } from '../shared/timeline/verify-timeline.ts';
import { services } from './app-services.ts';
import { endpoint } from './http/endpoint.ts';

const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(TIMELINE_PAGE_MAX).default(TIMELINE_PAGE_DEFAULT),
  continuationToken: z.string().min(1).max(512).optional(),
});

function pageQuery(request: HttpRequest): z.infer<typeof pageQuerySchema> {
  const parsed = pageQuerySchema.safeParse(Object.fromEntries(request.query.entries()));
  if (!parsed.success) {
    throw new DomainError('REQUEST.INVALID', {
      details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message, code: issue.code })) },
    });
  }
  return parsed.data;
}

function readDeps() {
  const { events } = services();
  return { applications: events.applications, timeline: events.timeline };
}

app.http('timeline', {
  route: 'applications/{applicationId}/timeline',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: endpoint(async (request) => {
    const principal = await services().auth.verify(request.headers.get('authorization'));
    const page = await readTimeline(readDeps(), principal, request.params.applicationId!, pageQuery(request));
    return { status: 200, jsonBody: page, headers: { 'cache-control': 'no-store' } };
  }),
});

app.http('timelineVerify', {
  route: 'applications/{applicationId}/timeline/verify',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: endpoint(async (request) => {
    const principal = await services().auth.verify(request.headers.get('authorization'));
    const result = await verifyTimeline(readDeps(), principal, request.params.applicationId!);
    return { status: 200, jsonBody: result, headers: { 'cache-control': 'no-store' } };
  }),
});
