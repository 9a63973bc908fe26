import { DomainError } from '../../platform/errors.ts';
import type { ApplicationDocument } from './application.schema.ts';

/**
 * The size budget of one application document. Azure Cosmos DB refuses items over 2 MB and the
 * cost of every read and replace grows with the document, so the aggregate stays well below:
 * - at most 50 stages and 20 feedback entries per stage (a 6-stage application with feedback
 *   is a few KB; see docs/benchmarks.md);
 * - no write of a document whose JSON exceeds 1.5 MB (what is left of the 2 MB after the outbox
 *   and Cosmos DB's own fields), whatever made it large.
 * Past a limit the change is refused with `APPLICATION.LIMIT_REACHED` and nothing is written.
 */
export const applicationLimits = {
  stages: 50,
  feedbackPerStage: 20,
  documentBytes: 1_500_000,
} as const;

export type ApplicationLimit = keyof typeof applicationLimits;

export function limitReached(applicationId: string, limit: ApplicationLimit, actual: number): DomainError {
  return new DomainError('APPLICATION.LIMIT_REACHED', {
    message: `The application has reached its limit of ${applicationLimits[limit]} ${describe(limit)}.`,
    details: { applicationId, limit, max: applicationLimits[limit], actual },
  });
}

/** `APPLICATION.LIMIT_REACHED` when the document as it would be stored is over the byte budget. */
export function assertWithinByteBudget(document: ApplicationDocument): void {
  const bytes = Buffer.byteLength(JSON.stringify(document), 'utf8');
  if (bytes > applicationLimits.documentBytes) throw limitReached(document.id, 'documentBytes', bytes);
}

function describe(limit: ApplicationLimit): string {
  switch (limit) {
    case 'stages':
      return 'stages';
    case 'feedbackPerStage':
      return 'feedback entries on one stage';
    case 'documentBytes':
      return 'bytes of stored data';
  }
}
