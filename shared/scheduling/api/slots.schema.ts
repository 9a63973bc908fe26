import { z } from 'zod';
import { idSchema } from '../../stages/domain/schema-primitives.ts';
import { isTimeZone, isWallTime, OFFSET_PATTERN } from '../domain/wall-time.ts';

const timeZoneSchema = z.string().min(1).max(64).refine(isTimeZone, { message: 'An IANA time zone, e.g. Europe/London' });
const wallTimeSchema = z.string().refine(isWallTime, { message: 'A wall-clock time YYYY-MM-DDTHH:mm (no offset), e.g. 2026-03-29T09:30' });

export const slotInputSchema = z.strictObject({
  start: wallTimeSchema.describe('Wall-clock start in `timeZone`, e.g. `2026-03-29T09:30`.'),
  end: wallTimeSchema.describe('Wall-clock end in `timeZone`.'),
  timeZone: timeZoneSchema,
  offset: z.string().regex(OFFSET_PATTERN, 'An offset ±HH:MM').optional().describe('Only for a wall time that happens twice (clocks going back): which of the two, e.g. `+00:00`.'),
  endOffset: z.string().regex(OFFSET_PATTERN, 'An offset ±HH:MM').optional().describe('The same for `end`.'),
});

export const publishSlotsBodySchema = z.strictObject({
  slots: z.array(slotInputSchema).min(1).max(100),
});

export const slotViewSchema = z.object({
  id: idSchema,
  recruiterId: idSchema,
  start: z.string().describe('UTC instant.'),
  end: z.string().describe('UTC instant.'),
  timeZone: z.string(),
  localStart: z.string().describe('Start in `timeZone`, ISO 8601 with offset.'),
  localEnd: z.string(),
  state: z.enum(['free', 'held', 'booked']),
});

export const publishSlotsResponseSchema = z.object({ slots: z.array(slotViewSchema) });

export const listSlotsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional().describe('Default: now.'),
  to: z.iso.datetime({ offset: true }).optional().describe('Default: 90 days after `from`.'),
});

export const slotPathSchema = z.object({ slotId: idSchema });

export const stageSlotsQuerySchema = z.strictObject({
  timeZone: timeZoneSchema.optional().describe("Render times in this zone (default: each slot's own)."),
});

export const openSlotViewSchema = z.object({
  id: idSchema,
  start: z.string().describe('In the requested zone, ISO 8601 with offset.'),
  end: z.string(),
  startUtc: z.string(),
  endUtc: z.string(),
  timeZone: z.string().describe('The zone `start`/`end` are rendered in.'),
  publishedTimeZone: z.string(),
});

export const stageSlotsResponseSchema = z.object({
  applicationId: idSchema,
  stageId: idSchema,
  durationMinutes: z.number().int(),
  slots: z.array(openSlotViewSchema),
});

export type SlotInput = z.infer<typeof slotInputSchema>;
export type PublishSlotsBody = z.infer<typeof publishSlotsBodySchema>;
export type SlotView = z.infer<typeof slotViewSchema>;
export type ListSlotsQuery = z.infer<typeof listSlotsQuerySchema>;
export type StageSlotsResponse = z.infer<typeof stageSlotsResponseSchema>;
