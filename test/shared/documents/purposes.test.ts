import { describe, expect, it } from 'vitest';
import type { ActorRole } from '../../../shared/auth/domain/actor.ts';
import { checkDeclaration, maxUploadBytes, normaliseContentType, type UploadDeclaration } from '../../../shared/documents/domain/purposes.ts';
import { DomainError } from '../../../shared/platform/errors.ts';

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const all = [PDF, 'application/msword', DOCX, 'image/png', 'image/jpeg'];

/** Written from the table, independently of `uploadRules`. */
const expected: Record<string, { roles: ActorRole[]; stage: boolean; types: string[] }> = {
  assignment_artifact: { roles: ['recruiter', 'admin'], stage: true, types: all },
  assignment_submission: { roles: ['candidate'], stage: true, types: all },
  offer_letter: { roles: ['recruiter', 'admin'], stage: false, types: [PDF] },
  onboarding_document: { roles: ['candidate'], stage: true, types: all },
};
const roles: ActorRole[] = ['candidate', 'recruiter', 'interviewer', 'admin', 'system'];

function outcome(declaration: UploadDeclaration, role: ActorRole): string {
  try {
    return checkDeclaration(declaration, { role, id: 'someone' });
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('upload declarations (checked before any URL is made)', () => {
  const rows = Object.entries(expected).flatMap(([purpose, rule]) => roles.map((role) => [purpose, role, rule] as const));
  it.each(rows)('%s by a %s', (purpose, role, rule) => {
    const declaration = { purpose: purpose as UploadDeclaration['purpose'], ...(rule.stage ? { stageId: 'st-1' } : {}), contentType: PDF, sizeBytes: 1000 };
    expect(outcome(declaration, role)).toBe(rule.roles.includes(role) ? PDF : 'AUTH.FORBIDDEN');
  });

  it.each(Object.entries(expected))('%s: the stage is named exactly when the purpose attaches to one', (purpose, rule) => {
    const role = rule.roles[0]!;
    const withStage = outcome({ purpose: purpose as UploadDeclaration['purpose'], stageId: 'st-1', contentType: PDF, sizeBytes: 1 }, role);
    const without = outcome({ purpose: purpose as UploadDeclaration['purpose'], contentType: PDF, sizeBytes: 1 }, role);
    expect([withStage, without]).toEqual(rule.stage ? [PDF, 'REQUEST.INVALID'] : ['REQUEST.INVALID', PDF]);
  });

  it.each(Object.entries(expected))('%s: accepts exactly its types, at most 5 MB', (purpose, rule) => {
    const role = rule.roles[0]!;
    const declare = (contentType: string, sizeBytes = 1000) => outcome({ purpose: purpose as UploadDeclaration['purpose'], ...(rule.stage ? { stageId: 's' } : {}), contentType, sizeBytes }, role);
    for (const type of [...all, 'application/zip', 'text/html', 'application/x-msdownload', 'image/gif', 'application/octet-stream']) {
      expect(declare(type), type).toBe(rule.types.includes(type) ? type : 'UPLOAD.TYPE_NOT_ALLOWED');
    }
    expect(declare(PDF, maxUploadBytes)).toBe(PDF);
    expect(declare(PDF, maxUploadBytes + 1)).toBe('UPLOAD.TOO_LARGE');
    expect(maxUploadBytes).toBe(5 * 1024 * 1024);
  });

  it('normalises the declared type (case, parameters) and names the limits in the refusal', () => {
    expect(normaliseContentType(' Application/PDF; charset=binary ')).toBe(PDF);
    expect(outcome({ purpose: 'offer_letter', contentType: 'APPLICATION/PDF', sizeBytes: 10 }, 'recruiter')).toBe(PDF);
    try {
      checkDeclaration({ purpose: 'offer_letter', contentType: 'image/png', sizeBytes: 10 }, { role: 'recruiter', id: 'r' });
    } catch (error) {
      expect(error).toMatchObject({ code: 'UPLOAD.TYPE_NOT_ALLOWED', details: { contentType: 'image/png', allowed: [PDF] } });
    }
  });
});
