import type { Access } from '../../auth/domain/permissions.ts';
import type { FeedbackResponse } from '../api/application-views.schema.ts';
import { assertApplicationIdShape } from '../domain/application-access.ts';
import { addStageFeedback } from '../domain/application.ts';
import type { FeedbackInput } from '../domain/feedback.schema.ts';
import { onStoredStages } from '../domain/read-model.ts';
import type { StageDeps } from './stage-deps.ts';

/** A scorecard on a stage (never shown to candidates), through the one mutation path. */
export async function submitFeedback(deps: StageDeps, access: Access, applicationId: string, stageId: string, body: FeedbackInput): Promise<FeedbackResponse> {
  assertApplicationIdShape(applicationId);
  const feedbackId = deps.newId();
  const result = await deps.mutator.mutate(access, applicationId, (application, now) =>
    onStoredStages(application, deps.legacy.stagesOf, (target) => addStageFeedback(target, stageId, body, access.actor, now, feedbackId)),
  );
  return { applicationId, stageId, feedback: result.feedback };
}
