import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateLoopbackCertificate, isIpAddress } from '../tls/loopback-certificate.ts';

export interface ServerCertificate {
  readonly certificatePath: string;
  readonly certificatePem: string;
  readonly keyPem: string;
}

const VALIDITY_DAYS = 825;
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

/**
 * The local server's TLS certificate, made once per data folder and reused across restarts so a
 * client configured with `caCertificatePath` keeps trusting it. It names `localhost` and
 * 127.0.0.1 (and `host`, when that is another name or address). A certificate that is missing,
 * about to expire or does not cover `host` is replaced.
 */
export async function loadOrCreateCertificate(directory: string, host: string): Promise<ServerCertificate> {
  const certificatePath = join(directory, 'cert.pem');
  const keyPath = join(directory, 'key.pem');
  if (existsSync(certificatePath) && existsSync(keyPath)) {
    const certificatePem = readFileSync(certificatePath, 'utf8');
    if (isUsable(certificatePem, host)) return { certificatePath, certificatePem, keyPem: readFileSync(keyPath, 'utf8') };
  }
  const pems = await generateLoopbackCertificate({ commonName: 'Stageline local Cosmos DB', validityDays: VALIDITY_DAYS, extraNames: [host] });
  writeAtomically(keyPath, pems.keyPem);
  writeAtomically(certificatePath, pems.certificatePem);
  return { certificatePath, ...pems };
}

function isUsable(pem: string, host: string): boolean {
  try {
    const certificate = new X509Certificate(pem);
    if (Date.parse(certificate.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    const names = [host, '127.0.0.1', 'localhost'];
    return names.every((name) => (isIpAddress(name) ? certificate.checkIP(name) : certificate.checkHost(name)) !== undefined);
  } catch {
    return false;
  }
}

function writeAtomically(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}
