/** What one run of the content gate did with a quarantine blob. */
export type GateOutcome =
  | { readonly outcome: 'accepted'; readonly uploadId: string; readonly documentId: string }
  | { readonly outcome: 'rejected'; readonly uploadId?: string; readonly reason: string }
  /** The blob is gone, or changed while it was read: the run for its new version decides. */
  | { readonly outcome: 'skipped'; readonly why: 'gone' | 'changed' };
