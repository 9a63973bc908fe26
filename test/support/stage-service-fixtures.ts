import type { Container, ItemDefinition } from '@azure/cosmos';
import type { Principal, Role } from '../../shared/auth/domain/principal.ts';
import type { FeatureGate, FlagState } from '../../shared/flags/ports/feature-gate.port.ts';
import { systemClock } from '../../shared/platform/clock.ts';
import { DomainError } from '../../shared/platform/errors.ts';
import { CosmosIdempotencyStore } from '../../shared/platform/idempotency/cosmos-idempotency-store.adapter.ts';
import { BatchService } from '../../shared/stages/use-cases/run-batch.ts';
import { CosmosApplicationRepository } from '../../shared/stages/adapters/cosmos-application-repository.adapter.ts';
import { CosmosRequestMeter } from '../../shared/platform/cosmos/cosmos-request-meter.ts';
import { StageService } from '../../shared/stages/use-cases/stage-use-cases.ts';
import { startLocalCosmos, tempDirectory, type LocalCosmos, type TempDirectory } from '../local/cosmos-support/cosmos-fixtures.ts';

/** A feature gate the test flips: `on`, `off`, or `unavailable`. */
export class SwitchableGate implements FeatureGate {
  readonly source = 'test';
  current: FlagState = { status: 'on' };
  reads = 0;

  set(status: 'on' | 'off' | 'unavailable'): void {
    this.current = status === 'unavailable' ? { status, reason: 'provider down (test)' } : { status };
  }

  async state(): Promise<FlagState> {
    this.reads += 1;
    return this.current;
  }

  async close(): Promise<void> {}
}

export function principal(role: Role, tenantId: string, subject: string): Principal {
  return { subject, tenantId, roles: [role] };
}

export const recruiter = (tenant = 'acme', sub = 'rec-1') => principal('recruiter', tenant, sub);
export const candidate = (tenant = 'acme', sub = 'cand-1') => principal('candidate', tenant, sub);
export const interviewer = (tenant = 'acme', sub = 'int-1') => principal('interviewer', tenant, sub);
export const admin = (tenant = 'acme', sub = 'adm-1') => principal('admin', tenant, sub);

export const document = { documentId: 'doc-1', fileName: 'letter.pdf', contentType: 'application/pdf', size: 1024 };

export interface StageServiceWorld {
  readonly cosmos: LocalCosmos;
  readonly gate: SwitchableGate;
  readonly meter: CosmosRequestMeter;
  readonly repository: CosmosApplicationRepository;
  readonly service: StageService;
  readonly batch: BatchService;
  readonly idempotency: CosmosIdempotencyStore;
  readonly applications: Container;
  /** The raw stored document, Cosmos system fields included; undefined when absent. */
  raw(applicationId: string): Promise<ItemDefinition | undefined>;
  stop(): Promise<void>;
}

/** The stage services on the embedded Cosmos DB server, with a switchable gate. */
export async function startStageServiceWorld(): Promise<StageServiceWorld> {
  const temp: TempDirectory = tempDirectory();
  const cosmos = await startLocalCosmos(temp.dir);
  const gate = new SwitchableGate();
  const meter = new CosmosRequestMeter();
  const repository = new CosmosApplicationRepository({ database: cosmos.database, meter });
  const service = new StageService({ repository, flags: gate, clock: systemClock });
  const applications = cosmos.container('applications');
  return {
    cosmos,
    gate,
    meter,
    repository,
    service,
    batch: new BatchService({ stages: service }),
    idempotency: new CosmosIdempotencyStore({ database: cosmos.database, meter }),
    applications,
    raw: async (applicationId) => (await applications.item(applicationId, applicationId).read()).resource,
    async stop() {
      await cosmos.stop();
      temp.remove();
    },
  };
}

/** The domain error a promise rejects with (fails the test when it resolves or throws something else). */
export async function domainErrorOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('Expected a DomainError, but the call succeeded');
}
