import type { Container } from '@azure/cosmos';
import { CosmosDocuments, type StoredDocument } from '../../platform/cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import { slotSchema, type Slot } from '../domain/slot.ts';
import type { SlotStore } from '../ports/scheduling-stores.port.ts';

export interface CosmosStoreOptions {
  readonly container: Container;
  readonly meter?: Pick<CosmosRequestMeter, 'record'>;
}

function metered(options: CosmosStoreOptions) {
  return options.meter === undefined ? {} : { meter: options.meter, scope: 'scheduling' };
}

/** The `slots` container (partition `[/tenantId, /recruiterId]`). */
export class CosmosSlotStore implements SlotStore {
  readonly #slots: CosmosDocuments<Slot>;

  constructor(options: CosmosStoreOptions) {
    this.#slots = new CosmosDocuments<Slot>({ container: options.container, schema: slotSchema, partitionKeyOf: (slot) => [slot.tenantId, slot.recruiterId], ...metered(options) });
  }

  async get(tenantId: string, recruiterId: string, slotId: string): Promise<StoredDocument<Slot> | undefined> {
    const stored = await this.#slots.read(slotId, [tenantId, recruiterId]);
    return stored?.document.kind === 'slot' ? stored : undefined;
  }

  create(slot: Slot): Promise<StoredDocument<Slot> | 'exists'> {
    return this.#slots.create(slot);
  }

  replace(slot: Slot, etag: string): Promise<StoredDocument<Slot> | 'conflict' | undefined> {
    return this.#slots.replace(slot, etag);
  }

  delete(slot: Slot, etag: string): Promise<'deleted' | 'conflict' | undefined> {
    return this.#slots.delete(slot.id, [slot.tenantId, slot.recruiterId], etag);
  }

  overlapping(tenantId: string, recruiterId: string, from: string, to: string): Promise<StoredDocument<Slot>[]> {
    return this.#slots.queryAll(
      {
        query:
          "SELECT * FROM c WHERE c.kind = 'slot' AND c.start < @to AND c['end'] > @from ORDER BY c.start",
        parameters: [
          { name: '@from', value: from },
          { name: '@to', value: to },
        ],
      },
      { partitionKey: [tenantId, recruiterId] },
    );
  }

  expiredHolds(now: string): Promise<StoredDocument<Slot>[]> {
    return this.#slots.queryAll({
      query: "SELECT * FROM c WHERE c.kind = 'slot' AND c.state = 'held' AND c.hold.until <= @now",
      parameters: [{ name: '@now', value: now }],
    });
  }
}
