/**
 * The app's entry (`package.json` `main`): registers every function, then validates the
 * settings so a bad one stops the load with one message listing every bad key. The Azure
 * Functions worker and the local host both load exactly this module.
 */
import './setup.ts';
import './health.ts';
import './stages.ts';
import './openapi.ts';
import './outbox-publisher.ts';
import './outbox-sweeper.ts';
import './timeline.ts';
import './stage-callbacks.ts';
import './documents.ts';
import './notifications.ts';
import './scheduling.ts';
import { services } from './app-services.ts';
import { setupTelemetry } from './telemetry.ts';

setupTelemetry(services().config);
