/**
 * Key, label and tag filters as the App Configuration REST API documents them: `*` alone
 * matches everything, `abc*` matches a prefix, `a,b` is a list of up to five alternatives,
 * `\0` (sent as `%00`) is the null label, and `\*`, `\,`, `\\` escape reserved characters.
 * A wildcard anywhere but at the end is refused, as the service refuses it.
 */
export type Matcher = (value: string | null) => boolean;

export class FilterError extends Error {
  readonly parameter: string;
  constructor(parameter: string, detail: string) {
    super(detail);
    this.parameter = parameter;
  }
}

const NULL_LABEL = '\0';
const MAX_ALTERNATIVES = 5;

export function keyMatcher(filter: string | null): Matcher {
  return compile('key', filter ?? '*', false);
}

/** A list request without a label filter lists every label. */
export function labelMatcher(filter: string | null): Matcher {
  return compile('label', filter ?? '*', true);
}

/** `tags=name=value` may repeat; every one must match (`\0` matches a null tag value). */
export function tagsMatcher(filters: readonly string[]): (tags: Readonly<Record<string, string | null>>) => boolean {
  const wanted = filters.map((filter) => {
    const at = filter.indexOf('=');
    if (at <= 0) throw new FilterError('tags', `Tag filter '${filter}' must follow the format 'tagName=tagValue'.`);
    const value = filter.slice(at + 1);
    return { name: filter.slice(0, at), value: value === NULL_LABEL ? null : value };
  });
  return (tags) => wanted.every(({ name, value }) => name in tags && tags[name] === value);
}

function compile(parameter: string, filter: string, allowNull: boolean): Matcher {
  if (filter === '*') return () => true;
  const alternatives = splitUnescaped(filter);
  if (alternatives.length > MAX_ALTERNATIVES) {
    throw new FilterError(parameter, `A ${parameter} filter may list at most ${MAX_ALTERNATIVES} values.`);
  }
  const matchers = alternatives.map((alternative) => compileOne(parameter, alternative, allowNull));
  return (value) => matchers.some((matches) => matches(value));
}

function compileOne(parameter: string, raw: string, allowNull: boolean): Matcher {
  if (allowNull && raw === NULL_LABEL) return (value) => value === null;
  let literal = '';
  let prefix = false;
  for (let i = 0; i < raw.length; i += 1) {
    const char = raw[i]!;
    if (char === '\\') {
      const next = raw[i + 1];
      if (next === undefined) throw new FilterError(parameter, `The ${parameter} filter '${raw}' ends with an escape character.`);
      literal += next;
      i += 1;
    } else if (char === '*') {
      if (i !== raw.length - 1) throw new FilterError(parameter, `The ${parameter} filter '${raw}' uses a wildcard that is not at the end.`);
      prefix = true;
    } else {
      literal += char;
    }
  }
  if (prefix) return (value) => value !== null && value.startsWith(literal);
  return (value) => value === literal;
}

function splitUnescaped(filter: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < filter.length; i += 1) {
    const char = filter[i]!;
    if (char === '\\' && i + 1 < filter.length) {
      current += char + filter[i + 1]!;
      i += 1;
    } else if (char === ',') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
