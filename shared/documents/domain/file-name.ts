import { documentTypes, type AllowedContentType } from './purposes.ts';

/**
 * The user's file name is only ever metadata: shown in views and offered as the download name.
 * Blob names are the server's (`{tenant}/{uploadId}`), so a name can never reach a path. Still,
 * what is shown and downloaded must not mislead: no directories, no control or bidirectional
 * formatting characters (a right-to-left override can make `invoice‮fdp.exe` look like a PDF), no
 * characters that mean something to a file system or a header, and an extension that matches
 * the verified type.
 */

/** Longest sanitised name, in code points, extension included. */
export const maxFileNameLength = 120;

/** Extensions accepted as they are for each type (anything else gets the type's extension appended). */
const extensionsOf: { readonly [T in AllowedContentType]: readonly string[] } = {
  'application/pdf': ['pdf'],
  'application/msword': ['doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
};

/** Control, format (bidi overrides, zero-width), private-use, surrogate and line/paragraph separator characters. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/gu;
/** Characters with a meaning to file systems, shells, URLs or header parameters. */
const RESERVED = /[<>:"/\\|?*%;]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * A safe display and download name for a file a client named `raw` and the gate verified as
 * `contentType`: last path segment only, NFC, invisible characters removed, reserved ones
 * replaced by `_`, white space collapsed, no leading or trailing dots and spaces, at most
 * `maxFileNameLength` code points, ending in an extension of `contentType`. Never empty.
 */
export function sanitiseFileName(raw: string, contentType: AllowedContentType): string {
  const segments = raw.normalize('NFC').split(/[/\\]/);
  const cleaned = (segments[segments.length - 1] ?? '')
    .replace(/\s+/gu, ' ')
    .replace(INVISIBLE, '')
    // Removing an invisible character can bring two spaces together ("a\t\0\tb"): collapse again.
    .replace(/\s+/gu, ' ')
    .replace(RESERVED, '_');
  const trimmed = trimEdges(cleaned);
  const dot = trimmed.lastIndexOf('.');
  const extension = dot > 0 ? trimmed.slice(dot + 1).toLowerCase() : '';
  const keepsExtension = extensionsOf[contentType].includes(extension);
  const ending = keepsExtension ? extension : documentTypes[contentType].extension;
  let base = keepsExtension ? trimmed.slice(0, dot) : trimmed;
  base = trimEdges(Array.from(base).slice(0, maxFileNameLength - ending.length - 1).join(''));
  if (base === '' || WINDOWS_DEVICE.test(base)) base = base === '' ? 'document' : `_${base}`;
  return `${base}.${ending}`;
}

function trimEdges(value: string): string {
  return value.replace(/^[\s.]+|[\s.]+$/gu, '');
}

/**
 * `Content-Disposition` for downloading a document under its sanitised name: `attachment`, an
 * ASCII fallback `filename` and the exact name as RFC 8187 `filename*`.
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = Array.from(fileName, (char) => (/^[\x20-\x7e]$/.test(char) && char !== '"' && char !== '\\' ? char : '_')).join('');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
