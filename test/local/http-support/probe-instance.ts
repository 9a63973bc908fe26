/**
 * A stand-in for the HTTP instance's thread (`http-instance-thread.ts`) that `startHttpInstance`
 * can start in tests: it answers `listen` with a port, reports on `start` whether the loopback
 * guard is installed in this thread; `requestCounts(true)` ends the thread with exit code 3 instead
 * of answering, as a failure the host did not ask for would.
 */
import { parentPort } from 'node:worker_threads';
import { InstanceChannel } from '../../../local/host/instance-channel.ts';

const GUARD = Symbol.for('stageline.test.loopback-only');

new InstanceChannel(parentPort!, {
  listen: (port: number) => port || 40_000,
  start: () => Boolean((globalThis as { [GUARD]?: { installed: boolean } })[GUARD]?.installed),
  requestCounts: (reset: boolean) => (reset ? process.exit(3) : {}),
  stop: () => undefined,
});
