import type { RouteDefinition } from '../route-definition.ts';
import { documentRoutes } from './documents.routes.ts';
import { eventRoutes } from './events.routes.ts';
import { notificationRoutes } from './notifications.routes.ts';
import { platformRoutes } from './platform.routes.ts';
import { schedulingRoutes } from './scheduling.routes.ts';
import { stageRoutes } from './stages.routes.ts';
import { timelineRoutes } from './timeline.routes.ts';

/**
 * Every HTTP route of the app, one file per capability. Registration (`functions/*.ts`), the
 * OpenAPI document and the authorisation matrix test all read this list; a route that is not
 * here cannot be registered (`registerRoute` refuses it).
 */
export const routeTable: readonly RouteDefinition[] = [
  ...Object.values(platformRoutes),
  ...Object.values(stageRoutes),
  ...Object.values(timelineRoutes),
  ...Object.values(eventRoutes),
  ...Object.values(documentRoutes),
  ...Object.values(notificationRoutes),
  ...Object.values(schedulingRoutes),
];
