import { generate } from 'selfsigned';

export interface FakeCertificate {
  readonly certificatePem: string;
  readonly keyPem: string;
}

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost. The fake speaks HTTPS
 * because the SDK's bearer-token policy refuses to send a token over plain HTTP, whatever
 * `allowInsecureConnection` says; clients trust this certificate explicitly.
 */
export async function createFakeCertificate(): Promise<FakeCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'Stageline App Configuration fake' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 7 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { certificatePem: pems.cert, keyPem: pems.private };
}
