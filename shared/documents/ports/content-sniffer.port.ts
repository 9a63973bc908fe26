import type { ContentFacts } from '../domain/content-gate.ts';

/** Reads what bytes really are (magic bytes, structure); never trusts a name or a declared type. */
export interface ContentSniffer {
  sniff(bytes: Uint8Array): Promise<ContentFacts>;
}
