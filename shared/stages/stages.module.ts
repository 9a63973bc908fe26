import type { Database } from '@azure/cosmos';
import type { FeatureGate } from '../flags/ports/feature-gate.port.ts';
import type { Clock } from '../platform/clock.ts';
import type { IdempotencyStore } from '../platform/idempotency/idempotency.ts';
import { CosmosIdempotencyStore } from '../platform/idempotency/cosmos-idempotency-store.adapter.ts';
import { BatchService } from './use-cases/run-batch.ts';
import { CosmosApplicationRepository } from './adapters/cosmos-application-repository.adapter.ts';
import { CosmosRequestMeter } from '../platform/cosmos/cosmos-request-meter.ts';
import { StageService } from './use-cases/stage-use-cases.ts';

/** The stage module as the entry points use it. */
export interface StageServices {
  readonly service: StageService;
  readonly batch: BatchService;
  /**
   * The `applications` repository for other modules (the outbox publisher): its requests are
   * counted under the `events` scope, apart from the API's own.
   */
  readonly repository: CosmosApplicationRepository;
  readonly idempotency: IdempotencyStore;
  /** Cosmos DB requests sent by the stage module (applications and idempotency containers), and by the event stores under the `events` scope. */
  readonly requests: CosmosRequestMeter;
}

export interface StageServicesOptions {
  readonly database: Database;
  readonly flags: FeatureGate;
  readonly clock: Clock;
}

export function createStageServices(options: StageServicesOptions): StageServices {
  const requests = new CosmosRequestMeter();
  const own = new CosmosApplicationRepository({ database: options.database, meter: requests });
  const service = new StageService({ repository: own, flags: options.flags, clock: options.clock });
  return {
    service,
    batch: new BatchService({ stages: service }),
    repository: new CosmosApplicationRepository({ database: options.database, meter: requests, meterScope: 'events' }),
    idempotency: new CosmosIdempotencyStore({ database: options.database, meter: requests }),
    requests,
  };
}
