/**
 * The blob trigger `path` as the Functions host reads it (WebJobs `BlobPathSource`,
 * `BindingTemplateParser`, `BindingTemplateSource`):
 *
 * - `container` alone matches every blob in the container; `container/blob` otherwise.
 * - `{token}` captures greedily (`.*`, so it spans `/` and a later `.`); `{{` and `}}` are literal braces.
 * - The container may not hold tokens; token names are identifiers.
 * - A path without tokens matches one blob by exact (case-sensitive) text, escapes included,
 *   as the host's `FixedBlobPathSource` does.
 */

export type BlobBindingData = Readonly<Record<string, string>>;

export interface BlobPathPattern {
  readonly pattern: string;
  readonly containerName: string;
  /** Empty when the path names a container only. */
  readonly blobNamePattern: string;
  readonly parameterNames: readonly string[];
  /** The tokens captured from the blob's name, `{}` for a match without tokens, `undefined` for no match. */
  match(containerName: string, blobName: string): BlobBindingData | undefined;
}

interface TemplateToken {
  readonly value: string;
  readonly isParameter: boolean;
}

const IDENTIFIER = /^[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}_][\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}\p{Nd}\p{Pc}\p{Mn}\p{Mc}\p{Cf}]*$/u;

export function parseBlobPath(pattern: string): BlobPathPattern {
  if (typeof pattern !== 'string' || pattern.trim() === '') throw new Error('Invalid blob trigger path: it must not be empty.');
  const slash = pattern.indexOf('/');
  const hasBlobName = slash !== -1;
  const containerName = hasBlobName ? pattern.slice(0, slash) : pattern;
  const blobNamePattern = hasBlobName ? pattern.slice(slash + 1) : '';
  if ((hasBlobName && (slash === 0 || slash === pattern.length - 1)) || containerName.includes('\\')) {
    throw new Error(`Invalid blob trigger path '${pattern}'. Paths must be in the format 'container/blob'.`);
  }
  if (containerName.includes('{')) {
    throw new Error(`Invalid blob trigger path '${pattern}'. Container paths cannot contain {resolve} tokens.`);
  }

  const tokens = tokenize(pattern);
  const parameterNames = [...new Set(tokens.filter((t) => t.isParameter).map((t) => t.value))];
  const base = { pattern, containerName, blobNamePattern, parameterNames };

  if (parameterNames.length === 0) {
    return {
      ...base,
      match: (container, blobName) =>
        (hasBlobName ? `${container}/${blobName}` === pattern : container === containerName) ? {} : undefined,
    };
  }

  const { regex, groupNames } = captureRegex(tokens);
  return {
    ...base,
    match(container, blobName) {
      if (container.toLowerCase() !== containerName.toLowerCase()) return undefined;
      const found = regex.exec(`${container}/${blobName}`);
      if (!found) return undefined;
      const data: Record<string, string> = {};
      // Same name twice: the last capture wins, as with .NET's named groups.
      groupNames.forEach((name, index) => void (data[name] = found[index + 1] ?? ''));
      return data;
    },
  };
}

/** The host's token grammar: `{{`/`}}` escapes, `{parameter}`, literal runs, else an unbalanced brace. */
function tokenize(input: string): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  let i = 0;
  while (i < input.length) {
    const rest = input.slice(i);
    if (rest.startsWith('{{') || rest.startsWith('}}')) {
      tokens.push({ value: rest.charAt(0), isParameter: false });
      i += 2;
      continue;
    }
    const parameter = /^\{([^{}]*)\}/.exec(rest);
    if (parameter) {
      const name = parameter[1] ?? '';
      if (name === '') throw new Error(`Invalid template '${input}'. The parameter name at position ${i + 1} is empty.`);
      if (!IDENTIFIER.test(name)) throw new Error(`Invalid template '${input}'. The parameter name '${name}' is invalid.`);
      tokens.push({ value: name, isParameter: true });
      i += parameter[0].length;
      continue;
    }
    const literal = /^[^{}]+/.exec(rest);
    if (literal) {
      tokens.push({ value: literal[0], isParameter: false });
      i += literal[0].length;
      continue;
    }
    const side = rest.charAt(0) === '{' ? 'closing' : 'opening';
    throw new Error(`Invalid template '${input}'. Missing ${side} bracket at position ${i + 1}.`);
  }
  return tokens;
}

function captureRegex(tokens: readonly TemplateToken[]): { regex: RegExp; groupNames: string[] } {
  const groupNames: string[] = [];
  let source = '^';
  for (const token of tokens) {
    if (token.isParameter) {
      groupNames.push(token.value);
      // .NET's `.` stops only at `\n`.
      source += '([^\n]*)';
    } else {
      source += escapeRegex(token.value);
    }
  }
  return { regex: new RegExp(`${source}$`, 'u'), groupNames };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
