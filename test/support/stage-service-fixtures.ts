import type { Container, ItemDefinition } from '@azure/cosmos';
import type { Access } from '../../shared/auth/domain/permissions.ts';
import type { Role } from '../../shared/auth/domain/principal.ts';
import { legacyStages } from '../../shared/legacy/domain/legacy-stages.ts';
import { testChainSigner } from './test-chain-signer.ts';
import type { FeatureGate, FlagState } from '../../shared/flags/ports/feature-gate.port.ts';
import { systemClock } from '../../shared/platform/clock.ts';
import { DomainError } from '../../shared/platform/errors.ts';
import { CosmosIdempotencyStore } from '../../shared/platform/idempotency/cosmos-idempotency-store.adapter.ts';
import { CosmosApplicationRepository } from '../../shared/stages/adapters/cosmos-application-repository.adapter.ts';
import { CosmosRequestMeter } from '../../shared/platform/cosmos/cosmos-request-meter.ts';
import { randomUUID } from 'node:crypto';
import type { DocumentRef } from '../../shared/stages/domain/document-ref.schema.ts';
import type { DocumentLookup, VerifiedDocuments } from '../../shared/stages/ports/verified-documents.port.ts';
import type { PublishedEvents } from '../../shared/stages/ports/published-events.port.ts';
import { ApplicationMutator } from '../../shared/stages/use-cases/application-mutator.ts';
import { bindStageUseCases, noInterviewBooking, type StageUseCases } from '../../shared/stages/stages.module.ts';
import type { StageDeps } from '../../shared/stages/use-cases/stage-deps.ts';
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

/** The access `authorize` hands a use case for a caller acting as `role`. */
export function principal(role: Role, tenantId: string, subject: string): Access {
  return { tenantId, actor: { role, id: subject } };
}

export const recruiter = (tenant = 'acme', sub = 'rec-1') => principal('recruiter', tenant, sub);
export const candidate = (tenant = 'acme', sub = 'cand-1') => principal('candidate', tenant, sub);
export const interviewer = (tenant = 'acme', sub = 'int-1') => principal('interviewer', tenant, sub);
export const admin = (tenant = 'acme', sub = 'adm-1') => principal('admin', tenant, sub);

/** A verified document as the documents capability hands it out. */
export const document = { documentId: 'doc-1', fileName: 'letter.pdf', contentType: 'application/pdf', size: 1024 };
/** How a create body names it. */
export const documentId = { documentId: document.documentId };

/**
 * Verified documents for the use-case tier, until the documents capability is wired in: every
 * lookup of a document id the test registered (any tenant's lookups are recorded).
 */
export class VerifiedDocumentsTable implements VerifiedDocuments {
  readonly #byId = new Map<string, DocumentRef>([[document.documentId, document]]);
  readonly lookups: DocumentLookup[] = [];

  add(ref: DocumentRef): void {
    this.#byId.set(ref.documentId, ref);
  }

  async find(lookup: DocumentLookup): Promise<DocumentRef | undefined> {
    this.lookups.push(lookup);
    return this.#byId.get(lookup.documentId);
  }
}

export interface StageServiceWorld {
  readonly cosmos: LocalCosmos;
  readonly gate: SwitchableGate;
  readonly meter: CosmosRequestMeter;
  readonly repository: CosmosApplicationRepository;
  readonly service: StageUseCases;
  readonly deps: StageDeps;
  readonly documents: VerifiedDocumentsTable;
  readonly idempotency: CosmosIdempotencyStore;
  readonly applications: Container;
  /** The same use cases over another repository (a wrapper that slows or contends), with its own mutator. */
  useCasesOn(repository: CosmosApplicationRepository): StageUseCases;
  /** The raw stored document, Cosmos system fields included; undefined when absent (see `storedApplication`). */
  raw(applicationId: string, tenantId?: string): Promise<ItemDefinition | undefined>;
  stop(): Promise<void>;
}

/** The stage services on the embedded Cosmos DB server, with a switchable gate. */
export async function startStageServiceWorld(): Promise<StageServiceWorld> {
  const temp: TempDirectory = tempDirectory();
  const cosmos = await startLocalCosmos(temp.dir);
  const gate = new SwitchableGate();
  const meter = new CosmosRequestMeter();
  const repository = new CosmosApplicationRepository({ database: cosmos.database, meter });
  const documents = new VerifiedDocumentsTable();
  const deps: StageDeps = {
    applications: repository,
    flags: gate,
    clock: systemClock,
    mutator: new ApplicationMutator({ repository, flags: gate, clock: systemClock, signer: testChainSigner, published: nothingPublished }),
    legacy: legacyStages,
    signer: testChainSigner,
    documents,
    interviews: noInterviewBooking,
    newId: randomUUID,
  };
  const applications = cosmos.container('applications');
  return {
    cosmos,
    gate,
    meter,
    repository,
    service: bindStageUseCases(deps),
    deps,
    documents,
    useCasesOn: (other) =>
      bindStageUseCases({ ...deps, applications: other, mutator: new ApplicationMutator({ repository: other, flags: gate, clock: systemClock, signer: testChainSigner, published: nothingPublished }) }),
    idempotency: new CosmosIdempotencyStore({ database: cosmos.database, meter }),
    applications,
    raw: (applicationId, tenantId) => storedApplication(applications, applicationId, tenantId),
    async stop() {
      await cosmos.stop();
      temp.remove();
    },
  };
}

/** No timeline here: nothing counts as published, so the outbox keeps every event (the stage-service tests read it). */
const nothingPublished: PublishedEvents = { isPublished: async () => false };

/**
 * The stored application document, Cosmos system fields included: a point read when the tenant is
 * given, otherwise the one document with that id in any tenant (more than one is a test error).
 */
export async function storedApplication(applications: Container, applicationId: string, tenantId?: string): Promise<ItemDefinition | undefined> {
  if (tenantId !== undefined) return (await applications.item(applicationId, [tenantId, applicationId]).read()).resource;
  const { resources } = await applications.items
    .query<ItemDefinition>({ query: 'SELECT * FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: applicationId }] })
    .fetchAll();
  if (resources.length > 1) throw new Error(`application ${applicationId} exists in ${resources.length} tenants: name the tenant`);
  return resources[0];
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
