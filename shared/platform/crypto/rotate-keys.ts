import type { Keyring } from './keyring.ts';
import type { ReencryptionReport, Reencryptor } from './reencryption.ts';

export interface RotationReport {
  readonly currentKeyId: string;
  readonly reports: readonly ReencryptionReport[];
  readonly scanned: number;
  readonly resealed: number;
  readonly failed: number;
}

/**
 * Runs every registered re-encryptor with the keyring (its current key seals), one after the
 * other, reporting progress per re-encryptor. A failing re-encryptor is reported and the others
 * still run.
 */
export async function rotateKeys(
  reencryptors: readonly Reencryptor[],
  keyring: Keyring,
  progress: (name: string, scanned: number) => void = () => undefined,
): Promise<RotationReport> {
  const reports: ReencryptionReport[] = [];
  for (const reencryptor of reencryptors) {
    try {
      reports.push(await reencryptor.reencrypt(keyring, (scanned) => progress(reencryptor.name, scanned)));
    } catch (error) {
      reports.push({ name: reencryptor.name, scanned: 0, resealed: 0, failed: [{ id: '(all)', reason: error instanceof Error ? error.message : String(error) }] });
    }
  }
  return {
    currentKeyId: keyring.current.id,
    reports,
    scanned: reports.reduce((sum, report) => sum + report.scanned, 0),
    resealed: reports.reduce((sum, report) => sum + report.resealed, 0),
    failed: reports.reduce((sum, report) => sum + report.failed.length, 0),
  };
}
