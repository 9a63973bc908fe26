import { describe, expect, it } from 'vitest';
import type { ActorRole } from '../../../shared/auth/domain/actor.ts';
import { createStage } from '../../../shared/stages/domain/new-stage.ts';
import { createStageBodySchema } from '../../../shared/stages/domain/create-stage.schema.ts';
import type { CreateStageBody } from '../../../shared/stages/domain/create-stage.schema.ts';
import type { StageType } from '../../../shared/stages/domain/stage.model.ts';
import { stageSchema } from '../../../shared/stages/domain/stage.model.ts';

const NOW = '2025-03-10T12:00:00.000Z';
const FUTURE = '2025-04-01T00:00:00.000Z';
const doc = { documentId: 'doc-1', fileName: 'letter.pdf', contentType: 'application/pdf', size: 2048 };
const recruiter = { role: 'recruiter' as const, id: 'rec-1' };

const validBodies: Record<StageType, CreateStageBody> = {
  live_interview: { type: 'live_interview', data: { recruiterId: 'rec-1' } },
  assignment: {
    type: 'assignment',
    title: 'Take-home',
    internalNotes: 'Strong CV',
    data: { instructions: 'Build a CLI', dueAt: FUTURE, artifacts: [doc, { url: 'https://example.com/brief', title: 'Brief' }] },
  },
  offer: {
    type: 'offer',
    data: { offerLetter: doc, expiresAt: FUTURE, salary: { amount: 85_000, currency: 'EUR', period: 'year' }, startDate: '2025-05-01' },
  },
  offer_accepted: { type: 'offer_accepted', visibleToCandidate: true, data: { onboardingDocuments: [doc] } },
  disqualified: { type: 'disqualified', visibleToCandidate: false, data: { reason: 'Salary mismatch', notifyCandidate: true, candidateMessage: 'Thank you' } },
} as const;

const long = (n: number) => 'x'.repeat(n);

/** [description, body, a path that must be reported] */
const invalidBodies: [string, unknown, string][] = [
  ['unknown type', { type: 'phone_screen', data: {} }, 'type'],
  ['missing type', { data: {} }, 'type'],
  ['missing data', { type: 'offer' }, 'data'],
  ['unknown top-level key', { ...validBodies.live_interview, status: 'completed' }, ''],
  ['hand-set actionableBy', { ...validBodies.live_interview, actionableBy: 'candidate' }, ''],
  ['title too long', { ...validBodies.live_interview, title: long(201) }, 'title'],
  ['blank title', { ...validBodies.live_interview, title: '   ' }, 'title'],
  ['visibleToCandidate not boolean', { ...validBodies.live_interview, visibleToCandidate: 'yes' }, 'visibleToCandidate'],
  ['internal notes too long', { ...validBodies.live_interview, internalNotes: long(5001) }, 'internalNotes'],
  ['interview without recruiter', { type: 'live_interview', data: {} }, 'data.recruiterId'],
  ['interview too short', { type: 'live_interview', data: { recruiterId: 'r', durationMinutes: 5 } }, 'data.durationMinutes'],
  ['interview duration fractional', { type: 'live_interview', data: { recruiterId: 'r', durationMinutes: 30.5 } }, 'data.durationMinutes'],
  ['interview unknown mode', { type: 'live_interview', data: { recruiterId: 'r', mode: 'carrier_pigeon' } }, 'data.mode'],
  ['interview empty slot options', { type: 'live_interview', data: { recruiterId: 'r', slotOptions: [] } }, 'data.slotOptions'],
  ['interview too many interviewers', { type: 'live_interview', data: { recruiterId: 'r', interviewerIds: Array(21).fill('i') } }, 'data.interviewerIds'],
  ['interview unknown data key', { type: 'live_interview', data: { recruiterId: 'r', scheduledCallId: 'c' } }, 'data'],
  ['assignment empty instructions', { type: 'assignment', data: { instructions: '' } }, 'data.instructions'],
  ['assignment instructions too long', { type: 'assignment', data: { instructions: long(10_001) } }, 'data.instructions'],
  ['assignment bad dueAt', { type: 'assignment', data: { instructions: 'x', dueAt: 'next friday' } }, 'data.dueAt'],
  ['assignment too many artifacts', { type: 'assignment', data: { instructions: 'x', artifacts: Array(21).fill(doc) } }, 'data.artifacts'],
  ['assignment http link', { type: 'assignment', data: { instructions: 'x', artifacts: [{ url: 'http://example.com' }] } }, 'data.artifacts.0.url'],
  ['assignment javascript link', { type: 'assignment', data: { instructions: 'x', artifacts: [{ url: 'javascript:alert(1)' }] } }, 'data.artifacts.0.url'],
  ['assignment document over 5 MB', { type: 'assignment', data: { instructions: 'x', artifacts: [{ ...doc, size: 6 * 1024 * 1024 }] } }, 'data.artifacts.0.size'],
  ['assignment candidate submission on create', { type: 'assignment', data: { instructions: 'x', submission: doc } }, 'data'],
  ['offer without letter', { type: 'offer', data: {} }, 'data.offerLetter'],
  ['offer letter as link', { type: 'offer', data: { offerLetter: { url: 'https://example.com/l.pdf' } } }, 'data.offerLetter'],
  ['offer letter bad MIME', { type: 'offer', data: { offerLetter: { ...doc, contentType: 'pdf' } } }, 'data.offerLetter.contentType'],
  ['offer letter empty file', { type: 'offer', data: { offerLetter: { ...doc, size: 0 } } }, 'data.offerLetter.size'],
  ['offer lowercase currency', { type: 'offer', data: { offerLetter: doc, salary: { amount: 1, currency: 'eur', period: 'year' } } }, 'data.salary.currency'],
  ['offer negative salary', { type: 'offer', data: { offerLetter: doc, salary: { amount: -1, currency: 'EUR', period: 'year' } } }, 'data.salary.amount'],
  ['offer impossible start date', { type: 'offer', data: { offerLetter: doc, startDate: '2025-02-30' } }, 'data.startDate'],
  ['offer bad expiresAt', { type: 'offer', data: { offerLetter: doc, expiresAt: 'tomorrow' } }, 'data.expiresAt'],
  ['onboarding too many documents', { type: 'offer_accepted', data: { onboardingDocuments: Array(51).fill(doc) } }, 'data.onboardingDocuments'],
  ['onboarding link document', { type: 'offer_accepted', data: { onboardingDocuments: [{ url: 'https://example.com' }] } }, 'data.onboardingDocuments.0'],
  ['disqualified without notify flag', { type: 'disqualified', data: { reason: 'x' } }, 'data.notifyCandidate'],
  ['disqualified blank reason', { type: 'disqualified', data: { reason: '   ', notifyCandidate: false } }, 'data.reason'],
  ['disqualified reason too long', { type: 'disqualified', data: { reason: long(1001), notifyCandidate: false } }, 'data.reason'],
];

