import { generate } from 'selfsigned';

export interface GeneratedCertificate {
  readonly certificatePem: string;
  readonly keyPem: string;
}

export interface LoopbackCertificateOptions {
  readonly commonName: string;
  readonly validityDays: number;
  /** Names beyond `localhost` and 127.0.0.1 (a DNS name or an IP address). */
  readonly extraNames?: readonly string[];
}

/**
 * A self-signed P-256 server certificate for `localhost` and 127.0.0.1, for the local host's
 * HTTPS servers. Clients trust it explicitly, never by turning TLS checks off.
 */
export async function generateLoopbackCertificate(options: LoopbackCertificateOptions): Promise<GeneratedCertificate> {
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ];
  for (const name of options.extraNames ?? []) {
    if (name !== 'localhost' && name !== '127.0.0.1') altNames.push(isIpAddress(name) ? { type: 7, ip: name } : { type: 2, value: name });
  }
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: options.commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + options.validityDays * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { certificatePem: pems.cert, keyPem: pems.private };
}

export function isIpAddress(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}
