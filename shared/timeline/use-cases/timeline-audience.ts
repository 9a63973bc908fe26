import type { Access } from '../../auth/domain/permissions.ts';
import { visibleApplication } from '../../stages/domain/application-access.ts';
import type { ApplicationDocument } from '../../stages/domain/application.schema.ts';
import type { ApplicationRepository } from '../../stages/ports/application-repository.port.ts';

export type TimelineAudience =
  | { readonly kind: 'staff'; readonly application: ApplicationDocument }
  | { readonly kind: 'candidate'; readonly application: ApplicationDocument; readonly visibleStageIds: readonly string[] };

/**
 * How much of an application's timeline the caller sees: staff of the application's tenant see
 * every entry; its candidate sees entries about stages visible to them. Another tenant's
 * application, or another candidate's, does not exist for the caller.
 */
export async function timelineAudience(applications: ApplicationRepository, access: Access, applicationId: string): Promise<TimelineAudience> {
  const { document: application } = await visibleApplication(applications, access, applicationId);
  if (access.actor.role !== 'candidate') return { kind: 'staff', application };
  const visibleStageIds = application.stages.filter((stage) => stage.visibleToCandidate).map((stage) => stage.id);
  return { kind: 'candidate', application, visibleStageIds };
}
