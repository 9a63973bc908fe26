/**
 * The HTTP functions of the app as an ordered route table, built the way the Functions host
 * builds its router: template = `<routePrefix>/<route or function name>`, routes sorted by
 * `compareRoutePrecedence`, and the accepted methods acting as a route constraint. A request is
 * served by the first route whose template AND method match; if a template matched but no route
 * accepts the method, the result is `methodNotAccepted` (the server answers 404 like the host).
 */
import type { RegisteredFunction } from './function-registry.ts';
import { compareRoutePrecedence, compileRoute, RouteTemplateError, type CompiledRoute, type RouteParams } from './http-route.ts';

/** `@azure/functions` v4 default when a trigger gives no `methods`. */
export const DEFAULT_HTTP_METHODS: readonly string[] = ['GET', 'POST'];

export interface HttpRoute {
  readonly fn: RegisteredFunction;
  readonly route: CompiledRoute;
  /** Upper-case methods; empty means every method (a function.json without `methods`). */
  readonly methods: ReadonlySet<string>;
}

export type RouteLookup =
  | { readonly kind: 'matched'; readonly route: HttpRoute; readonly params: RouteParams }
  | { readonly kind: 'methodNotAccepted'; readonly acceptedMethods: readonly string[] }
  | { readonly kind: 'notFound' };

export interface HttpRouteTable {
  /** In the order they are tried. */
  readonly routes: readonly HttpRoute[];
  lookup(method: string, path: string): RouteLookup;
}

export function normaliseRoutePrefix(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

function routeTemplateOf(fn: RegisteredFunction, prefix: string): string {
  const declared = typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name;
  const route = declared.replace(/^\/+/, '');
  return prefix ? `${prefix}/${route}` : route;
}

function methodsOf(fn: RegisteredFunction): Set<string> {
  const declared = fn.trigger.methods;
  const list = Array.isArray(declared) ? declared : DEFAULT_HTTP_METHODS;
  return new Set(list.map((method) => String(method).toUpperCase()));
}

/** Throws `RouteTemplateError` (naming the function) when a route template is malformed. */
export function createHttpRouteTable(functions: readonly RegisteredFunction[], routePrefix = 'api'): HttpRouteTable {
  const prefix = normaliseRoutePrefix(routePrefix);
  const routes: HttpRoute[] = functions
    .filter((fn) => fn.trigger.type.toLowerCase() === 'httptrigger')
    .map((fn) => {
      const template = routeTemplateOf(fn, prefix);
      try {
        return { fn, route: compileRoute(template), methods: methodsOf(fn) };
      } catch (error) {
        if (!(error instanceof RouteTemplateError)) throw error;
        throw new RouteTemplateError(template, `${error.reason} (function '${fn.name}')`);
      }
    });
  routes.sort((a, b) => compareRoutePrecedence(a.route, b.route));

  return {
    routes,
    lookup(method, path) {
      const upper = method.toUpperCase();
      const accepted = new Set<string>();
      for (const route of routes) {
        const params = route.route.match(path);
        if (!params) continue;
        if (route.methods.size === 0 || route.methods.has(upper)) return { kind: 'matched', route, params };
        for (const candidate of route.methods) accepted.add(candidate);
      }
      return accepted.size > 0 ? { kind: 'methodNotAccepted', acceptedMethods: [...accepted] } : { kind: 'notFound' };
    },
  };
}
