import type { Access } from '../../auth/domain/permissions.ts';
import { DYNAMIC_STAGES_FLAG } from '../../flags/ports/feature-gate.port.ts';
import type { CreateApplicationBody } from '../api/application-requests.schema.ts';
import { applicationViewFor } from '../api/application-views.ts';
import type { ApplicationView } from '../api/application-views.schema.ts';
import { newApplication } from '../domain/application.ts';
import { readModelOf } from '../domain/read-model.ts';
import { signChain } from './sign-chain.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * A new application in the caller's tenant. With `legacyStatus` it is an import from the legacy
 * pipeline and works while dynamic stages are disabled; otherwise the feature gate applies.
 * The calling recruiter is its recruiter unless the body names others.
 */
export async function createApplication(deps: StageDeps, access: Access, body: CreateApplicationBody): Promise<ApplicationView> {
  if (body.legacyStatus === undefined) await deps.mutator.assertEnabled();
  const now = deps.clock.now();
  const document = newApplication(
    {
      id: body.id ?? deps.newId(),
      tenantId: access.tenantId,
      jobId: body.jobId,
      candidateId: body.candidateId,
      recruiterIds: body.recruiterIds ?? (access.actor.role === 'recruiter' ? [access.actor.id] : []),
      ...(body.legacyStatus === undefined ? {} : { legacyStatus: body.legacyStatus }),
      ...(body.legacyScheduledCallId === undefined ? {} : { legacyScheduledCallId: body.legacyScheduledCallId }),
    },
    now,
  );
  const created = await deps.applications.create(signChain(document, 0, deps.signer));
  const flag = await deps.flags.state(DYNAMIC_STAGES_FLAG);
  return applicationViewFor(created.document, readModelOf(created.document, flag), access.actor, now, deps.legacy.stagesOf);
}
