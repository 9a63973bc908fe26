import { z } from 'zod';

const side = z.enum(['candidate', 'recruiter']);

/** Answer of `GET /applications/{applicationId}/stage-sla`. */
export const applicationSlaViewSchema = z.object({
  applicationId: z.string(),
  asOf: z.string().describe('The open waits are counted up to this time.'),
  stages: z.array(
    z.object({
      stageId: z.string(),
      stageType: z.string(),
      stageStatus: z.string(),
      waitedMs: z.object({ candidate: z.number(), recruiter: z.number() }).describe('Total time the stage waited on each side, open wait included.'),
      waitingOn: z.object({ side, since: z.string(), ms: z.number() }).nullable().describe('Who has the next move now; null when nobody does.'),
      periods: z.array(z.object({ waitingOn: side, from: z.string(), to: z.string(), ms: z.number() })).describe('Closed waits, oldest first.'),
    }),
  ),
});
