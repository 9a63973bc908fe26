import { LRUCache } from 'lru-cache';
import type { TimelineAppender } from '../ports/timeline-appender.port.ts';

const DEFAULT_MAX_APPLICATIONS = 50_000;

/**
 * The timeline appender with a memory of what this instance knows is on the timeline: the
 * highest seq per application it appended (or found there). The publisher asks "has the
 * previous event left?" before each publish; when this instance published it (the usual case:
 * the change feed's lease keeps an application's changes on one instance), the answer needs no
 * read. A timeline only grows, so a remembered answer is never wrong; anything not remembered
 * (after a restart, a lease that moved, an append that failed) is asked of the store.
 */
export function rememberPublished(inner: TimelineAppender, maxApplications = DEFAULT_MAX_APPLICATIONS): TimelineAppender {
  const highest = new LRUCache<string, number>({ max: maxApplications });
  const remember = (tenantId: string, applicationId: string, seq: number): void => {
    const key = JSON.stringify([tenantId, applicationId]);
    if ((highest.get(key) ?? 0) < seq) highest.set(key, seq);
  };
  return {
    async append(events, recordedAt) {
      const outcome = await inner.append(events, recordedAt);
      for (const event of events) remember(event.tenantId, event.applicationId, event.seq);
      return outcome;
    },
    async isPublished(tenantId, applicationId, seq) {
      if ((highest.get(JSON.stringify([tenantId, applicationId])) ?? 0) >= seq) return true;
      const published = await inner.isPublished(tenantId, applicationId, seq);
      if (published) remember(tenantId, applicationId, seq);
      return published;
    },
  };
}
