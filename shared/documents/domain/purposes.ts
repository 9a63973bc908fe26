import type { ActorRef, ActorRole } from '../../auth/domain/actor.ts';
import { roleIsPermitted } from '../../auth/domain/actor.ts';
import { DomainError } from '../../platform/errors.ts';
import { invalidRequest } from '../../platform/validation.ts';
import { attachmentTargets } from '../../stages/domain/document-attachment.ts';
import { maxDocumentBytes, type DocumentPurpose } from '../../stages/domain/document-ref.schema.ts';
import type { StageAction } from '../../stages/domain/stage-action.schema.ts';
import type { StageType } from '../../stages/domain/stage.model.ts';

/** Largest upload, declared or real (the seed: 5 MB). */
export const maxUploadBytes = maxDocumentBytes;

/** The document types the platform accepts (the seed: PDF, DOC, image set; DOCX as a Word document), by MIME type. */
export const documentTypes = {
  'application/pdf': { name: 'PDF', extension: 'pdf' },
  'application/msword': { name: 'Word 97–2003 (DOC)', extension: 'doc' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { name: 'Word (DOCX)', extension: 'docx' },
  'image/png': { name: 'PNG', extension: 'png' },
  'image/jpeg': { name: 'JPEG', extension: 'jpg' },
} as const;

export type AllowedContentType = keyof typeof documentTypes;
export const allowedContentTypes = Object.keys(documentTypes) as AllowedContentType[];

export function isAllowedContentType(value: string | undefined): value is AllowedContentType {
  return value !== undefined && Object.hasOwn(documentTypes, value);
}

/**
 * Who may upload for a purpose, onto which stage, and which types (the seed's table, narrowed
 * per purpose). `stage` names the stage type the document attaches to and the lifecycle action
 * whose rules apply (status, limits); offer letters attach to nothing: they are named when the
 * offer stage is created.
 */
export interface UploadRule {
  /** Roles that may upload (an admin counts as a recruiter). */
  readonly roles: readonly ActorRole[];
  readonly stage: { readonly type: StageType; readonly action: StageAction } | 'none';
  readonly contentTypes: readonly AllowedContentType[];
}

export const uploadRules: { readonly [P in DocumentPurpose]: UploadRule } = {
  assignment_artifact: { roles: ['recruiter'], stage: { type: 'assignment', action: attachmentTargets.assignment_artifact.action }, contentTypes: allowedContentTypes },
  assignment_submission: { roles: ['candidate'], stage: { type: 'assignment', action: attachmentTargets.assignment_submission.action }, contentTypes: allowedContentTypes },
  offer_letter: { roles: ['recruiter'], stage: 'none', contentTypes: ['application/pdf'] },
  onboarding_document: { roles: ['candidate'], stage: { type: 'offer_accepted', action: attachmentTargets.onboarding_document.action }, contentTypes: allowedContentTypes },
};

/** What a client declares before it gets an upload URL. */
export interface UploadDeclaration {
  readonly purpose: DocumentPurpose;
  readonly stageId?: string | undefined;
  readonly contentType: string;
  readonly sizeBytes: number;
}

/** `application/PDF; charset=binary` → `application/pdf`. */
export function normaliseContentType(raw: string): string {
  return (raw.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Checks a declaration before any URL is made, in this order: the role may upload for the
 * purpose (`AUTH.FORBIDDEN`), a stage is named exactly when the purpose attaches to one
 * (`REQUEST.INVALID`), the declared size (`UPLOAD.TOO_LARGE`) and type (`UPLOAD.TYPE_NOT_ALLOWED`).
 * Returns the normalised content type. Whether the stage exists and takes the document is the
 * use case's next step (it needs the application).
 */
export function checkDeclaration(declaration: UploadDeclaration, actor: ActorRef): AllowedContentType {
  const rule = uploadRules[declaration.purpose];
  if (!roleIsPermitted(rule.roles, actor.role)) {
    throw new DomainError('AUTH.FORBIDDEN', {
      message: `A ${actor.role} may not upload a document for ${declaration.purpose}.`,
      details: { purpose: declaration.purpose, role: actor.role, allowedRoles: rule.roles },
    });
  }
  if (rule.stage === 'none' && declaration.stageId !== undefined) {
    throw invalidRequest([{ path: 'stageId', message: `Not allowed for ${declaration.purpose}: the document is named when the stage is created.`, code: 'unexpected' }]);
  }
  if (rule.stage !== 'none' && declaration.stageId === undefined) {
    throw invalidRequest([{ path: 'stageId', message: `Required for ${declaration.purpose}: the ${rule.stage.type} stage the document is for.`, code: 'required' }]);
  }
  if (declaration.sizeBytes > maxUploadBytes) {
    throw new DomainError('UPLOAD.TOO_LARGE', {
      message: `The file is ${declaration.sizeBytes} bytes; at most ${maxUploadBytes} bytes (5 MB) are accepted.`,
      details: { sizeBytes: declaration.sizeBytes, maxBytes: maxUploadBytes },
    });
  }
  const contentType = normaliseContentType(declaration.contentType);
  if (!isAllowedContentType(contentType) || !rule.contentTypes.includes(contentType)) {
    throw new DomainError('UPLOAD.TYPE_NOT_ALLOWED', {
      message: `${declaration.purpose} accepts ${rule.contentTypes.map((type) => documentTypes[type].name).join(', ')}; '${contentType}' is not one of them.`,
      details: { contentType, purpose: declaration.purpose, allowed: rule.contentTypes },
    });
  }
  return contentType;
}
