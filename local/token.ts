/** `npm run token -- --role recruiter --tenant acme --sub rec-1`: prints a token the local host accepts. */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEV_ROLES, signDevToken, type DevRole } from './dev-issuer.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    tenant: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    'expires-in': { type: 'string', default: '28800' },
    'data-dir': { type: 'string', default: resolve(import.meta.dirname, '..', '.stageline') },
  },
  strict: true,
});

const problems: string[] = [];
if (!values.role || !(DEV_ROLES as readonly string[]).includes(values.role)) problems.push(`--role must be one of ${DEV_ROLES.join(', ')}`);
if (!values.tenant) problems.push('--tenant is required (e.g. acme)');
if (!values.sub) problems.push('--sub is required (the user id; for candidates, the candidate id)');
const expiresIn = Number(values['expires-in']);
if (!Number.isInteger(expiresIn) || expiresIn <= 0) problems.push('--expires-in must be a positive number of seconds');
if (problems.length > 0) {
  console.error(`Usage: npm run token -- --role <${DEV_ROLES.join('|')}> --tenant <tenant> --sub <id> [--name <name>] [--expires-in <seconds>]\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(2);
}

console.log(
  await signDevToken(values['data-dir'], {
    role: values.role as DevRole,
    tenant: values.tenant!,
    sub: values.sub!,
    expiresInSeconds: expiresIn,
    ...(values.name ? { name: values.name } : {}),
  }),
);
