/** A dependency the system needs, checked by `GET /api/health`. */
export interface HealthCheck {
  readonly name: string;
  /** Resolves when the dependency answers; may return details worth showing. */
  check(): Promise<Record<string, unknown> | void>;
}

export interface DependencyHealth {
  readonly name: string;
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly details?: Record<string, unknown>;
  readonly error?: string;
}

export interface HealthReport {
  readonly status: 'up' | 'down';
  readonly dependencies: readonly DependencyHealth[];
}

/** Runs every check at once, each bounded by `timeoutMs`; one failing check never hides the others. */
export async function checkHealth(checks: readonly HealthCheck[], timeoutMs = 3000): Promise<HealthReport> {
  const dependencies = await Promise.all(checks.map((check) => runCheck(check, timeoutMs)));
  return { status: dependencies.every((dependency) => dependency.status === 'up') ? 'up' : 'down', dependencies };
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const details = await Promise.race([check.check(), timeout]);
    return { name: check.name, status: 'up', latencyMs: elapsed(started), ...(details ? { details } : {}) };
  } catch (error) {
    return { name: check.name, status: 'down', latencyMs: elapsed(started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
