import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

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
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ];
  if (host !== 'localhost' && host !== '127.0.0.1') altNames.push(isIpAddress(host) ? { type: 7, ip: host } : { type: 2, value: host });
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'Stageline local Cosmos DB' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  writeAtomically(keyPath, pems.private);
  writeAtomically(certificatePath, pems.cert);
  return { certificatePath, certificatePem: pems.cert, keyPem: pems.private };
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

function isIpAddress(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || value.includes(':');
}

function writeAtomically(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}
