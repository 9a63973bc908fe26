/**
 * The app's entry (`package.json` `main`): starts telemetry, registers every function, then
 * builds the services from the settings so a bad one stops the load with one message listing
 * every bad key. The Azure Functions worker and the local host both load exactly this module.
 */
// First: OpenTelemetry before any module builds services or records on an instrument (imports run in order).
import './telemetry.ts';
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

services();
