import { z } from 'zod';

/**
 * What a notification fan-out needs to know about the application of a stage event beyond the
 * event itself: the job, the people, and the stage's title and audience. The publisher takes
 * them from the application document it is publishing (the committed version the change feed
 * or the sweeper read, never older than the event), so the fan-out does not read the
 * application again. A message without them (sent before they were added) makes the fan-out
 * read the application, as it did before.
 */
export const applicationFactsSchema = z.object({
  jobId: z.string().min(1),
  candidateId: z.string().min(1),
  recruiterIds: z.array(z.string().min(1)),
  /** The event's stage as the document holds it; absent when the document no longer has it. */
  stage: z
    .object({
      title: z.string().min(1),
      visibleToCandidate: z.boolean(),
      interviewerIds: z.array(z.string().min(1)).optional(),
      candidateMessage: z.string().optional(),
      notifyCandidate: z.boolean().optional(),
    })
    .optional(),
});

export type ApplicationFacts = z.infer<typeof applicationFactsSchema>;

/** The parts of an application document the facts come from (an `ApplicationDocument` is one). */
export interface ApplicationFactsSource {
  readonly jobId: string;
  readonly candidateId: string;
  readonly recruiterIds: readonly string[];
  readonly stages: readonly { readonly id: string; readonly type: string; readonly title: string; readonly visibleToCandidate: boolean; readonly data: object }[];
}

/** The facts of `stageId`'s events in `application`: interviewers of a live interview, a disqualification's message to the candidate. */
export function applicationFactsOf(application: ApplicationFactsSource, stageId: string): ApplicationFacts {
  const stage = application.stages.find((candidate) => candidate.id === stageId);
  const data = (stage?.data ?? {}) as Readonly<Record<string, unknown>>;
  const strings = (value: unknown) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined);
  const interviewerIds = stage?.type === 'live_interview' ? strings(data['interviewerIds']) : undefined;
  const candidateMessage = stage?.type === 'disqualified' && typeof data['candidateMessage'] === 'string' ? data['candidateMessage'] : undefined;
  const notifyCandidate = stage?.type === 'disqualified' && typeof data['notifyCandidate'] === 'boolean' ? data['notifyCandidate'] : undefined;
  return {
    jobId: application.jobId,
    candidateId: application.candidateId,
    recruiterIds: [...application.recruiterIds],
    ...(stage === undefined
      ? {}
      : {
          stage: {
            title: stage.title,
            visibleToCandidate: stage.visibleToCandidate,
            ...(interviewerIds === undefined ? {} : { interviewerIds }),
            ...(candidateMessage === undefined ? {} : { candidateMessage }),
            ...(notifyCandidate === undefined ? {} : { notifyCandidate }),
          },
        }),
  };
}
