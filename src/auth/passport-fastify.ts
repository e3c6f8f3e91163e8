import type { FastifyReply } from 'fastify';

/**
 * Passport was written for Node's http.ServerResponse. Strategies only redirect
 * (`statusCode`, `setHeader`, `end`), so this routes those calls through the Fastify reply,
 * which keeps Fastify's onSend hooks — and with them the session cookie — in the loop.
 */
export interface PassportResponse {
  statusCode: number;
  setHeader(name: string, value: string | number | readonly string[]): void;
  getHeader(name: string): unknown;
  end(body?: string): void;
  readonly ended: Promise<void>;
}

export function passportResponse(reply: FastifyReply): PassportResponse {
  let markEnded!: () => void;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  return {
    statusCode: 200,
    setHeader(name, value) {
      void reply.header(name, value);
    },
    getHeader(name) {
      return reply.getHeader(name);
    },
    end(body) {
      void reply.code(this.statusCode).send(body ?? '');
      markEnded();
    },
    ended,
  };
}
