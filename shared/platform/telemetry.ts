import { metrics, type Meter } from '@opentelemetry/api';

/** The one meter Stageline records on; the host decides where it is exported. */
export function meter(): Meter {
  return metrics.getMeter('stageline');
}
