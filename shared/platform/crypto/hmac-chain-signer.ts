import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './keyring.ts';

/** HMAC-SHA256 signatures under the keyring's current key; any configured key verifies. */
export interface HmacSigner {
  sign(text: string): { kid: string; mac: string };
  verify(text: string, signature: { kid?: string; mac?: string }): boolean;
}

export function hmacSigner(keyring: Keyring): HmacSigner {
  const macWith = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
  return {
    sign: (text) => ({ kid: keyring.current.id, mac: macWith(keyring.current.key, text).toString('base64url') }),
    verify(text, signature) {
      if (typeof signature.kid !== 'string' || typeof signature.mac !== 'string') return false;
      const key = keyring.byId(signature.kid);
      if (key === undefined) return false;
      const given = Buffer.from(signature.mac, 'base64url');
      const expected = macWith(key.key, text);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
