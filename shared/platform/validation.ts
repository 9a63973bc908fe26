import type { z } from 'zod';
import { DomainError } from './errors.ts';

/** One field-level problem: a dotted path (`data.instructions`, `artifacts.0.url`) and a message. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

export function toFieldIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

/** `REQUEST.INVALID` naming the offending fields. */
export function invalidRequest(issues: readonly FieldIssue[], message?: string): DomainError {
  return new DomainError('REQUEST.INVALID', {
    ...(message === undefined ? {} : { message }),
    details: { issues },
  });
}

/** Parses `value` or throws `REQUEST.INVALID` with field-level details; nothing else happens. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: readonly (string | number)[] = [],
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(toFieldIssues(result.error, prefix));
  return result.data;
}
