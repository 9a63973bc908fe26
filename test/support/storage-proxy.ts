import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of Azurite's blob endpoint that can be switched to answer as an
 * overloaded storage account does (503 `ServerBusy`): storage going down and coming back, for
 * real, without mocking the SDK. Until `target` is set it is down.
 */
export interface StorageProxy {
  /** Base URL (`http://127.0.0.1:port`); the blob endpoint is `${url}/devstoreaccount1`. */
  readonly url: string;
  /** Where requests go when up: Azurite's blob endpoint origin (`http://127.0.0.1:10000`). */
  target: string | undefined;
  down: boolean;
  /** Requests answered 503 so far. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startStorageProxy(): Promise<StorageProxy> {
  let refused = 0;
  const state = { target: undefined as string | undefined, down: false };
  const server: Server = createServer((incoming, outgoing) => {
    if (state.down || state.target === undefined) {
      refused += 1;
      incoming.resume();
      outgoing.writeHead(503, { 'content-type': 'application/xml', 'x-ms-error-code': 'ServerBusy' });
      outgoing.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>The server is busy.</Message></Error>');
      return;
    }
    const target = new URL(state.target);
    const forwarded = request(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => {
      outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get target() {
      return state.target;
    },
    set target(value) {
      state.target = value;
    },
    get down() {
      return state.down;
    },
    set down(value) {
      state.down = value;
    },
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The `BlobEndpoint` origin of a storage connection string. */
export function blobEndpointOrigin(connectionString: string): string {
  const endpoint = /BlobEndpoint=([^;]+)/i.exec(connectionString)?.[1];
  if (endpoint === undefined) throw new Error('The connection string has no BlobEndpoint.');
  return new URL(endpoint).origin;
}
