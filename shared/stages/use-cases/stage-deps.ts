import type { FeatureGate } from '../../flags/ports/feature-gate.port.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ApplicationBoard } from '../ports/application-board.port.ts';
import type { ApplicationRepository } from '../ports/application-repository.port.ts';
import type { ChainSigner } from '../ports/chain-signer.port.ts';
import type { LegacyStages } from '../ports/legacy-stages.port.ts';
import type { DocumentLinks } from '../ports/document-links.port.ts';
import type { VerifiedDocuments } from '../ports/verified-documents.port.ts';
import type { InterviewBooking } from '../ports/interview-booking.port.ts';
import type { ApplicationMutator } from './application-mutator.ts';

/** What the stage use cases need from outside, built once by `stages.module.ts`. */
export interface StageDeps {
  readonly applications: ApplicationRepository & ApplicationBoard;
  readonly flags: FeatureGate;
  readonly clock: Clock;
  /** The one mutation path (gate → read → pure change → conditional replace). */
  readonly mutator: ApplicationMutator;
  readonly legacy: LegacyStages;
  /** Signs the chain head of a new application (the mutator signs every later change). */
  readonly signer: ChainSigner;
  readonly documents: VerifiedDocuments;
  /** Read URLs for the documents on the stages a read returns (none when absent). */
  readonly documentLinks?: DocumentLinks;
  /** Live interviews created already booked in a slot (the scheduling capability). */
  readonly interviews: InterviewBooking;
  /** New application, stage and feedback ids. */
  readonly newId: () => string;
}
