/**
 * Run as its own Node process by the launcher test: starts Azurite, prints its pid and log
 * file as JSON, then lets this process end normally without calling stop().
 */
import { startAzurite } from '../../../local/azurite/azurite-launcher.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: azurite-child-script.ts <dataDir>');
const azurite = await startAzurite({ dataDir });
process.stdout.write(`${JSON.stringify({ pid: azurite.pid, logFile: azurite.logFile })}\n`);
