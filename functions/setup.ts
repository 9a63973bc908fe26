import { app } from '@azure/functions';

/**
 * Worker options, set before anything is registered (the first import of `index.ts`). Request
 * bodies arrive as streams (Functions host 4.28+): a route reads its body only after the token
 * and the permission check passed, and never more than its cap (`http/request-input.ts`), so a
 * large unauthenticated upload is refused from its headers.
 */
app.setup({ enableHttpStream: true });
