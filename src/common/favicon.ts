import type { FastifyInstance } from 'fastify';

/**
 * The service's icon (289 bytes): a 32×32 PNG in an ICO container, which every browser reads at
 * /favicon.ico — a white-dotted speech bubble in the widget's accent blue (#0b57d0).
 */
const FAVICON = Buffer.from(
  'AAABAAEAICAAAAEAIAALAQAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAANJJREFUeNpj4A6/wDCQmGHUAVgEC7jDL5znDr/wn8r4PNRsnA4QoJHF2BwigM0B9LAc2REoDiigo+UwXIDsgPMD4IDzyA74P0B41AH4HWBZfvP/w1c//4MAiAbxYXJTtr36DwMgNjF6SHYAzCAYAPFB4unTHv1HByAxfHrIcgA2ABJvXf0CQxwkhk/P0AyBAU8Do9mQng4Y8LpgwGvDAW8PDIoW0YC3CdGxAxZD3nOHXzCgV7O8gdaWk+IAlHijlwP209pyYhwwfyC7ZvNHO6f0wABi/Z5wk8mKLAAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * GET (and HEAD) /favicon.ico. Browsers ask for it on every page of the service (demo, dashboard,
 * sign-in), so it is answered rather than logged as a 404, and cached for a day. A plain Fastify
 * route: it is no part of the API and stays out of the OpenAPI document.
 */
export function serveFavicon(fastify: FastifyInstance): void {
  fastify.get('/favicon.ico', (_request, reply) => {
    void reply.header('cache-control', 'public, max-age=86400').type('image/x-icon').send(FAVICON);
  });
}
