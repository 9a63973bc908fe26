import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { meter } from '../../platform/telemetry.ts';
import type { DocumentPurpose } from '../../stages/domain/document-ref.schema.ts';
import type { RejectionReason } from '../domain/upload-intent.ts';

interface UploadInstruments {
  readonly urlLatency: Histogram;
  readonly rejections: Counter;
  readonly accepted: Counter;
}

let cached: { readonly meter: Meter; readonly instruments: UploadInstruments } | undefined;

/** Created on first use, and again when a host installs another meter provider (the local host does on every start). */
function instruments(): UploadInstruments {
  const current = meter();
  if (cached?.meter !== current) cached = { meter: current, instruments: create(current) };
  return cached.instruments;
}

function create(meter: Meter): UploadInstruments {
  return {
    urlLatency: meter.createHistogram('stageline.uploads.url_latency', {
      description: 'Time to answer POST /api/uploads: checks, the intent write and the upload URL (storage probe and signing), by outcome.',
      unit: 'ms',
      advice: { explicitBucketBoundaries: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] },
    }),
    rejections: meter.createCounter('stageline.uploads.rejections', {
      description: 'Blobs the content gate refused, by reason (and purpose when the upload is known).',
    }),
    accepted: meter.createCounter('stageline.uploads.accepted', {
      description: 'Uploads the content gate accepted, stored and attached, by purpose.',
    }),
  };
}

export function recordUrlLatency(milliseconds: number, outcome: 'ok' | 'failed', purpose: DocumentPurpose): void {
  instruments().urlLatency.record(milliseconds, { outcome, purpose });
}

export function countRejection(reason: RejectionReason, purpose?: DocumentPurpose): void {
  instruments().rejections.add(1, { reason, ...(purpose === undefined ? {} : { purpose }) });
}

export function countAccepted(purpose: DocumentPurpose): void {
  instruments().accepted.add(1, { purpose });
}
