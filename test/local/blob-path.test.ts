import { describe, expect, it } from 'vitest';
import { parseBlobPath } from '../../local/host/blob-path.ts';

describe('parseBlobPath: matching blob names like the Functions host', () => {
  it.each([
    // path, container, blob name, expected binding data (undefined = no match)
    ['quarantine/{name}', 'quarantine', 'cv.pdf', { name: 'cv.pdf' }],
    ['quarantine/{name}', 'quarantine', 'candidates/42/cv.pdf', { name: 'candidates/42/cv.pdf' }],
    ['quarantine/{name}', 'uploads', 'cv.pdf', undefined],
    ['docs/{blobname}.{blobextension}', 'docs', 'cv.pdf', { blobname: 'cv', blobextension: 'pdf' }],
    ['docs/{blobname}.{blobextension}', 'docs', 'report.final.pdf', { blobname: 'report.final', blobextension: 'pdf' }],
    ['docs/{blobname}.{blobextension}', 'docs', 'README', undefined],
    ['images/original-{name}', 'images', 'original-avatar.jpg', { name: 'avatar.jpg' }],
    ['images/original-{name}', 'images', 'avatar.jpg', undefined],
    ['images/original-{name}', 'images', 'thumbs/original-avatar.jpg', undefined],
    ['images/{name}.png', 'images', 'avatar.png', { name: 'avatar' }],
    ['images/{name}.png', 'images', 'avatar.jpg', undefined],
    ['images/{name}.png', 'images', 'avatar.PNG', undefined],
    ['json/{{20140101}}-{name}', 'json', '{20140101}-soundfile.mp3', { name: 'soundfile.mp3' }],
    ['json/{{20140101}}-{name}', 'json', '20140101-soundfile.mp3', undefined],
    ['inbox/{candidateId}/{file}', 'inbox', 'c-7/cv.pdf', { candidateId: 'c-7', file: 'cv.pdf' }],
    ['inbox/{candidateId}/{file}', 'inbox', 'cv.pdf', undefined],
    ['quarantine', 'quarantine', 'any/thing.bin', {}],
    ['quarantine', 'quarantined', 'x', undefined],
    ['fixed/exact.txt', 'fixed', 'exact.txt', {}],
    ['fixed/exact.txt', 'fixed', 'exact.txt.bak', undefined],
    ['fixed/exact.txt', 'fixed', 'Exact.txt', undefined],
  ])('%s with %s/%s', (path, container, blobName, expected) => {
    expect(parseBlobPath(path).match(container, blobName)).toEqual(expected);
  });

  it('splits the path into container and blob pattern and lists the tokens', () => {
    const parsed = parseBlobPath('docs/{blobname}.{blobextension}');
    expect(parsed.containerName).toBe('docs');
    expect(parsed.blobNamePattern).toBe('{blobname}.{blobextension}');
    expect(parsed.parameterNames).toEqual(['blobname', 'blobextension']);
    expect(parseBlobPath('quarantine').blobNamePattern).toBe('');
  });

  it('treats regex characters in literal parts literally', () => {
    const parsed = parseBlobPath('docs/a+b(1).{ext}');
    expect(parsed.match('docs', 'a+b(1).pdf')).toEqual({ ext: 'pdf' });
    expect(parsed.match('docs', 'aab(1).pdf')).toBeUndefined();
  });

  it.each([
    ['', /must not be empty/],
    ['/name', /format 'container\/blob'/],
    ['container/', /format 'container\/blob'/],
    ['{container}/x', /Container paths cannot contain/],
    ['docs/{}', /parameter name at position 6 is empty/],
    ['docs/{file-name}', /parameter name 'file-name' is invalid/],
    ['docs/{1st}', /parameter name '1st' is invalid/],
    ['docs/{name', /Missing closing bracket/],
    ['docs/name}', /Missing opening bracket/],
  ])('rejects %j', (path, message) => {
    expect(() => parseBlobPath(path)).toThrow(message);
  });
});
