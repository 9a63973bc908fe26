import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, isStale, open, reseal, seal, sealedSchema } from '../../../shared/platform/crypto/envelope.ts';
import { createKeyring, encryptionKeysSchema } from '../../../shared/platform/crypto/keyring.ts';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

describe('sealed secrets (AES-256-GCM, key id per record)', () => {
  const ring = createKeyring({ k1 }, 'k1');

  it('seals with the current key and opens only with the same record binding', () => {
    const sealed = seal(ring, 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=secret', 'webhooks/w-1/url');
    expect(sealedSchema.parse(sealed)).toMatchObject({ v: 1, kid: 'k1' });
    expect(JSON.stringify(sealed)).not.toContain('secret');
    expect(open(ring, sealed, 'webhooks/w-1/url')).toBe('https://chat.googleapis.com/v1/spaces/AAA/messages?key=secret');
    expect(() => open(ring, sealed, 'webhooks/w-2/url')).toThrow(DecryptionError);
  });

  it('never repeats an IV and refuses any change to the ciphertext, tag or IV', () => {
    const a = seal(ring, 'same', 'x');
    const b = seal(ring, 'same', 'x');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    const flip = (text: string) => Buffer.from(Buffer.from(text, 'base64url').map((byte, i) => (i === 0 ? byte ^ 1 : byte))).toString('base64url');
    for (const field of ['ct', 'tag', 'iv'] as const) expect(() => open(ring, { ...a, [field]: flip(a[field]) }, 'x')).toThrow(DecryptionError);
  });

  it('rotates: the new current key seals, retired keys still open, reseal moves a record to the current key', () => {
    const old = seal(ring, 'refresh-token', 'calendarConnections/rec-1/refreshToken');
    const rotated = createKeyring({ k1, k2 }, 'k2');
    expect(isStale(rotated, old)).toBe(true);
    const moved = reseal(rotated, old, 'calendarConnections/rec-1/refreshToken');
    expect(moved.kid).toBe('k2');
    expect(isStale(rotated, moved)).toBe(false);
    expect(open(createKeyring({ k2 }, 'k2'), moved, 'calendarConnections/rec-1/refreshToken')).toBe('refresh-token');
    expect(() => open(createKeyring({ k2 }, 'k2'), old, 'calendarConnections/rec-1/refreshToken')).toThrow(/No encryption key 'k1'/);
  });

  it('validates configured keys: JSON, 32 bytes each, a current id among them', () => {
    expect(encryptionKeysSchema.safeParse(JSON.stringify({ k1 })).success).toBe(true);
    expect(encryptionKeysSchema.safeParse('{').success).toBe(false);
    expect(encryptionKeysSchema.safeParse(JSON.stringify({ k1: randomBytes(31).toString('base64') })).success).toBe(false);
    expect(encryptionKeysSchema.safeParse(JSON.stringify({})).success).toBe(false);
    expect(encryptionKeysSchema.safeParse(JSON.stringify({ 'bad id!': k1 })).success).toBe(false);
    expect(() => createKeyring({ k1 }, 'k2')).toThrow(/not among the configured keys/);
  });
});
