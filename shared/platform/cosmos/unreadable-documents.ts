import type { Counter, Meter } from '@opentelemetry/api';
import { meter } from '../telemetry.ts';
import type { UnreadableDocumentError } from './cosmos-failure.ts';

let cached: { readonly meter: Meter; readonly counter: Counter } | undefined;

/**
 * A list skipped a stored document that does not fit its schema: counted
 * (`stageline.documents.unreadable{container}`) and logged with its id, loudly, so an operator
 * can repair or remove it. The rest of the list is served.
 */
export function reportUnreadable(error: UnreadableDocumentError, where: string): void {
  const current = meter();
  if (cached?.meter !== current) {
    cached = {
      meter: current,
      counter: current.createCounter('stageline.documents.unreadable', { description: 'Stored documents skipped by a list because they do not fit their schema.' }),
    };
  }
  cached.counter.add(1, { container: error.container, where });
  console.error(`[${where}] skipped unreadable document ${error.container}/${error.id}: ${error.issues.join('; ')}`);
}
