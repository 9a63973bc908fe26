import { BrokerError } from './broker-errors.ts';

/**
 * How a message body is kept in memory and in the journal. Receivers always get a fresh copy
 * decoded from this, so a handler that mutates its body cannot change a redelivery, and a
 * message reads the same before and after a restart.
 */
export type EncodedBody =
  | { readonly json: unknown }
  | { readonly bytes: string }
  | { readonly none: true };

export function encodeBody(body: unknown): EncodedBody {
  if (body === undefined) return { none: true };
  if (body instanceof Uint8Array) return { bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64') };
  if (body instanceof ArrayBuffer) return { bytes: Buffer.from(body).toString('base64') };
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new BrokerError('InvalidOperation', `The message body cannot be serialised as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new BrokerError('InvalidOperation', `A message body of type ${typeof body} cannot be sent.`);
  return { json: JSON.parse(text) as unknown };
}

export function decodeBody(body: EncodedBody): unknown {
  if ('bytes' in body) return Buffer.from(body.bytes, 'base64');
  if ('json' in body) return structuredClone(body.json);
  return undefined;
}
