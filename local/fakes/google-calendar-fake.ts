import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for the Google Calendar API v3, answering as Google does. This first
 * cut serves what the health check and the official client's auth path need; requests
 * without a bearer token get Google's 401 error body.
 */
export interface GoogleCalendarFake {
  readonly rootUrl: string;
  stop(): Promise<void>;
}

function googleError(status: number, reason: string, message: string) {
  return { error: { code: status, message, errors: [{ domain: 'global', reason, message }], status: statusText(status) } };
}

function statusText(status: number): string {
  return status === 401 ? 'UNAUTHENTICATED' : status === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT';
}

export async function startGoogleCalendarFake(options: { host?: string; port?: number } = {}): Promise<GoogleCalendarFake> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    if (!url.pathname.startsWith('/calendar/v3/')) return send(404, googleError(404, 'notFound', 'Not Found'));
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      return send(401, googleError(401, 'required', 'Request is missing required authentication credential.'));
    }
    if (req.method === 'GET' && url.pathname === '/calendar/v3/users/me/calendarList') {
      return send(200, { kind: 'calendar#calendarList', etag: '"0"', items: [] });
    }
    return send(404, googleError(404, 'notFound', 'Not Found'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    rootUrl: `http://${address.address}:${address.port}/`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
