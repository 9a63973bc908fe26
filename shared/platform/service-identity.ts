import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';

/** `service.name` of every span, metric and log Stageline sends (Application Insights: `cloud_RoleName`). */
export const SERVICE_NAME = 'stageline';

let version: string | undefined;

/**
 * The version in Stageline's `package.json`, found upward from this file: the sources
 * (`shared/platform/`) and the built app (`dist/shared/platform/`) both sit below it.
 */
export function serviceVersion(): string {
  if (version !== undefined) return version;
  for (let dir = import.meta.dirname, depth = 0; depth < 6; dir = dirname(dir), depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === SERVICE_NAME && typeof manifest.version === 'string') return (version = manifest.version);
    } catch {
      // no package.json here: one level up
    }
  }
  return (version = '0.0.0-unknown');
}

/**
 * The OpenTelemetry resource of this service: the SDK's defaults and `OTEL_RESOURCE_ATTRIBUTES`,
 * then `service.name` = `stageline` and `service.version` from package.json (without it the SDK
 * reports `unknown_service:node`). The Azure Monitor distro and the local host's `/metrics` use it.
 */
export function serviceResource(): Resource {
  return defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ 'service.name': SERVICE_NAME, 'service.version': serviceVersion() }));
}
