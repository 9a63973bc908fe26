import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/platform/config.ts';
import { newUploadIntent } from '../../../shared/documents/domain/upload-intent.ts';
import { azureSettings } from '../../support/settings-fixtures.ts';

describe('upload settings (validated at boot)', () => {
  it('default to 15-minute upload URLs and 5-minute read URLs', () => {
    expect(loadConfig(azureSettings).uploads).toEqual({ uploadUrlTtlMinutes: 15, readUrlTtlMinutes: 5 });
  });

  it('are clamped to 15 minutes, accept fractions, and refuse what is not a positive number (listed with every other bad key)', () => {
    expect(loadConfig({ ...azureSettings, UPLOAD_URL_TTL_MINUTES: '60', DOCUMENT_READ_URL_TTL_MINUTES: '16' }).uploads).toEqual({ uploadUrlTtlMinutes: 15, readUrlTtlMinutes: 15 });
    expect(loadConfig({ ...azureSettings, UPLOAD_URL_TTL_MINUTES: '0.5' }).uploads.uploadUrlTtlMinutes).toBe(0.5);
    try {
      loadConfig({ ...azureSettings, UPLOAD_URL_TTL_MINUTES: '0', DOCUMENT_READ_URL_TTL_MINUTES: 'soon', AUTH_AUDIENCE: '' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((issue) => issue.key).sort()).toEqual(['AUTH_AUDIENCE', 'DOCUMENT_READ_URL_TTL_MINUTES', 'UPLOAD_URL_TTL_MINUTES']);
    }
  });

  it('an intent\'s URL expires its lifetime after it is made, in whole seconds (as the SAS says)', () => {
    const intent = newUploadIntent(
      { uploadId: 'u', documentId: 'd', tenantId: 't', applicationId: 'a', purpose: 'offer_letter', uploader: { role: 'recruiter', id: 'r' }, fileName: 'f.pdf', contentType: 'application/pdf', sizeBytes: 1, blobName: 't/u' },
      '2025-03-01T09:00:00.750Z',
      15,
    );
    expect(intent.expiresAt).toBe('2025-03-01T09:15:00.000Z');
    expect(intent.state).toBe('pending');
  });
});
