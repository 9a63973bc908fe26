/**
 * Canonical JSON (the JSON Canonicalization Scheme, RFC 8785, for the values Stageline stores):
 * object keys sorted by UTF-16 code units at every level, no whitespace, strings and numbers as
 * `JSON.stringify` writes them. Object members whose value is `undefined` are left out, as JSON
 * does; anything JSON cannot carry (a non-finite number, a function, a bigint) is refused, so two
 * writers can never hash different text for the same stored value.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`Canonical JSON cannot carry the number ${value}.`);
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
      return canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`Canonical JSON cannot carry a value of type ${typeof value}.`);
  }
}

function canonicalObject(object: Record<string, unknown>): string {
  const members = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`);
  return `{${members.join(',')}}`;
}
