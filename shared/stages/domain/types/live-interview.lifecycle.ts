import type { LiveInterviewData } from './live-interview.schema.ts';
import { liveInterviewStatuses } from './live-interview.schema.ts';
import type { StageDefinition } from '../stage-definition.ts';
import type { LiveInterviewStage } from '../stage.model.ts';

function withoutPendingRequest(data: LiveInterviewData): LiveInterviewData {
  const { rescheduleRequested: _pending, ...rest } = data;
  return rest;
}

/** The stage's copy of its call with a new status (calendar sync, or a recruiter closing the stage). */
function withCallStatus(data: LiveInterviewData, status: 'completed' | 'cancelled'): LiveInterviewData {
  return data.call === undefined ? data : { ...data, call: { ...data.call, status } };
}

function pendingRequestRequired(stage: LiveInterviewStage): string | undefined {
  return stage.data.rescheduleRequested === undefined ? 'no_reschedule_requested' : undefined;
}

/**
 * live_interview: awaiting_candidate → scheduled → completed / cancelled.
 * The candidate (or a recruiter on their behalf) picks a slot (`schedule`) and may ask to move it
 * (`request_reschedule`, one pending request at a time); the recruiter approves (moves the same
 * call to a new slot) or denies. `schedule` and `approve_reschedule` are the scheduling
 * capability's: it holds the slot and creates or moves the calendar event first. `move_call` is
 * calendar sync following an event moved in Google. `complete` / `cancel` come from the recruiter
 * or from calendar status sync (`system`).
 */
export const liveInterviewDefinition: StageDefinition<LiveInterviewStage> = {
  type: 'live_interview',
  defaultTitle: 'Live interview',
  statuses: liveInterviewStatuses,
  initialStatus: 'awaiting_candidate',
  actionableBy: { awaiting_candidate: 'candidate', scheduled: 'recruiter', completed: null, cancelled: null },
  feedbackStatuses: ['scheduled', 'completed'],
  assignedInterviewers: (stage) => stage.data.interviewerIds,
  actions: {
    schedule: {
      owner: 'scheduling',
      from: ['awaiting_candidate'],
      to: 'scheduled',
      roles: ['candidate', 'recruiter'],
      check: (stage, payload) =>
        stage.data.slotOptions !== undefined && !stage.data.slotOptions.includes(payload.slotId)
          ? { path: 'slotId', message: 'Pick one of the offered slots.', code: 'slot_not_offered' }
          : undefined,
      apply: (stage, payload, { now }) => ({
        ...stage.data,
        slotId: payload.slotId,
        scheduledCallId: payload.scheduledCallId,
        call: payload.call,
        scheduledAt: now,
      }),
    },
    request_reschedule: {
      from: ['scheduled'],
      roles: ['candidate'],
      guard: (stage) => (stage.data.rescheduleRequested === undefined ? undefined : 'reschedule_already_requested'),
      apply: (stage, payload, { actor, now }) => ({
        ...stage.data,
        rescheduleRequested: {
          requestedBy: actor,
          reason: payload.reason,
          requestedAt: now,
          ...(payload.preferredSlotIds === undefined ? {} : { preferredSlotIds: payload.preferredSlotIds }),
        },
      }),
    },
    approve_reschedule: {
      owner: 'scheduling',
      from: ['scheduled'],
      roles: ['recruiter'],
      guard: pendingRequestRequired,
      check: (stage, payload) =>
        payload.slotId === stage.data.slotId
          ? { path: 'slotId', message: 'The interview is already in this slot.', code: 'same_slot' }
          : undefined,
      apply: (stage, payload, { actor, now }) => ({
        ...withoutPendingRequest(stage.data),
        slotId: payload.slotId,
        call: payload.call,
        lastRescheduleDecision: {
          decision: 'approved',
          decidedBy: actor,
          decidedAt: now,
          ...(payload.reason === undefined ? {} : { reason: payload.reason }),
          // The guard guarantees a pending request.
          request: stage.data.rescheduleRequested!,
          ...(stage.data.slotId === undefined ? {} : { previousSlotId: stage.data.slotId }),
          newSlotId: payload.slotId,
        },
      }),
    },
    deny_reschedule: {
      from: ['scheduled'],
      roles: ['recruiter'],
      guard: pendingRequestRequired,
      apply: (stage, payload, { actor, now }) => ({
        ...withoutPendingRequest(stage.data),
        lastRescheduleDecision: {
          decision: 'denied',
          decidedBy: actor,
          decidedAt: now,
          ...(payload.reason === undefined ? {} : { reason: payload.reason }),
          request: stage.data.rescheduleRequested!,
        },
      }),
    },
    move_call: {
      owner: 'scheduling',
      from: ['scheduled'],
      roles: ['system'],
      apply: (stage, payload) => ({ ...stage.data, call: payload.call }),
    },
    complete: {
      from: ['scheduled'],
      to: 'completed',
      roles: ['recruiter', 'system'],
      apply: (stage) => withCallStatus(withoutPendingRequest(stage.data), 'completed'),
    },
    cancel: {
      from: ['awaiting_candidate', 'scheduled'],
      to: 'cancelled',
      roles: ['recruiter', 'system'],
      apply: (stage, payload, { actor, now }) => ({
        ...withCallStatus(withoutPendingRequest(stage.data), 'cancelled'),
        cancellation: { ...(payload.reason === undefined ? {} : { reason: payload.reason }), by: actor, at: now },
      }),
    },
  },
};
