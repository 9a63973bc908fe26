import { generateLoopbackCertificate, type GeneratedCertificate } from '../tls/loopback-certificate.ts';

export type FakeCertificate = GeneratedCertificate;

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost. The fake speaks HTTPS
 * because the SDK's bearer-token policy refuses to send a token over plain HTTP, whatever
 * `allowInsecureConnection` says; clients trust this certificate explicitly.
 */
export function createFakeCertificate(): Promise<FakeCertificate> {
  return generateLoopbackCertificate({ commonName: 'Stageline App Configuration fake', validityDays: 7 });
}
