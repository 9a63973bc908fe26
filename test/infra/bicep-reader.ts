/**
 * A small reader of the Bicep declarations the infrastructure test needs (no Bicep compiler can be
 * installed here). It reads literal values — `var name = <array | object | string | number | bool |
 * null>` with multi-line or comma-separated items — and the blocks of `resource` declarations. Anything
 * that is not a literal (a parameter, a function call, an interpolated string) comes back as
 * `{ expr: '<source text>' }`, so the test can still compare it as text. It relies on the modules
 * keeping these declarations regular (one property per line, literals where the test compares).
 */
export type BicepValue = string | number | boolean | null | BicepValue[] | { readonly [key: string]: BicepValue } | BicepExpression;

export interface BicepExpression {
  readonly expr: string;
}

export function isExpression(value: BicepValue | undefined): value is BicepExpression {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { expr?: unknown }).expr === 'string' && Object.keys(value).length === 1;
}

class Reader {
  readonly text: string;
  pos: number;

  constructor(text: string, pos: number) {
    this.text = text;
    this.pos = pos;
  }

  /** Skips spaces, newlines (when `newlines`) and `//` comments. */
  skip(newlines: boolean): void {
    for (;;) {
      const char = this.text[this.pos];
      if (char === ' ' || char === '\t' || char === '\r' || (newlines && char === '\n')) this.pos += 1;
      else if (char === '/' && this.text[this.pos + 1] === '/') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos += 1;
      else return;
    }
  }

  fail(what: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new Error(`Bicep reader: ${what} at line ${line}: ${JSON.stringify(this.text.slice(this.pos, this.pos + 40))}`);
  }

  value(): BicepValue {
    this.skip(true);
    const char = this.text[this.pos];
    if (char === '[') return this.array();
    if (char === '{') return this.object();
    if (char === "'") return this.string();
    const literal = /^(-?\d+|null|true|false)(?=[\s,\]}]|$)/.exec(this.text.slice(this.pos));
    if (literal) {
      this.pos += literal[0].length;
      const token = literal[1]!;
      return token === 'null' ? null : token === 'true' ? true : token === 'false' ? false : Number(token);
    }
    return this.expression();
  }

  array(): BicepValue[] {
    this.pos += 1;
    const items: BicepValue[] = [];
    for (;;) {
      this.skip(true);
      if (this.text[this.pos] === ']') return (this.pos += 1), items;
      items.push(this.value());
      this.skip(false);
      if (this.text[this.pos] === ',') this.pos += 1;
      else if (this.text[this.pos] !== '\n' && this.text[this.pos] !== ']') this.fail('expected a new line, "," or "]" after an array item');
    }
  }

  object(): { [key: string]: BicepValue } {
    this.pos += 1;
    const entries: { [key: string]: BicepValue } = {};
    for (;;) {
      this.skip(true);
      if (this.text[this.pos] === '}') return (this.pos += 1), entries;
      const key = /^(?:([A-Za-z_$][A-Za-z0-9_$]*)|'((?:[^'\\]|\\.)*)')\s*:/.exec(this.text.slice(this.pos));
      if (!key) this.fail('expected a property name');
      this.pos += key[0].length;
      entries[key[1] ?? key[2]!] = this.value();
      this.skip(false);
      if (this.text[this.pos] === ',') this.pos += 1;
      else if (this.text[this.pos] !== '\n' && this.text[this.pos] !== '}') this.fail('expected a new line, "," or "}" after a property');
    }
  }

  string(): string | BicepExpression {
    const start = this.pos;
    this.pos += 1;
    let out = '';
    let interpolated = false;
    for (;;) {
      const char = this.text[this.pos];
      if (char === undefined || char === '\n') this.fail('unterminated string');
      if (char === '\\') {
        const next = this.text[this.pos + 1]!;
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        this.pos += 2;
        continue;
      }
      if (char === '$' && this.text[this.pos + 1] === '{') interpolated = true;
      this.pos += 1;
      if (char === "'") break;
      out += char;
    }
    return interpolated ? { expr: this.text.slice(start, this.pos) } : out;
  }

  /** Up to the end of the line, a "," or a closing bracket at depth 0. */
  expression(): BicepExpression {
    const start = this.pos;
    let depth = 0;
    let quoted = false;
    for (; this.pos < this.text.length; this.pos += 1) {
      const char = this.text[this.pos]!;
      if (quoted) {
        if (char === '\\') this.pos += 1;
        else if (char === "'") quoted = false;
        continue;
      }
      if (char === "'") quoted = true;
      else if (char === '(' || char === '[' || char === '{') depth += 1;
      else if (char === ')' || char === ']' || char === '}') {
        if (depth === 0) break;
        depth -= 1;
      } else if (depth === 0 && (char === '\n' || char === ',')) break;
    }
    const expr = this.text.slice(start, this.pos).trim();
    if (expr === '') this.fail('expected a value');
    return { expr };
  }
}

