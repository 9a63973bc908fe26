import type { Access } from '../../auth/domain/permissions.ts';
import { DYNAMIC_STAGES_FLAG, type FlagState } from '../../flags/ports/feature-gate.port.ts';
import { visibleApplication } from '../domain/application-access.ts';
import type { ApplicationDocument } from '../domain/application.schema.ts';
import type { StageDeps } from './stage-deps.ts';

export interface VisibleApplication {
  readonly document: ApplicationDocument;
  readonly flag: FlagState;
}

/** The application the caller may see (`visibleApplication`) and the flag, read in parallel. */
export async function readVisibleApplication(deps: StageDeps, access: Access, applicationId: string): Promise<VisibleApplication> {
  const [stored, flag] = await Promise.all([visibleApplication(deps.applications, access, applicationId), deps.flags.state(DYNAMIC_STAGES_FLAG)]);
  return { document: stored.document, flag };
}
