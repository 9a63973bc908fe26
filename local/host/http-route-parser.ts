/**
 * Parses an ASP.NET Core route template (the syntax of an HTTP trigger's `route`) into segments.
 *
 * Grammar (what the Functions host accepts through ASP.NET Core routing):
 * - segments separated by `/`; a leading `/` or `~/` and one trailing `/` are ignored;
 * - literal text, matched case-insensitively; `{{` and `}}` are literal braces; `?` is not allowed;
 * - parameters `{name}`, optional `{name?}`, default `{name=value}`, catch-all `{*name}` / `{**name}`,
 *   constraints `{name:int}`, `{name:minlength(3)}`, chained `{name:int:min(1)}`;
 * - a segment may mix literals and parameters (`{file}.{ext?}`), as in ASP.NET Core.
 *
 * This module only checks the syntax; `http-route-constraints.ts` resolves constraint names.
 */

export interface RouteConstraintSpec {
  /** Constraint name as written, e.g. `int`, `regex`. */
  readonly name: string;
  /** Text between the parentheses, if any, e.g. `3` for `minlength(3)`. */
  readonly argument?: string;
}

export interface RouteLiteralPart {
  readonly kind: 'literal';
  readonly text: string;
}

export interface RouteParameterPart {
  readonly kind: 'parameter';
  readonly name: string;
  readonly optional: boolean;
  readonly catchAll: boolean;
  readonly defaultValue?: string;
  readonly constraints: readonly RouteConstraintSpec[];
}

export type RoutePart = RouteLiteralPart | RouteParameterPart;

export interface RouteSegment {
  readonly parts: readonly RoutePart[];
}

export class RouteTemplateError extends Error {
  readonly template: string;
  readonly reason: string;
  constructor(template: string, reason: string) {
    super(`Invalid route template '${template}': ${reason}`);
    this.name = 'RouteTemplateError';
    this.template = template;
    this.reason = reason;
  }
}

const FORBIDDEN_NAME_CHARS = /[{}/?*=:\s]/;

export function parseRouteTemplate(template: string): RouteSegment[] {
  const fail = (reason: string): never => {
    throw new RouteTemplateError(template, reason);
  };
  let text = template.startsWith('~/') ? template.slice(2) : template.startsWith('/') ? template.slice(1) : template;
  if (text.length > 1 && text.endsWith('/') && !text.endsWith('//')) text = text.slice(0, -1);

  const segments: RouteSegment[] = [];
  let parts: RoutePart[] = [];
  let literal = '';
  const flushLiteral = (): void => {
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  const endSegment = (): void => {
    flushLiteral();
    if (parts.length === 0) fail("the separator '/' cannot appear consecutively (empty segment)");
    segments.push({ parts });
    parts = [];
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/') {
      endSegment();
      i += 1;
    } else if (c === '{' && next === '{') {
      literal += '{';
      i += 2;
    } else if (c === '}' && next === '}') {
      literal += '}';
      i += 2;
    } else if (c === '{') {
      const { body, end } = readParameterBody(text, i + 1, fail);
      flushLiteral();
      parts.push(parseParameter(body, fail));
      i = end;
    } else if (c === '}') {
      fail("unmatched '}' (write '}}' for a literal brace)");
    } else if (c === '?') {
      fail("'?' may only end a parameter, as in '{id?}'");
    } else {
      literal += c;
      i += 1;
    }
  }
  if (text.length > 0) endSegment();
  validateSegments(segments, fail);
  return segments;
}

/** Reads a parameter's text after its `{`; `{{`/`}}` inside it are literal braces. */
function readParameterBody(text: string, start: number, fail: (reason: string) => never): { body: string; end: number } {
  let body = '';
  let i = start;
  for (;;) {
    if (i >= text.length) fail('a parameter is missing its closing brace');
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '}' && next === '}') {
      body += '}';
      i += 2;
    } else if (c === '}') {
      return { body, end: i + 1 };
    } else if (c === '{' && next === '{') {
      body += '{';
      i += 2;
    } else if (c === '{') {
      fail("a parameter cannot contain '{' (write '{{' for a literal brace)");
    } else {
      body += c;
      i += 1;
    }
  }
}

