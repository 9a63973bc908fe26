import type { Access } from '../../auth/domain/permissions.ts';
import { DYNAMIC_STAGES_FLAG } from '../../flags/ports/feature-gate.port.ts';
import type { ListApplicationsQuery } from '../api/application-requests.schema.ts';
import { staffApplicationView } from '../api/application-views.ts';
import type { ApplicationPageView } from '../api/application-views.schema.ts';
import { readModelOf } from '../domain/read-model.ts';
import type { StageDeps } from './stage-deps.ts';
import { withDocumentUrls } from './read-urls.ts';

/**
 * The board: the tenant's applications, newest first, filtered and paginated. The stage filter
 * applies to the stages each application shows: stored ones, or the legacy transformation's
 * while the flag is off (and for imported applications without stored stages).
 */
export async function listApplications(deps: StageDeps, access: Access, query: ListApplicationsQuery): Promise<ApplicationPageView> {
  const flag = await deps.flags.state(DYNAMIC_STAGES_FLAG);
  const filtered = query.stageType !== undefined || query.stageStatus !== undefined;
  const page = await deps.applications.board(
    {
      tenantId: access.tenantId,
      limit: query.limit,
      ...(query.jobId === undefined ? {} : { jobId: query.jobId }),
      ...(query.stageType === undefined ? {} : { stageType: query.stageType }),
      ...(query.stageStatus === undefined ? {} : { stageStatus: query.stageStatus }),
      ...(query.continuationToken === undefined ? {} : { continuationToken: query.continuationToken }),
      ...(filtered ? { legacyShapes: deps.legacy.shapesMatching(query) } : {}),
    },
    flag.status === 'on' ? 'stages' : 'legacy',
  );
  const now = deps.clock.now();
  const items = await Promise.all(
    page.items.map(async ({ document }) => {
      const view = staffApplicationView(document, readModelOf(document, flag), access.actor, now, deps.legacy.stagesOf);
      return { ...view, stages: await withDocumentUrls(deps, access.tenantId, view.id, view.stages) };
    }),
  );
  return {
    items,
    ...(page.continuationToken === undefined ? {} : { continuationToken: page.continuationToken }),
  };
}
