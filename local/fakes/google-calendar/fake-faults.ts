/**
 * Operations of the fake a fault can hit: the Calendar API methods (discovery names) and the
 * OAuth endpoints. `*` hits every operation.
 */
export const fakeOperations = [
  'events.insert',
  'events.get',
  'events.patch',
  'events.delete',
  'events.list',
  'events.watch',
  'channels.stop',
  'oauth.authorize',
  'oauth.token',
  'oauth.revoke',
  '*',
] as const;
export type FakeOperation = (typeof fakeOperations)[number];

/**
 * `POST /_fake/faults`: what the next matching requests get.
 * - `status` (+ `reason`): answered with Google's error body for it, the operation not done;
 * - `dropResponse`: the operation is done, then the connection is cut before any answer;
 * - `latencyMs`: the answer (and the operation) waits that long first (combine with a client
 *   timeout for "timeouts": Google may still apply a request its caller gave up on);
 * - `times`: how many requests it hits (default: until `DELETE /_fake/faults`);
 * - `probability`: each matching request is hit with this chance (default 1), for campaigns.
 */
export interface FakeFault {
  readonly operation: FakeOperation;
  readonly status?: number;
  readonly reason?: string;
  readonly times?: number;
  readonly latencyMs?: number;
  readonly dropResponse?: boolean;
  readonly probability?: number;
}

export interface InjectedFault extends FakeFault {
  readonly id: number;
  hits: number;
}

export interface FaultDecision {
  readonly fault: InjectedFault;
  readonly status?: number;
  readonly reason?: string;
  readonly latencyMs: number;
  readonly dropResponse: boolean;
}

export function parseFault(body: unknown): FakeFault | string {
  if (typeof body !== 'object' || body === null) return 'a JSON object';
  const raw = body as Record<string, unknown>;
  if (!(fakeOperations as readonly unknown[]).includes(raw['operation'])) return `operation: one of ${fakeOperations.join(', ')}`;
  const number = (key: string, min: number, max: number) => raw[key] === undefined || (typeof raw[key] === 'number' && (raw[key] as number) >= min && (raw[key] as number) <= max);
  if (!number('status', 400, 599)) return 'status: 400–599';
  if (!number('times', 1, 1_000_000)) return 'times: a positive number';
  if (!number('latencyMs', 0, 600_000)) return 'latencyMs: 0–600000';
  if (!number('probability', 0, 1)) return 'probability: 0–1';
  if (raw['reason'] !== undefined && typeof raw['reason'] !== 'string') return 'reason: a string';
  if (raw['dropResponse'] !== undefined && typeof raw['dropResponse'] !== 'boolean') return 'dropResponse: a boolean';
  if (raw['status'] === undefined && raw['dropResponse'] !== true && raw['latencyMs'] === undefined) return 'one of status, dropResponse, latencyMs';
  return raw as unknown as FakeFault;
}

/** The injected faults, tried in the order injected; a request is hit by the first that matches and rolls true. */
export class FakeFaults {
  #faults: InjectedFault[] = [];
  #nextId = 1;
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  inject(fault: FakeFault): InjectedFault {
    const injected: InjectedFault = { ...fault, id: this.#nextId++, hits: 0 };
    this.#faults.push(injected);
    return injected;
  }

  clear(): void {
    this.#faults = [];
  }

  list(): readonly InjectedFault[] {
    return this.#faults;
  }

  decide(operation: Exclude<FakeOperation, '*'>): FaultDecision | undefined {
    for (const fault of this.#faults) {
      if (fault.operation !== operation && fault.operation !== '*') continue;
      if (fault.times !== undefined && fault.hits >= fault.times) continue;
      if (fault.probability !== undefined && this.#random() >= fault.probability) continue;
      fault.hits += 1;
      return {
        fault,
        ...(fault.status === undefined ? {} : { status: fault.status }),
        ...(fault.reason === undefined ? {} : { reason: fault.reason }),
        latencyMs: fault.latencyMs ?? 0,
        dropResponse: fault.dropResponse === true,
      };
    }
    return undefined;
  }
}
