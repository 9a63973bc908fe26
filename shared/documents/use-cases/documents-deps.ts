import type { MessageBus } from '../../events/ports/message-bus.port.ts';
import type { Clock } from '../../platform/clock.ts';
import type { StageCommands } from '../../stages/api/stage-commands.ts';
import type { BlobStore } from '../ports/blob-store.port.ts';
import type { ContentSniffer } from '../ports/content-sniffer.port.ts';
import type { DocumentRecords } from '../ports/document-records.port.ts';
import type { UploadIntents } from '../ports/upload-intents.port.ts';

/** What the documents use cases need from outside, built once by `documents.module.ts`. */
export interface DocumentsDeps {
  readonly intents: UploadIntents;
  readonly records: DocumentRecords;
  readonly blobs: BlobStore;
  readonly sniffer: ContentSniffer;
  /** The `notifications` queue: a rejected upload tells its uploader. */
  readonly bus: MessageBus;
  /** The stage commands (resolved late: the stage module is built with this module's ports). */
  readonly stages: () => StageCommands;
  readonly clock: Clock;
  /** New upload and document ids (UUIDs). */
  readonly newId: () => string;
  /** SAS lifetimes in minutes (each at most 15). */
  readonly uploadUrlTtlMinutes: number;
  readonly readUrlTtlMinutes: number;
}
