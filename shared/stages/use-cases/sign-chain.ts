import type { ApplicationDocument } from '../domain/application.schema.ts';
import { signedText } from '../domain/event-chain.ts';
import type { ChainSigner } from '../ports/chain-signer.port.ts';

/**
 * The document with every event committed after `previousSeq` and its chain head signed, as the
 * mutation path writes it. Events committed before keep their signatures; a head is re-signed
 * whenever it moved (or was never signed).
 */
export function signChain(document: ApplicationDocument, previousSeq: number, signer: ChainSigner): ApplicationDocument {
  const outbox = document.outbox.map((event) => {
    if (event.seq <= previousSeq || event.chain === undefined) return event;
    return { ...event, chain: { ...event.chain, ...signer.sign(document.id, event.seq, event.chain.hash) } };
  });
  const head = document.chainHead;
  const chainHead = head === undefined ? undefined : { seq: head.seq, hash: head.hash, ...signer.sign(document.id, head.seq, head.hash) };
  return { ...document, outbox, ...(chainHead === undefined ? {} : { chainHead }) };
}

/** The signer of the chain over a keyring-backed HMAC (`platform/crypto`); kept here so the signed text stays the domain's. */
export function chainSignerOf(hmac: { sign(text: string): { kid: string; mac: string }; verify(text: string, signature: { kid?: string; mac?: string }): boolean }): ChainSigner {
  return {
    sign: (applicationId, seq, hash) => hmac.sign(signedText(applicationId, seq, hash)),
    verify: (applicationId, seq, hash, signature) => hmac.verify(signedText(applicationId, seq, hash), signature),
  };
}
