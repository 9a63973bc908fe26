import { describe, expect, it } from 'vitest';
import { authorize, permissions, permits, type Operation } from '../../../shared/auth/domain/permissions.ts';
import { ROLES, type Role } from '../../../shared/auth/domain/principal.ts';

const principal = (roles: Role[], subject = 'u-1', tenantId = 'acme') => ({ subject, tenantId, roles });

describe('the permission table', () => {
  it('names every operation after its capability', () => {
    for (const operation of Object.keys(permissions)) expect(operation).toMatch(/^(stages|timeline|events|scheduling|documents|notifications)\.[a-z][A-Za-z]+$/);
  });

  it.each(Object.keys(permissions) as Operation[])('%s: authorize admits exactly the listed roles, acting as that role in the caller\'s tenant', (operation) => {
    for (const role of ROLES) {
      if (permits(role, operation)) {
        expect(authorize(principal([role]), operation)).toEqual({ tenantId: 'acme', actor: { role, id: 'u-1' } });
      } else {
        expect(() => authorize(principal([role]), operation)).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN', details: { operation, allowedRoles: permissions[operation] } }));
      }
    }
    expect(() => authorize(principal([]), operation)).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });

  it('acts in the strongest role the operation allows when a principal holds several', () => {
    expect(authorize(principal(['candidate', 'recruiter']), 'stages.applyAction').actor.role).toBe('recruiter');
    expect(authorize(principal(['candidate', 'interviewer']), 'stages.readApplication').actor.role).toBe('interviewer');
    expect(authorize(principal(['candidate', 'interviewer']), 'stages.applyAction').actor.role).toBe('candidate');
    expect(authorize(principal(['admin', 'candidate']), 'timeline.read').actor.role).toBe('admin');
  });

  it('keeps staff-only reads away from candidates and creation away from interviewers', () => {
    expect(permits('candidate', 'timeline.verify')).toBe(false);
    expect(permits('candidate', 'events.readStageSla')).toBe(false);
    expect(permits('interviewer', 'stages.createStage')).toBe(false);
    expect(permits('interviewer', 'stages.submitFeedback')).toBe(true);
  });
});
