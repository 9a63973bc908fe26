import { createServer, type Server } from 'node:net';

export class PortInUseError extends Error {
  readonly port: number;
  constructor(label: string, host: string, port: number) {
    super(`Azurite cannot start: ${label} port ${port} on ${host} is already in use. Choose another port or stop the process holding it.`);
    this.name = 'PortInUseError';
    this.port = port;
  }
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Distinct ports that were free a moment ago (all held open together, then released). */
export async function findFreePorts(host: string, count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(host, 0));
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('Could not read a free port.');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** Fails with a `PortInUseError` naming the port when something already listens there. */
export async function assertPortFree(host: string, port: number, label: string): Promise<void> {
  let server: Server;
  try {
    server = await listen(host, port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(label, host, port);
    throw new Error(`Azurite cannot start: ${label} port ${port} on ${host} is not usable (${(error as Error).message}).`);
  }
  await close(server);
}
