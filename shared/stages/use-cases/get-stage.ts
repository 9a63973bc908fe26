import type { Access } from '../../auth/domain/permissions.ts';
import { stageViewFor } from '../api/application-views.ts';
import type { StageResponse } from '../api/application-views.schema.ts';
import { findStage } from '../domain/application.ts';
import { applicationIn, readModelOf } from '../domain/read-model.ts';
import type { StageDeps } from './stage-deps.ts';
import { readVisibleApplication } from './read-visible-application.ts';
import { withDocumentUrls } from './read-urls.ts';

/** One stage in the caller's view, with read URLs on its documents; a stage hidden from a candidate does not exist for them. */
export async function getStage(deps: StageDeps, access: Access, applicationId: string, stageId: string): Promise<StageResponse> {
  const { document, flag } = await readVisibleApplication(deps, access, applicationId);
  const model = readModelOf(document, flag);
  const application = applicationIn(document, model, deps.legacy.stagesOf);
  const stage = findStage(application, stageId, access.actor);
  const [view] = await withDocumentUrls(deps, access.tenantId, applicationId, [stageViewFor(application, stage, access.actor, deps.clock.now())]);
  return { applicationId, model, stage: view! };
}
