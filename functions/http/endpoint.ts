import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { problemResponse } from './problem.ts';

export type EndpointHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** Wraps a handler so every thrown error leaves as a problem body with a fixed code. */
export function endpoint(handler: EndpointHandler): EndpointHandler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return problemResponse(error, context);
    }
  };
}