describe('create-stage body schema', () => {
  it.each(Object.entries(validBodies))('accepts a valid %s body', (_type, body) => {
    expect(createStageBodySchema.safeParse(body).success).toBe(true);
  });

  it('applies defaults', () => {
    const parsed = createStageBodySchema.parse(validBodies.live_interview);
    expect(parsed).toEqual({
      type: 'live_interview',
      visibleToCandidate: true,
      data: { recruiterId: 'rec-1', interviewerIds: [], durationMinutes: 60, mode: 'video' },
    });
  });

  it.each(invalidBodies)('rejects %s at the field path', (_name, body, path) => {
    const result = createStageBodySchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});

describe('createStage', () => {
  it.each(Object.entries(validBodies))('creates a %s stage in its initial status', (type, body) => {
    const { stage, event } = createStage(body, recruiter, NOW, 'st-1', 3);
    expect(stageSchema.safeParse(stage).success).toBe(true);
    expect(stage).toMatchObject({ id: 'st-1', type, order: 3, feedback: [], createdAt: NOW, updatedAt: NOW, createdBy: recruiter });
    expect(stage.status).toBe(type === 'disqualified' ? 'completed' : 'awaiting_candidate');
    expect(stage.actionableBy).toBe(type === 'disqualified' ? null : 'candidate');
    expect(event).toEqual({
      kind: 'stage.created',
      stageId: 'st-1',
      stageType: type,
      stageStatus: stage.status,
      actor: recruiter,
      timestamp: NOW,
      visibleToCandidate: stage.visibleToCandidate,
      actionableBy: stage.actionableBy,
    });
  });

  it('uses the given title, notes and visibility, and default titles otherwise', () => {
    expect(createStage(validBodies.assignment, recruiter, NOW, 'a', 1).stage).toMatchObject({ title: 'Take-home', internalNotes: 'Strong CV' });
    expect(createStage(validBodies.offer, recruiter, NOW, 'o', 1).stage.title).toBe('Offer');
    expect(createStage(validBodies.disqualified, recruiter, NOW, 'd', 1).stage.visibleToCandidate).toBe(false);
  });

  it('stamps initial onboarding documents with their author', () => {
    const { stage } = createStage(validBodies.offer_accepted, recruiter, NOW, 'x', 1);
    expect(stage.data).toEqual({ onboardingDocuments: [{ ...doc, addedBy: recruiter, addedAt: NOW }] });
  });

  it('lets an admin create stages', () => {
    expect(createStage(validBodies.offer, { role: 'admin', id: 'adm' }, NOW, 'x', 1).stage.createdBy).toEqual({ role: 'admin', id: 'adm' });
  });

  it.each<ActorRole>(['candidate', 'interviewer', 'system'])('refuses a %s', (role) => {
    expect(() => createStage(validBodies.offer, { role, id: 'x' }, NOW, 'x', 1)).toThrowError(
      expect.objectContaining({ code: 'AUTH.FORBIDDEN' }),
    );
  });

  it('reports invalid bodies as REQUEST.INVALID with field paths', () => {
    expect(() => createStage({ type: 'assignment', data: { instructions: '' } } as never, recruiter, NOW, 'x', 1)).toThrowError(
      expect.objectContaining({
        code: 'REQUEST.INVALID',
        details: { issues: [expect.objectContaining({ path: 'data.instructions' })] },
      }),
    );
  });

  it.each([
    ['assignment', { type: 'assignment', data: { instructions: 'x', dueAt: NOW } }, 'data.dueAt'],
    ['offer', { type: 'offer', data: { offerLetter: doc, expiresAt: '2025-03-01T00:00:00Z' } }, 'data.expiresAt'],
  ] as [string, CreateStageBody, string][])('requires a future deadline on an %s', (_type, body, path) => {
    expect(() => createStage(body, recruiter, NOW, 'x', 1)).toThrowError(
      expect.objectContaining({ code: 'REQUEST.INVALID', details: { issues: [expect.objectContaining({ path, code: 'not_in_future' })] } }),
    );
  });
});