function parseParameter(raw: string, fail: (reason: string) => never): RouteParameterPart {
  let body = raw;
  let catchAll = false;
  if (body.startsWith('**')) [catchAll, body] = [true, body.slice(2)];
  else if (body.startsWith('*')) [catchAll, body] = [true, body.slice(1)];

  let optional = false;
  if (body.endsWith('?')) [optional, body] = [true, body.slice(0, -1)];

  const nameEnd = body.search(/[:=]/);
  const name = nameEnd === -1 ? body : body.slice(0, nameEnd);
  if (!name) fail(`parameter '{${raw}}' has no name`);
  if (FORBIDDEN_NAME_CHARS.test(name)) fail(`parameter name '${name}' contains an invalid character`);

  const constraints: RouteConstraintSpec[] = [];
  let i = nameEnd === -1 ? body.length : nameEnd;
  while (body[i] === ':') {
    const nameMatch = /^[A-Za-z0-9_]*/.exec(body.slice(i + 1))![0];
    if (!nameMatch) fail(`parameter '${name}' has an empty constraint`);
    i += 1 + nameMatch.length;
    if (body[i] === '(') {
      const close = findClosingParen(body, i);
      if (close === -1) fail(`constraint '${nameMatch}' of parameter '${name}' has unbalanced parentheses`);
      constraints.push({ name: nameMatch, argument: body.slice(i + 1, close) });
      i = close + 1;
    } else {
      constraints.push({ name: nameMatch });
    }
    if (i < body.length && body[i] !== ':' && body[i] !== '=') {
      fail(`unexpected '${body.slice(i)}' after constraint '${nameMatch}' of parameter '${name}'`);
    }
  }
  const defaultValue = body[i] === '=' ? body.slice(i + 1) : undefined;

  if (catchAll && optional) fail(`catch-all parameter '${name}' cannot be marked optional (it already matches nothing)`);
  if (optional && defaultValue !== undefined) fail(`optional parameter '${name}' cannot have a default value`);
  return { kind: 'parameter', name, optional, catchAll, constraints, ...(defaultValue !== undefined ? { defaultValue } : {}) };
}

/** Index of the `)` closing the `(` at `open`, skipping `\`-escapes and `[...]` classes (for regex arguments). */
function findClosingParen(text: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') i += 1;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth += 1;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

function validateSegments(segments: readonly RouteSegment[], fail: (reason: string) => never): void {
  const seen = new Set<string>();
  let optionalFrom: string | undefined;
  segments.forEach((segment, index) => {
    const params = segment.parts.filter((part): part is RouteParameterPart => part.kind === 'parameter');
    for (const param of params) {
      const key = param.name.toLowerCase();
      if (seen.has(key)) fail(`the parameter name '${param.name}' appears more than once`);
      seen.add(key);
      if (param.catchAll && index !== segments.length - 1) fail(`catch-all parameter '${param.name}' must be in the last segment`);
    }
    const whole = segment.parts.length === 1 ? params[0] : undefined;
    if (whole) {
      const skippable = whole.optional || whole.catchAll || whole.defaultValue !== undefined;
      if (optionalFrom && !skippable) {
        fail(`segment '{${whole.name}}' follows optional parameter '${optionalFrom}'; only optional segments may follow it`);
      }
      if (skippable) optionalFrom ??= whole.name;
      return;
    }
    if (optionalFrom) fail(`a segment with literal text follows optional parameter '${optionalFrom}'`);
    validateComplexSegment(segment.parts, fail);
  });
}

/** A segment such as `{name}.{ext?}`: ASP.NET Core's rules for mixing literals and parameters. */
function validateComplexSegment(parts: readonly RoutePart[], fail: (reason: string) => never): void {
  parts.forEach((part, index) => {
    if (part.kind !== 'parameter') return;
    const previous = parts[index - 1];
    if (previous?.kind === 'parameter') {
      fail(`parameters '${previous.name}' and '${part.name}' must be separated by '/' or literal text`);
    }
    if (part.catchAll) fail(`catch-all parameter '${part.name}' must be a whole segment`);
    if (part.defaultValue !== undefined) fail(`parameter '${part.name}' with a default value must be a whole segment`);
    if (part.optional) {
      if (index !== parts.length - 1) fail(`optional parameter '${part.name}' must be at the end of its segment`);
      if (previous?.kind !== 'literal' || previous.text !== '.') {
        fail(`optional parameter '${part.name}' inside a segment must be preceded by '.' alone, as in '{name}.{ext?}'`);
      }
    }
  });
}
