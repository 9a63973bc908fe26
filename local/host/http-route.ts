/**
 * Compiled ASP.NET Core route templates: matching a request path and ordering routes.
 *
 * Matching (as the Functions host does through ASP.NET Core routing):
 * - the path is split on `/` BEFORE decoding, then each segment is URL-decoded, so `%2F` inside a
 *   value arrives as `/` (Kestrel would keep `%2F` in the value: a documented difference);
 * - literals compare case-insensitively; a parameter needs a non-empty segment unless it is
 *   optional, has a default, or is a catch-all; one trailing `/` in the path is ignored;
 * - a catch-all takes the rest of the path (decoded, `/` kept); absent optional parameters are
 *   left out of `params`; defaults fill in when their segment is absent;
 * - constraints run after the structural match; a failing constraint means "no match".
 *
 * Precedence (`compareRoutePrecedence`), the rule of the Functions host's `WebJobsRouteBuilder`:
 * compare segment by segment, looking at the first part of each segment:
 *   1. a literal beats a parameter (`items/new` wins over `items/{id}`);
 *   2. between two parameters, the one with more inline constraints wins (`{id:int}` over `{slug}`);
 *   3. between two literals, ordinal case-insensitive text order (they can never both match);
 * and when one template is a prefix of the other, the longer one wins. Ties keep registration order.
 */
import { resolveRouteConstraint, type RouteConstraintTest } from './http-route-constraints.ts';
import { parseRouteTemplate, RouteTemplateError, type RoutePart, type RouteParameterPart } from './http-route-parser.ts';

export { RouteTemplateError } from './http-route-parser.ts';

export type RouteParams = Record<string, string>;

interface CompiledParameter {
  readonly name: string;
  readonly optional: boolean;
  readonly catchAll: boolean;
  readonly defaultValue?: string;
  readonly constraintCount: number;
  readonly test: RouteConstraintTest;
}

type CompiledSegment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'parameter'; readonly parameter: CompiledParameter }
  | { readonly kind: 'complex'; readonly first: RoutePart; readonly firstConstraints: number; readonly match: (value: string) => RouteParams | undefined };

export interface CompiledRoute {
  readonly template: string;
  readonly segments: readonly CompiledSegment[];
  /** `path` is the raw (still percent-encoded) URL path, with or without the leading `/`, no query. */
  match(path: string): RouteParams | undefined;
}

/** Compiles a route template; throws `RouteTemplateError` when it is malformed. */
export function compileRoute(template: string): CompiledRoute {
  const parsed = parseRouteTemplate(template);
  const compileParameter = (part: RouteParameterPart): CompiledParameter => {
    let tests: RouteConstraintTest[];
    try {
      tests = part.constraints.map(resolveRouteConstraint);
    } catch (error) {
      throw new RouteTemplateError(template, `parameter '${part.name}': ${(error as Error).message}`);
    }
    return {
      name: part.name,
      optional: part.optional,
      catchAll: part.catchAll,
      ...(part.defaultValue !== undefined ? { defaultValue: part.defaultValue } : {}),
      constraintCount: part.constraints.length,
      test: (value) => tests.every((test) => test(value)),
    };
  };
  const segments: CompiledSegment[] = parsed.map(({ parts }) => {
    const only = parts.length === 1 ? parts[0]! : undefined;
    if (only?.kind === 'literal') return { kind: 'literal', text: only.text };
    if (only?.kind === 'parameter') return { kind: 'parameter', parameter: compileParameter(only) };
    const first = parts[0]!;
    return {
      kind: 'complex',
      first,
      firstConstraints: first.kind === 'parameter' ? first.constraints.length : 0,
      match: compileComplexSegment(parts, compileParameter),
    };
  });
  return { template, segments, match: (path) => matchSegments(segments, splitPath(path)) };
}

