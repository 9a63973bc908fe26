import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import type { AdminRoster } from '../ports/webhook-store.port.ts';

const MAX_ADMINS = 200;

const rosterSchema = z.object({
  id: z.literal('admin-roster'),
  tenantId: z.string().min(1),
  type: z.literal('admin_roster'),
  adminIds: z.array(z.string()).max(MAX_ADMINS),
  updatedAt: z.string(),
});
type RosterDocument = z.infer<typeof rosterSchema>;

/** One `admin-roster` document per tenant in the `webhooks` container; known admins cached per process. */
export class CosmosAdminRoster implements AdminRoster {
  readonly #documents: CosmosDocuments<RosterDocument>;
  readonly #known = new Set<string>();

  constructor(options: { readonly container: Container; readonly meter?: Pick<CosmosRequestMeter, 'record'> }) {
    this.#documents = new CosmosDocuments({
      container: options.container,
      schema: rosterSchema,
      partitionKeyOf: (document) => document.tenantId,
      meter: options.meter,
      scope: 'notifications',
    });
  }

  async remember(tenantId: string, adminId: string): Promise<void> {
    const key = `${tenantId}\n${adminId}`;
    if (this.#known.has(key)) return;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const stored = await this.#documents.read('admin-roster', tenantId);
      const now = new Date().toISOString();
      if (stored === undefined) {
        if ((await this.#documents.create({ id: 'admin-roster', tenantId, type: 'admin_roster', adminIds: [adminId], updatedAt: now })) !== 'exists') break;
        continue;
      }
      if (stored.document.adminIds.includes(adminId)) break;
      const adminIds = [adminId, ...stored.document.adminIds].slice(0, MAX_ADMINS);
      if ((await this.#documents.replace({ ...stored.document, adminIds, updatedAt: now }, stored.etag)) !== 'conflict') break;
    }
    this.#known.add(key);
  }

  async admins(tenantId: string): Promise<string[]> {
    return [...((await this.#documents.read('admin-roster', tenantId))?.document.adminIds ?? [])];
  }
}
