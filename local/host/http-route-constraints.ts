/**
 * ASP.NET Core inline route constraints, as the Functions host resolves them. Each test receives
 * the URL-decoded segment value. Parsing follows .NET's invariant-culture rules where JavaScript
 * can mirror them cheaply; see the notes on `double`/`datetime`/`guid` below for approximations.
 */
import type { RouteConstraintSpec } from './http-route-parser.ts';

export type RouteConstraintTest = (value: string) => boolean;

/** .NET `NumberStyles.Integer`: optional surrounding white space and a leading sign. */
const INTEGER = /^[ \t\n\v\f\r]*[+-]?\d+[ \t\n\v\f\r]*$/;
/** .NET `NumberStyles.Float | AllowThousands` (approximation: no currency/culture symbols). */
const FLOAT = /^[ \t\n\v\f\r]*[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\v\f\r]*$/;
const HEX = '[0-9a-fA-F]';
const GUID_D = `${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}`;
/** `Guid.TryParse` formats N, D, B and P (the rarely used X format is not accepted). */
const GUID = new RegExp(`^\\s*(?:${HEX}{32}|${GUID_D}|\\{${GUID_D}\\}|\\(${GUID_D}\\))\\s*$`);
const INT32: readonly [bigint, bigint] = [-(2n ** 31n), 2n ** 31n - 1n];
const INT64: readonly [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];

function parseInteger(value: string, [min, max]: readonly [bigint, bigint]): bigint | undefined {
  if (!INTEGER.test(value)) return undefined;
  const parsed = BigInt(value.trim());
  return parsed >= min && parsed <= max ? parsed : undefined;
}

function integerArgument(spec: RouteConstraintSpec, index = 0, count = 1): bigint[] {
  const args = (spec.argument ?? '').split(',').map((arg) => arg.trim());
  if (spec.argument === undefined || args.length !== count) {
    throw new Error(`constraint '${spec.name}' expects ${count} integer argument${count > 1 ? 's' : ''}, e.g. ${spec.name}(${count > 1 ? '1,10' : '3'})`);
  }
  return args.slice(index).map((arg) => {
    const parsed = parseInteger(arg, INT64);
    if (parsed === undefined) throw new Error(`constraint '${spec.name}' has a non-integer argument '${arg}'`);
    return parsed;
  });
}

function noArgument(spec: RouteConstraintSpec, test: RouteConstraintTest): RouteConstraintTest {
  if (spec.argument !== undefined) throw new Error(`constraint '${spec.name}' takes no argument`);
  return test;
}

type ConstraintFactory = (spec: RouteConstraintSpec) => RouteConstraintTest;

const CONSTRAINTS: Readonly<Record<string, ConstraintFactory>> = {
  int: (spec) => noArgument(spec, (value) => parseInteger(value, INT32) !== undefined),
  long: (spec) => noArgument(spec, (value) => parseInteger(value, INT64) !== undefined),
  bool: (spec) => noArgument(spec, (value) => /^(true|false)$/i.test(value.trim())),
  alpha: (spec) => noArgument(spec, (value) => /^[a-z]*$/i.test(value)),
  guid: (spec) => noArgument(spec, (value) => GUID.test(value)),
  decimal: (spec) => noArgument(spec, (value) => FLOAT.test(value) && !/[eE]/.test(value)),
  double: (spec) => noArgument(spec, (value) => FLOAT.test(value) || /^\s*[+-]?(Infinity|NaN)\s*$/.test(value)),
  float: (spec) => noArgument(spec, (value) => FLOAT.test(value) || /^\s*[+-]?(Infinity|NaN)\s*$/.test(value)),
  /** Approximation of `DateTime.TryParse` (invariant culture): anything `Date.parse` accepts. */
  datetime: (spec) => noArgument(spec, (value) => /\d/.test(value) && !Number.isNaN(Date.parse(value))),
  required: (spec) => noArgument(spec, (value) => value.length > 0),
  file: (spec) => noArgument(spec, isFileName),
  nonfile: (spec) => noArgument(spec, (value) => !isFileName(value)),
  minlength: (spec) => {
    const [min] = integerArgument(spec);
    return (value) => BigInt(value.length) >= min!;
  },
  maxlength: (spec) => {
    const [max] = integerArgument(spec);
    return (value) => BigInt(value.length) <= max!;
  },
  length: (spec) => {
    const count = spec.argument?.includes(',') ? 2 : 1;
    const [min, max = min] = integerArgument(spec, 0, count);
    return (value) => BigInt(value.length) >= min! && BigInt(value.length) <= max!;
  },
  min: (spec) => {
    const [min] = integerArgument(spec);
    return (value) => (parseInteger(value, INT64) ?? min! - 1n) >= min!;
  },
  max: (spec) => {
    const [max] = integerArgument(spec);
    return (value) => (parseInteger(value, INT64) ?? max! + 1n) <= max!;
  },
  range: (spec) => {
    const [min, max] = integerArgument(spec, 0, 2);
    return (value) => {
      const parsed = parseInteger(value, INT64);
      return parsed !== undefined && parsed >= min! && parsed <= max!;
    };
  },
  /**
   * Like ASP.NET Core: case-insensitive and NOT anchored (write `^...$` to match the whole value).
   * The pattern runs on JavaScript's engine, whose syntax differs from .NET's in rare corners.
   */
  regex: (spec) => {
    if (!spec.argument) throw new Error("constraint 'regex' needs a pattern, e.g. regex(^\\d{{3}}$)");
    let pattern: RegExp;
    try {
      pattern = new RegExp(spec.argument, 'i');
    } catch (error) {
      throw new Error(`constraint 'regex(${spec.argument})' is not a valid regular expression: ${(error as Error).message}`);
    }
    return (value) => pattern.test(value);
  },
};

/** ASP.NET Core's `file` constraint: the last path segment has a dot with text after it. */
function isFileName(value: string): boolean {
  const last = value.slice(value.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot >= 0 && dot < last.length - 1;
}

export const SUPPORTED_ROUTE_CONSTRAINTS: readonly string[] = Object.keys(CONSTRAINTS);

/** Throws an `Error` whose message names the constraint when it is unknown or its arguments are bad. */
export function resolveRouteConstraint(spec: RouteConstraintSpec): RouteConstraintTest {
  const factory = CONSTRAINTS[spec.name.toLowerCase()];
  if (!factory) {
    throw new Error(`unknown constraint '${spec.name}' (supported: ${SUPPORTED_ROUTE_CONSTRAINTS.join(', ')})`);
  }
  return factory(spec);
}
