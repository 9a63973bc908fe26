import type { z } from 'zod';
import { DomainError } from './errors.ts';

/** One field-level problem: a dotted path (`data.instructions`, `artifacts.0.url`) and a message. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

/** One issue per problem; an object with names it does not accept (a strict body or query) gets one issue per name, at that name. */
export function toFieldIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldIssue[] {
  const pathOf = (path: readonly PropertyKey[]) => [...prefix, ...path].map(String).join('.');
  return error.issues.flatMap((issue): FieldIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: `Unknown name '${key}': not one this request accepts.`, code: issue.code }))
      : [{ path: pathOf(issue.path), message: issue.message, code: issue.code }],
  );
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
