import type { Access } from '../../auth/domain/permissions.ts';
import { applicationViewFor } from '../api/application-views.ts';
import type { ApplicationView } from '../api/application-views.schema.ts';
import { readModelOf } from '../domain/read-model.ts';
import type { StageDeps } from './stage-deps.ts';
import { readVisibleApplication } from './read-visible-application.ts';
import { withDocumentUrls } from './read-urls.ts';

/**
 * One application in the caller's view: staff see everything, a candidate only what is theirs to
 * see; the documents on the stages in that view carry read URLs.
 */
export async function getApplication(deps: StageDeps, access: Access, applicationId: string): Promise<ApplicationView> {
  const { document, flag } = await readVisibleApplication(deps, access, applicationId);
  const view = applicationViewFor(document, readModelOf(document, flag), access.actor, deps.clock.now(), deps.legacy.stagesOf);
  const stages = await withDocumentUrls(deps, access.tenantId, applicationId, view.stages as readonly (typeof view.stages)[number][]);
  return { ...view, stages } as ApplicationView;
}
