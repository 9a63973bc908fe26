/**
 * What a blob-triggered handler receives: the whole blob as a Buffer and an InvocationContext
 * whose `triggerMetadata` carries the host's binding data (`BlobTrigger`, `Uri`, `Properties`,
 * `Metadata`, the path's tokens, `sys`) with keys camel-cased the way `@azure/functions` does it
 * (first letter lower-cased, recursively).
 */
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import { InvocationContext, type FunctionInput, type FunctionOutput, type LogLevel } from '@azure/functions';
import type { BlobItem } from '@azure/storage-blob';
import type { BindingInfo, RegisteredFunction } from './function-registry.ts';
import type { BlobBindingData } from './blob-path.ts';

export interface BlobVersion {
  readonly containerName: string;
  readonly blobName: string;
  readonly uri: string;
  /** Quoted, as in the `ETag` header. */
  readonly etag: string;
  readonly item: BlobItem;
}

export type BlobTriggerLog = (level: LogLevel, message: string) => void;

export function quotedEtag(etag: string): string {
  return `"${etag.replace(/^"|"$/g, '')}"`;
}

export function createBlobInvocationContext(fn: RegisteredFunction, blob: BlobVersion, tokens: BlobBindingData, log: BlobTriggerLog): InvocationContext {
  const others = Object.entries(fn.bindings).filter(([, binding]) => binding !== fn.trigger);
  const named = ([name, binding]: [string, BindingInfo]): Record<string, unknown> & { type: string; name: string } => ({ ...binding, name });
  const returnBinding = others.find(([name]) => name === '$return');
  return new InvocationContext({
    invocationId: randomUUID(),
    functionName: fn.name,
    triggerMetadata: blobTriggerMetadata(fn, blob, tokens),
    logHandler: (level, ...args) => log(level, `[${fn.name}] ${format(...args)}`),
    options: {
      trigger: { ...fn.trigger },
      ...(returnBinding ? { return: named(returnBinding) as FunctionOutput } : {}),
      extraInputs: others.filter(([name, b]) => name !== '$return' && b.direction === 'in').map(named) as FunctionInput[],
      extraOutputs: others.filter(([name, b]) => name !== '$return' && b.direction === 'out').map(named) as FunctionOutput[],
    },
  });
}

export function blobTriggerMetadata(fn: RegisteredFunction, blob: BlobVersion, tokens: BlobBindingData): Record<string, unknown> {
  const properties = blobProperties(blob);
  const bindingData: Record<string, unknown> = {
    BlobTrigger: `${blob.containerName}/${blob.blobName}`,
    Uri: blob.uri,
    Properties: properties,
    Metadata: blob.item.metadata ?? {},
    sys: { MethodName: fn.name, UtcNow: new Date().toISOString(), RandGuid: randomUUID() },
  };
  // Path tokens override the built-in names on conflict, as in the host's BlobTriggerBinding.
  for (const [name, value] of Object.entries(tokens)) {
    const existing = Object.keys(bindingData).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing) delete bindingData[existing];
    bindingData[name] = value;
  }
  return toCamelCaseValue(bindingData) as Record<string, unknown>;
}

/** A .NET `BlobProperties`-shaped view of the listed blob (key set and value formats approximate). */
function blobProperties(blob: BlobVersion): Record<string, unknown> {
  const p = blob.item.properties;
  const iso = (date: Date | undefined): string | undefined => date?.toISOString();
  const entries: Record<string, unknown> = {
    LastModified: iso(p.lastModified),
    CreatedOn: iso(p.createdOn),
    Metadata: blob.item.metadata ?? {},
    BlobType: p.blobType,
    ContentLength: p.contentLength,
    ContentType: p.contentType,
    ContentEncoding: p.contentEncoding,
    ContentLanguage: p.contentLanguage,
    ContentDisposition: p.contentDisposition,
    CacheControl: p.cacheControl,
    ContentHash: p.contentMD5 ? Buffer.from(p.contentMD5).toString('base64') : undefined,
    ETag: blob.etag,
    LeaseState: p.leaseState,
    LeaseStatus: p.leaseStatus,
    LeaseDuration: p.leaseDuration,
    AccessTier: p.accessTier,
    AccessTierInferred: p.accessTierInferred,
    IsServerEncrypted: p.serverEncrypted,
    VersionId: blob.item.versionId,
    IsLatestVersion: blob.item.isCurrentVersion,
  };
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

function toCamelCaseValue(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  if (Array.isArray(data)) return data.map(toCamelCaseValue);
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) result[key.charAt(0).toLowerCase() + key.slice(1)] = toCamelCaseValue(value);
  return result;
}
