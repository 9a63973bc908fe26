import { parentPort } from 'node:worker_threads';

/** Tells the thread that started it the flags this thread was started with. */
parentPort!.postMessage(process.execArgv);