function splitPath(path: string): string[] {
  let trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed.endsWith('/')) trimmed = trimmed.slice(0, -1);
  return trimmed === '' ? [] : trimmed.split('/');
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchSegments(segments: readonly CompiledSegment[], raw: readonly string[]): RouteParams | undefined {
  const params: RouteParams = {};
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i]!;
    if (segment.kind === 'parameter' && segment.parameter.catchAll) {
      const rest = raw.slice(i).map(decode).join('/');
      return bindValue(segment.parameter, rest === '' ? undefined : rest, params) ? params : undefined;
    }
    if (i >= raw.length) {
      if (segment.kind !== 'parameter' || !bindValue(segment.parameter, undefined, params)) return undefined;
      continue;
    }
    const value = decode(raw[i]!);
    if (segment.kind === 'literal') {
      if (value.toLowerCase() !== segment.text.toLowerCase()) return undefined;
    } else if (segment.kind === 'parameter') {
      if (value === '' || !bindValue(segment.parameter, value, params)) return undefined;
    } else {
      const values = segment.match(value);
      if (!values) return undefined;
      Object.assign(params, values);
    }
  }
  return raw.length > segments.length ? undefined : params;
}

/** Binds a value (or its absence) to a whole-segment parameter; false when that is not a match. */
function bindValue(parameter: CompiledParameter, value: string | undefined, params: RouteParams): boolean {
  if (value === undefined) {
    if (parameter.defaultValue !== undefined) {
      params[parameter.name] = parameter.defaultValue;
      return true;
    }
    return parameter.optional || parameter.catchAll;
  }
  if (!parameter.test(value)) return false;
  params[parameter.name] = value;
  return true;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A segment mixing literals and parameters. Parameters are greedy from the left, which gives the
 * same split as ASP.NET Core's right-to-left literal search (`{a}.{b}` on `x.y.z` → a=`x.y`, b=`z`).
 * A trailing `.{ext?}` is tried with the extension first, then without it.
 */
function compileComplexSegment(
  parts: readonly RoutePart[],
  compileParameter: (part: RouteParameterPart) => CompiledParameter,
): (value: string) => RouteParams | undefined {
  const parameters = parts.filter((part): part is RouteParameterPart => part.kind === 'parameter').map(compileParameter);
  const toRegExp = (list: readonly RoutePart[]): RegExp =>
    new RegExp(`^${list.map((part) => (part.kind === 'literal' ? escapeRegExp(part.text) : '([\\s\\S]+)')).join('')}$`, 'i');
  const full = toRegExp(parts);
  const last = parameters[parameters.length - 1];
  const withoutOptional = last?.optional ? toRegExp(parts.slice(0, -2)) : undefined;
  const bind = (found: RegExpExecArray, list: readonly CompiledParameter[]): RouteParams | undefined => {
    const params: RouteParams = {};
    for (const [index, parameter] of list.entries()) {
      const value = found[index + 1]!;
      if (!parameter.test(value)) return undefined;
      params[parameter.name] = value;
    }
    return params;
  };
  return (value) => {
    const found = full.exec(value);
    if (found) return bind(found, parameters);
    const shorter = withoutOptional?.exec(value);
    return shorter ? bind(shorter, parameters.slice(0, -1)) : undefined;
  };
}

interface SegmentHead {
  readonly isParameter: boolean;
  readonly text: string;
  readonly constraints: number;
}

function headOf(segment: CompiledSegment): SegmentHead {
  if (segment.kind === 'literal') return { isParameter: false, text: segment.text, constraints: 0 };
  if (segment.kind === 'parameter') return { isParameter: true, text: '', constraints: segment.parameter.constraintCount };
  const first = segment.first;
  return first.kind === 'literal'
    ? { isParameter: false, text: first.text, constraints: 0 }
    : { isParameter: true, text: '', constraints: segment.firstConstraints };
}

/** Negative when `a` must be tried before `b` (see the module comment for the rule). */
export function compareRoutePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  for (let i = 0; i < a.segments.length; i += 1) {
    if (i >= b.segments.length) return -1;
    const x = headOf(a.segments[i]!);
    const y = headOf(b.segments[i]!);
    if (x.isParameter !== y.isParameter) return x.isParameter ? 1 : -1;
    if (x.isParameter) {
      if (x.constraints !== y.constraints) return y.constraints - x.constraints;
    } else {
      const left = x.text.toUpperCase();
      const right = y.text.toUpperCase();
      if (left !== right) return left < right ? -1 : 1;
    }
  }
  return b.segments.length > a.segments.length ? 1 : 0;
}
