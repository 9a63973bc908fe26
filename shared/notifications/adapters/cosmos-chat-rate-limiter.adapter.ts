import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import { chatWindowCapacity, reserveChatSlot } from '../domain/chat-rate.ts';
import type { ChatRateLimiter } from '../ports/webhook-sender.port.ts';

const cursorSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  type: z.literal('chat_rate'),
  windowStart: z.number(),
  used: z.number().int().min(0),
});
type CursorDocument = z.infer<typeof cursorSchema>;

/**
 * One cursor per Chat space in the `webhooks` container, moved with a conditional write so every
 * instance of the app shares one budget per space.
 */
export class CosmosChatRateLimiter implements ChatRateLimiter {
  readonly #documents: CosmosDocuments<CursorDocument>;
  readonly #capacity: number;

  constructor(options: { readonly container: Container; readonly perMinute: number; readonly meter?: Pick<CosmosRequestMeter, 'record'> }) {
    this.#capacity = chatWindowCapacity(options.perMinute);
    this.#documents = new CosmosDocuments({
      container: options.container,
      schema: cursorSchema,
      partitionKeyOf: (document) => document.tenantId,
      meter: options.meter,
      scope: 'notifications',
    });
  }

  async reserve(tenantId: string, spaceKey: string, nowMs: number): Promise<number> {
    const id = `chat-rate:${spaceKey}`;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const stored = await this.#documents.read(id, tenantId);
      const { cursor, slotAt } = reserveChatSlot(stored?.document, nowMs, this.#capacity);
      const document: CursorDocument = { id, tenantId, type: 'chat_rate', ...cursor };
      const written = stored === undefined ? await this.#documents.create(document) : await this.#documents.replace(document, stored.etag);
      if (written !== 'exists' && written !== 'conflict' && written !== undefined) return slotAt;
    }
    throw new Error('the Chat rate cursor kept changing; the delivery will be retried');
  }
}
