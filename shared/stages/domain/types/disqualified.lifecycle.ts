import { disqualifiedStatuses } from './disqualified.schema.ts';
import type { StageDefinition } from '../stage-definition.ts';
import type { DisqualifiedStage } from '../stage.model.ts';

/** disqualified: created `completed`, terminal, no actions. It closes the application. */
export const disqualifiedDefinition: StageDefinition<DisqualifiedStage> = {
  type: 'disqualified',
  defaultTitle: 'Disqualified',
  statuses: disqualifiedStatuses,
  initialStatus: 'completed',
  actionableBy: { completed: null },
  feedbackStatuses: [],
  assignedInterviewers: () => [],
  actions: {},
};
