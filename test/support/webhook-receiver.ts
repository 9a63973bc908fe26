import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request a receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `Date.now()` when it arrived. */
  readonly at: number;
}

/** What the receiver answers: a status (with headers), or `hang` (never answers). */
export type Answer = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string } | 'hang';

/**
 * A loopback HTTP receiver for webhook tests, scripted per request: `answer` decides each
 * response (default 200). `down()` closes the port (connections are refused) and `up()` opens
 * the same port again.
 */
export interface WebhookReceiver {
  readonly port: number;
  url(path?: string): string;
  readonly requests: ReceivedRequest[];
  answer: (request: ReceivedRequest, index: number) => Answer;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(answer: WebhookReceiver['answer'] = () => ({ status: 200 })): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let server: Server | undefined;
  let port = 0;
  const receiver: WebhookReceiver = {
    get port() {
      return port;
    },
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    answer,
    down: async () => {
      if (!server) return;
      const closing = server;
      server = undefined;
      for (const response of hanging) response.destroy();
      hanging.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    up: async () => {
      if (server) return;
      server = createServer((request, response) => {
        let body = '';
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => (body += chunk));
        request.on('end', () => {
          const received: ReceivedRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body, at: Date.now() };
          requests.push(received);
          const decided = receiver.answer(received, requests.length - 1);
          if (decided === 'hang') {
            hanging.add(response);
            response.on('close', () => hanging.delete(response));
            return;
          }
          response.writeHead(decided.status, decided.headers ?? {});
          response.end(decided.body ?? '');
        });
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
      port = (server.address() as AddressInfo).port;
    },
    close: () => receiver.down(),
  };
  await receiver.up();
  return receiver;
}
