/**
 * `node bench/faults/uploads.ts [--write]`: runs the upload attack set against a local host
 * (Cosmos DB server, Azurite, the host's blob trigger), through HTTP as a client would, and
 * prints what happened to each attack and how many got a document attached. The answer must be
 * 0: a SAS URL cannot limit size or content, so the content gate is the only way in.
 * `--write` puts the result into the "Documents" section of docs/reliability.md.
 * Exits 1 when anything was attached or an attack ended otherwise than expected.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { startApiStack, type ApiStack } from '../../test/support/stage-api.ts';
import { exe, pdf } from '../../test/support/document-files.ts';
import { attackRow, destinationFor, evidenceFor, runUploadAttack, uploadAttacks, type AttackEvidence, type AttackTokens } from '../../test/support/upload-attacks.ts';
import { documentIdsOnStages, documentsStorage, putFile, requestUpload, settledUpload, type UploadIntentAnswer } from '../../test/support/upload-api.ts';

/** Short enough to test expiry in seconds, long enough for a PUT right after the intent. */
const TTL_MINUTES = '0.1';

async function storageAttacks(api: ApiStack, tokens: AttackTokens): Promise<AttackEvidence[]> {
  const results: AttackEvidence[] = [];
  const fresh = async () => {
    const { applicationId, stageId } = await destinationFor(api, tokens, 'assignment_submission');
    const bytes = pdf('legit');
    const intent = (await requestUpload(api, tokens.candidate, { purpose: 'assignment_submission', applicationId, stageId: stageId!, fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: bytes.length })).body as UploadIntentAnswer;
    return { applicationId, intent, bytes };
  };
  const record = async (name: string, expected: string, outcome: string, applicationId: string, uploadId: string, allowedOnStage: readonly string[] = []) => {
    const evidence = await evidenceFor(api, applicationId, uploadId);
    const onStage = (await documentIdsOnStages(api, applicationId)).filter((id) => !allowedOnStage.includes(id));
    results.push({ name, expected, outcome, ...evidence, attached: allowedOnStage.length === 0 ? evidence.attached : onStage.length > 0, outsideQuarantine: allowedOnStage.length === 0 ? evidence.outsideQuarantine : [], applicationId, uploadId });
  };

  {
    const { applicationId, intent, bytes } = await fresh();
    const url = new URL(intent.uploadUrl);
    const other = `${url.origin}/devstoreaccount1/quarantine/acme/${randomUUID()}${url.search}`;
    await record('the upload URL used for another blob name', 'refused 403', `refused ${await putFile(intent, bytes, 'fetch', other)}`, applicationId, intent.uploadId);
    const read = (await fetch(intent.uploadUrl)).status;
    const remove = (await fetch(intent.uploadUrl, { method: 'DELETE' })).status;
    await record('the upload URL used to read, then to delete', 'refused 403', read === 403 && remove === 403 ? 'refused 403' : `read ${read}, delete ${remove}`, applicationId, intent.uploadId);
  }
  {
    const { applicationId, intent, bytes } = await fresh();
    await new Promise((done) => setTimeout(done, Math.max(0, Date.parse(intent.expiresAt) - Date.now()) + 1_500));
    await record('a PUT after the URL expired', 'refused 403', `refused ${await putFile(intent, bytes)}`, applicationId, intent.uploadId);
  }
  {
    const { applicationId } = await destinationFor(api, tokens, 'assignment_submission');
    const name = `acme/${randomUUID()}`;
    await documentsStorage(api).getContainerClient('quarantine').getBlockBlobClient(name).uploadData(pdf());
    await api.host.triggers.scanBlobs();
    await api.host.triggers.scanBlobs();
    const left = await documentsStorage(api).getContainerClient('quarantine').getBlobClient(name).exists();
    await record('a blob no intent covers, written into quarantine with the account key', 'rejected unknown_upload', left ? 'still in quarantine' : 'rejected unknown_upload', applicationId, name.split('/')[1]!);
  }
  {
    const { applicationId, intent, bytes } = await fresh();
    await putFile(intent, bytes);
    const first = (await settledUpload(api, tokens.candidate, intent.uploadId)).body;
    await putFile(intent, exe());
    await api.host.triggers.scanBlobs();
    await api.host.triggers.scanBlobs();
    const stored = await documentsStorage(api).getContainerClient('documents').getBlobClient(`acme/${first.documentId}`).downloadToBuffer();
    const left = await documentsStorage(api).getContainerClient('quarantine').getBlobClient(`acme/${intent.uploadId}`).exists();
    const outcome = !left && stored.equals(bytes) ? 'rejected unknown_upload' : 'second blob kept or stored';
    await record('a second blob (an executable) with a still-valid URL after acceptance', 'rejected unknown_upload', outcome, applicationId, intent.uploadId, [first.documentId]);
  }
  return results;
}

export async function runUploadFaultBench(): Promise<{ markdown: string; attached: number; failed: number }> {
  const api = await startApiStack({ UPLOAD_URL_TTL_MINUTES: TTL_MINUTES });
  try {
    const tokens = { recruiter: await api.as('recruiter', 'acme', 'rec-1'), candidate: await api.as('candidate', 'acme', 'cand-1') };
    const started = Date.now();
    const results: AttackEvidence[] = [];
    for (const attack of uploadAttacks) results.push(await runUploadAttack(api, tokens, attack));
    results.push(...(await storageAttacks(api, tokens)));
    const attached = results.filter((result) => result.attached).length;
    const failed = results.filter((result) => !attackRow(result).endsWith('| ok |')).length;
    const markdown = [
      '## Documents',
      '',
      'The upload attack set (`node bench/faults/uploads.ts`, attacks in `test/support/upload-attacks.ts`): each runs through HTTP against the local host — intent, PUT to the returned URL, the host\'s blob trigger running the content gate — and the evidence is read back from Cosmos DB and Azurite.',
      '',
      `Last run: ${new Date().toISOString()} · Node ${process.version} · ${availableParallelism()} CPU(s) · ${results.length} attacks in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      '',
      '| attack | expected | outcome | attached | blobs left behind (documents + quarantine) | |',
      '| --- | --- | --- | --- | --- | --- |',
      ...results.map(attackRow),
      '',
      `**Attached: ${attached} of ${results.length}** (must be 0). Not as expected: ${failed}.`,
      '',
    ].join('\n');
    return { markdown, attached, failed };
  } finally {
    await api.stop();
  }
}

function writeSection(markdown: string): string {
  const path = resolve(import.meta.dirname, '..', '..', 'docs', 'reliability.md');
  const start = '<!-- documents:start -->';
  const end = '<!-- documents:end -->';
  const section = `${start}\n${markdown}${end}\n`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Reliability\n\nWhat each capability does when the outside world fails or attacks, measured by the fault benches under `bench/faults/`.\n\n';
  const next = current.includes(start) && current.includes(end)
    ? current.slice(0, current.indexOf(start)) + section + current.slice(current.indexOf(end) + end.length + 1)
    : `${current.trimEnd()}\n\n${section}`;
  writeFileSync(path, next);
  return path;
}

if (import.meta.main) {
  const { markdown, attached, failed } = await runUploadFaultBench();
  console.log(markdown);
  if (process.argv.includes('--write')) console.log(`bench: wrote ${writeSection(markdown)}`);
  process.exitCode = attached === 0 && failed === 0 ? 0 : 1;
}
