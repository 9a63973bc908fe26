import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The `Values` of `local.settings.json` when the user has one, else of the committed
 * `local.settings.sample.json`: the same file Core Tools reads under `func start`.
 */
export function readLocalSettings(projectDir: string, file?: string): { path: string; values: Record<string, string> } {
  const candidates = file ? [resolve(projectDir, file)] : [resolve(projectDir, 'local.settings.json'), resolve(projectDir, 'local.settings.sample.json')];
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) throw new Error(`No settings file: looked for ${candidates.join(' and ')}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const values = (parsed as { Values?: unknown }).Values;
  if (typeof values !== 'object' || values === null) throw new Error(`${path} has no "Values" object`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string') throw new Error(`${path}: Values.${key} must be a string`);
    out[key] = value;
  }
  return { path, values: out };
}

/** Resolves `%Name%` app-setting indirection used in trigger options. */
export function resolveSetting(value: unknown, settings: Readonly<Record<string, string | undefined>>): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^%([^%]+)%$/.exec(value);
  if (!match) return value;
  const resolved = settings[match[1]!];
  if (resolved === undefined) throw new Error(`App setting ${match[1]} (referenced as ${value}) is not set`);
  return resolved;
}
