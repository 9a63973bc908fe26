import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `port` (0: a free one) and resolves with the port; a port in use says what to do. */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is in use: stop what holds it, or start with --port <another>.`) : error);
    });
    server.listen(port, host, () => resolvePromise());
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and drops every open connection, keep-alive ones included. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    server.close(() => resolvePromise());
    server.closeAllConnections();
  });
}
