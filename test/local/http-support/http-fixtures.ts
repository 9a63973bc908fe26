import type { AddressInfo } from 'node:net';
import type { InvocationContext } from '@azure/functions';
import type { BindingInfo, FunctionHandler, RegisteredFunction } from '../../../local/host/function-registry.ts';
import { createFunctionsHttpServer, type FunctionsHttpServer, type FunctionsHttpServerOptions } from '../../../local/host/http-server.ts';

/** A registered HTTP function shaped as `@azure/functions` registers it; `methods: null` leaves them out. */
export function httpFunction(name: string, handler: FunctionHandler, trigger: { route?: string; methods?: string[] | null } = {}): RegisteredFunction {
  const binding: BindingInfo = {
    type: 'httpTrigger',
    name: `httpTrigger_${name}`,
    direction: 'in',
    authLevel: 'anonymous',
    ...(trigger.methods === null ? {} : { methods: trigger.methods ?? ['GET', 'POST'] }),
    ...(trigger.route !== undefined ? { route: trigger.route } : {}),
  };
  return { name, trigger: binding, bindings: { [binding.name]: binding, $return: { type: 'http', name: '$return', direction: 'out' } }, handler };
}

export interface RunningServer {
  readonly baseUrl: string;
  readonly server: FunctionsHttpServer;
  readonly logs: string[];
  close(): Promise<void>;
}

export async function startServer(options: Omit<FunctionsHttpServerOptions, 'log'>): Promise<RunningServer> {
  const logs: string[] = [];
  const server = createFunctionsHttpServer({ ...options, log: (line) => logs.push(line) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Records what a handler received. */
export interface Seen {
  request?: { method: string; url: string; params: Record<string, string>; query: URLSearchParams; headers: Headers; body: Buffer };
  context?: InvocationContext;
}