/** The literal value of `var <name> = …` (declared at the start of a line). */
export function readVar(text: string, name: string): BicepValue {
  const match = new RegExp(`^var ${name} = `, 'm').exec(text);
  if (!match) throw new Error(`Bicep reader: no "var ${name}"`);
  return new Reader(text, match.index + match[0].length).value();
}

/** Whether the file declares `var <name>`. */
export function hasVar(text: string, name: string): boolean {
  return new RegExp(`^var ${name} = `, 'm').test(text);
}

export interface ResourceDeclaration {
  readonly symbol: string;
  /** `Microsoft.Storage/storageAccounts` (without the API version). */
  readonly type: string;
  readonly existing: boolean;
  /** The `if (…)` condition, when the resource is conditional. */
  readonly condition?: string;
  /** The declaration's body, from its first `{` (or `[` for a loop) to the matching bracket. */
  readonly body: string;
}

/** Every `resource` declaration of the file. */
export function readResources(text: string): ResourceDeclaration[] {
  const found: ResourceDeclaration[] = [];
  const pattern = /^resource (\w+) '([^'@]+)@[^']+'( existing)? = (?:if \((.*)\) )?([{[])/gm;
  for (const match of text.matchAll(pattern)) {
    const open = match.index + match[0].length - 1;
    found.push({
      symbol: match[1]!,
      type: match[2]!,
      existing: match[3] !== undefined,
      ...(match[4] !== undefined ? { condition: match[4] } : {}),
      body: text.slice(open, matchingBracket(text, open) + 1),
    });
  }
  return found;
}

/** The value of `<property>: …` on its own line inside a resource body (top level or nested), as written. */
export function propertyText(body: string, property: string): string | undefined {
  return new RegExp(`^\\s*${property}: (.+)$`, 'm').exec(body)?.[1]?.trim();
}

function matchingBracket(text: string, open: number): number {
  const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  let quoted = false;
  for (let pos = open; pos < text.length; pos += 1) {
    const char = text[pos]!;
    if (quoted) {
      if (char === '\\') pos += 1;
      else if (char === "'") quoted = false;
      continue;
    }
    if (char === "'") quoted = true;
    else if (char === '/' && text[pos + 1] === '/') while (pos < text.length && text[pos + 1] !== '\n') pos += 1;
    else if (pairs[char]) stack.push(pairs[char]!);
    else if (char === stack.at(-1)) {
      stack.pop();
      if (stack.length === 0) return pos;
    }
  }
  throw new Error(`Bicep reader: unbalanced bracket from offset ${open}`);
}

/** ISO 8601 durations as Service Bus writes them (`PT1M`, `PT10M`, `P1D`, `PT30S`, `P7D`) in ms. */
export function isoDurationMs(duration: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) throw new Error(`not an ISO 8601 duration: ${duration}`);
  const [, days, hours, minutes, seconds] = match;
  return ((Number(days ?? 0) * 24 + Number(hours ?? 0)) * 60 + Number(minutes ?? 0)) * 60_000 + Number(seconds ?? 0) * 1000;
}
