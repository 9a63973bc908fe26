import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/platform/canonical-json.ts';
import { GENESIS_HASH, hashOf } from '../../../shared/timeline/domain/timeline-entry.ts';

describe('canonical JSON', () => {
  it('sorts keys at every level, keeps array order, writes no whitespace', () => {
    const value = { b: 1, a: { z: [3, { y: true, x: null }], c: 'é"\n' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"é\\"\\n","z":[3,{"x":null,"y":true}]},"b":1}');
  });

  it('gives the same text whatever order the keys were written in', () => {
    expect(canonicalJson({ seq: 2, id: 'a:2', event: { kind: 'k', actor: { role: 'r', id: 'i' } } })).toBe(
      canonicalJson({ event: { actor: { id: 'i', role: 'r' }, kind: 'k' }, id: 'a:2', seq: 2 }),
    );
  });

  it('leaves out undefined members as JSON does and refuses what JSON cannot carry', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(/Infinity/);
    expect(() => canonicalJson({ n: 10n })).toThrow(/bigint/);
  });

  it('sorts keys by UTF-16 code units (RFC 8785), not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, '€': 4, '1': 5 })).toBe('{"1":5,"B":2,"a":3,"b":1,"€":4}');
  });

  it('hashes an entry as SHA-256 over the canonical JSON of id, applicationId, seq, prevHash and the event (no recordedAt, no chain fields)', () => {
    const event = { seq: 1, id: 'app:1', applicationId: 'app', b: 2, a: 1 };
    const expectedText = `{"applicationId":"app","event":{"a":1,"applicationId":"app","b":2,"id":"app:1","seq":1},"id":"app:1","prevHash":"${GENESIS_HASH}","seq":1}`;
    const expected = createHash('sha256').update(expectedText, 'utf8').digest('hex');
    expect(hashOf({ event: event as never, prevHash: GENESIS_HASH })).toBe(expected);
    expect(hashOf({ event: { ...event, chain: { prevHash: 'x', hash: 'y' } } as never, prevHash: GENESIS_HASH })).toBe(expected);
  });
});
