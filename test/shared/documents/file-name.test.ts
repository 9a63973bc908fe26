import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachmentDisposition, maxFileNameLength, sanitiseFileName } from '../../../shared/documents/domain/file-name.ts';
import { allowedContentTypes, type AllowedContentType } from '../../../shared/documents/domain/purposes.ts';

const PDF: AllowedContentType = 'application/pdf';

describe('file names are sanitised metadata', () => {
  it.each([
    ['../../x.pdf', PDF, 'x.pdf'],
    ['..\\..\\windows\\system32\\evil.pdf', PDF, 'evil.pdf'],
    ['a.pdf%00.exe', PDF, 'a.pdf_00.exe.pdf'],
    ['a.pdf\u0000.exe', PDF, 'a.pdf.exe.pdf'],
    ['invoice\u202Efdp.exe', PDF, 'invoicefdp.exe.pdf'],
    ['\u2067cv\u2069.pdf', PDF, 'cv.pdf'],
    ['zero\u200Bwidth.pdf', PDF, 'zerowidth.pdf'],
    ['Lebenslauf Müller 履歴書 📄.pdf', PDF, 'Lebenslauf Müller 履歴書 📄.pdf'],
    ['Cafe\u0301.pdf', PDF, 'Café.pdf'],
    ['photo.JPEG', 'image/jpeg', 'photo.jpeg'],
    ['photo.png', 'image/jpeg', 'photo.png.jpg'],
    ['report', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'report.docx'],
    ['a<b>c:d"e|f?g*h;i.pdf', PDF, 'a_b_c_d_e_f_g_h_i.pdf'],
    ['  spaced\t\tout  .pdf ', PDF, 'spaced out.pdf'],
    ['line\nbreak\r\n.pdf', PDF, 'line break.pdf'],
    ['.hidden.pdf', PDF, 'hidden.pdf'],
    ['CON.pdf', PDF, '_CON.pdf'],
    ['...', PDF, 'document.pdf'],
    ['', PDF, 'document.pdf'],
    ['!\t\u0000\t!', PDF, '! !.pdf'],
    [`${'ü'.repeat(2000)}.pdf`, PDF, `${'ü'.repeat(maxFileNameLength - 4)}.pdf`],
  ] as const)('%j as %s → %j', (raw, type, expected) => {
    expect(sanitiseFileName(raw, type)).toBe(expected);
  });

  it('never yields a path, an invisible character, a reserved one, or an extension other than the type\'s; at most 120 code points; stable', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), fc.constantFrom(...allowedContentTypes), (raw, type) => {
        const name = sanitiseFileName(raw, type);
        expect(name).not.toMatch(/[/\\<>:"|?*%;]/);
        expect(name).not.toMatch(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u);
        expect(Array.from(name).length).toBeLessThanOrEqual(maxFileNameLength);
        expect(name).toMatch(/^[^.\s]/);
        expect(name.toLowerCase().split('.').pop()).toMatch(type === 'image/jpeg' ? /^(jpg|jpeg)$/ : /^(pdf|doc|docx|png)$/);
        expect(sanitiseFileName(name, type)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it('offers the name for download as an attachment with an ASCII fallback and the exact UTF-8 name', () => {
    expect(attachmentDisposition('Offer – Ada.pdf')).toBe(`attachment; filename="Offer _ Ada.pdf"; filename*=UTF-8''Offer%20%E2%80%93%20Ada.pdf`);
    expect(attachmentDisposition("it's (final).pdf")).toBe(`attachment; filename="it's (final).pdf"; filename*=UTF-8''it%27s%20%28final%29.pdf`);
  });
});
