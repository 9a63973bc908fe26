import { z } from 'zod';
import {
  actionPathSchema, applicationPathSchema, batchBodySchema, createApplicationBodySchema, listApplicationsQuerySchema, stagePathSchema,
} from '../../../shared/stages/api/application-requests.schema.ts';
import {
  applicationPageSchema, applicationViewSchema, batchResultSchema, feedbackResponseSchema, stageResponseSchema,
} from '../../../shared/stages/api/application-views.schema.ts';
import { createStageRequestSchema } from '../../../shared/stages/api/create-stage-request.schema.ts';
import { feedbackInputSchema } from '../../../shared/stages/domain/feedback.schema.ts';
import { defineApplicationRead, defineRoute, type RouteDefinition } from '../route-definition.ts';

/** Any action payload: its shape depends on the action (see the `ActionPayload*` schemas). */
export const actionPayloadBodySchema = z.record(z.string(), z.unknown()).describe('The action\'s payload; its shape depends on the action (see the ActionPayload schemas). Empty body = `{}`.');

const location = { location: 'URL of the created resource' };

export const stageRoutes = {
  createApplication: defineRoute({
    name: 'createApplication',
    method: 'POST',
    route: 'applications',
    summary: 'Create an application (or import one from the legacy pipeline)',
    description: 'Recruiter/admin. With `legacyStatus` this is an import and works while dynamic stages are disabled; without it the feature gate applies.',
    tags: ['applications'],
    access: { operation: 'stages.createApplication' },
    body: createApplicationBodySchema,
    gated: true,
    responses: [{ status: 201, description: 'Created.', schema: applicationViewSchema, headers: location }],
    errors: ['APPLICATION.ALREADY_EXISTS'],
  }),
  listApplications: defineRoute({
    name: 'listApplications',
    method: 'GET',
    route: 'applications',
    summary: 'The board: applications of the caller\'s tenant, newest first',
    description: 'Recruiter/interviewer/admin. `stageType`/`stageStatus` filter on the stages shown (stored stages, or the legacy transformation).',
    tags: ['applications'],
    access: { operation: 'stages.listApplications' },
    query: listApplicationsQuerySchema,
    responses: [{ status: 200, description: 'One page.', schema: applicationPageSchema }],
    errors: [],
  }),
  batch: defineRoute({
    name: 'applicationsBatch',
    method: 'POST',
    route: 'applications/batch',
    summary: 'One operation over up to 500 applications',
    description: 'Recruiter/admin. `disqualify` adds a disqualified stage; `create_stage` adds the same stage to each. Each item is its own conditional write; the answer lists every outcome (200 even when items failed).',
    tags: ['applications'],
    access: { operation: 'stages.batch' },
    body: batchBodySchema,
    gated: true,
    responses: [{ status: 200, description: 'Each item\'s outcome.', schema: batchResultSchema }],
    errors: [],
  }),
  getApplication: defineApplicationRead({
    name: 'getApplication',
    route: 'applications/{applicationId}',
    summary: 'One application in the caller\'s view',
    description: 'Staff get the full view; a candidate gets their own application with only the stages visible to them, without feedback or internal notes.',
    tags: ['applications'],
    access: { operation: 'stages.readApplication' },
    responses: [{ status: 200, description: 'The application.', schema: applicationViewSchema }],
  }),
  createStage: defineRoute({
    name: 'createStage',
    method: 'POST',
    route: 'applications/{applicationId}/stages',
    summary: 'Add a stage (body by type)',
    tags: ['stages'],
    access: { operation: 'stages.createStage' },
    params: applicationPathSchema,
    body: createStageRequestSchema,
    gated: true,
    responses: [{ status: 201, description: 'The new stage.', schema: stageResponseSchema, headers: location }],
    errors: [
      'APPLICATION.NOT_FOUND', 'APPLICATION.CLOSED', 'APPLICATION.CONCURRENT_UPDATE', 'DOCUMENT.NOT_FOUND', 'OFFER.LETTER_REQUIRED',
      // A live interview created with `data.slotId` is booked at once (calendar event first; no stage when it fails).
      'SLOT.NOT_FOUND', 'SLOT.TAKEN', 'SLOT.IN_PAST', 'CALENDAR.UNAVAILABLE', 'CALENDAR.NOT_CONNECTED', 'CALENDAR.CONNECTION_INVALID',
    ],
  }),
  getStage: defineRoute({
    name: 'getStage',
    method: 'GET',
    route: 'applications/{applicationId}/stages/{stageId}',
    summary: 'One stage in the caller\'s view',
    tags: ['stages'],
    access: { operation: 'stages.readApplication' },
    params: stagePathSchema,
    responses: [{ status: 200, description: 'The stage.', schema: stageResponseSchema }],
    errors: ['APPLICATION.NOT_FOUND', 'STAGE.NOT_FOUND'],
  }),
  applyAction: defineRoute({
    name: 'applyStageAction',
    method: 'POST',
    route: 'applications/{applicationId}/stages/{stageId}/actions/{action}',
    summary: 'Apply an action (transition) to a stage',
    description: 'Candidate (own application) or recruiter/admin, as the stage type\'s lifecycle table allows. An illegal transition is 409 STAGE.TRANSITION_NOT_ALLOWED with `details.allowedActions`. Actions a capability owns (`schedule`, `approve_reschedule`, `submit`, `add_onboarding_document`) are 409 STAGE.ACTION_NOT_DIRECT with the route to use in `details.use`.',
    tags: ['stages'],
    access: { operation: 'stages.applyAction' },
    params: actionPathSchema,
    body: actionPayloadBodySchema,
    emptyBody: 'empty-object',
    gated: true,
    responses: [{ status: 200, description: 'The stage after the action.', schema: stageResponseSchema }],
    errors: ['APPLICATION.NOT_FOUND', 'STAGE.NOT_FOUND', 'STAGE.TRANSITION_NOT_ALLOWED', 'STAGE.ACTION_NOT_DIRECT', 'APPLICATION.CLOSED', 'APPLICATION.CONCURRENT_UPDATE'],
  }),
  submitFeedback: defineRoute({
    name: 'submitStageFeedback',
    method: 'POST',
    route: 'applications/{applicationId}/stages/{stageId}/feedback',
    summary: 'Submit a scorecard on a stage',
    description: 'Interviewer (assigned to the stage when it names interviewers) or recruiter/admin. Never shown to candidates.',
    tags: ['stages'],
    access: { operation: 'stages.submitFeedback' },
    params: stagePathSchema,
    body: feedbackInputSchema,
    gated: true,
    responses: [{ status: 201, description: 'The stored scorecard.', schema: feedbackResponseSchema }],
    errors: ['APPLICATION.NOT_FOUND', 'STAGE.NOT_FOUND', 'STAGE.TRANSITION_NOT_ALLOWED', 'APPLICATION.CONCURRENT_UPDATE'],
  }),
} satisfies Record<string, RouteDefinition>;

