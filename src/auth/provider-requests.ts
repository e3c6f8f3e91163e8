import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

export interface ProviderLimits {
  /** The whole exchange with the provider: connect, send, answer. */
  timeoutMs: number;
  /** The most the provider may answer (a token or a profile is a few KB). */
  maxBytes: number;
}

export const PROVIDER_MAX_BYTES = 1024 * 1024;
/** Outbound calls in flight to the providers at once, per process; more wait in the agent's queue. */
const MAX_SOCKETS = 64;

type Agent = http.Agent & { createConnection(options: object, callback?: (err: Error | null, socket: Duplex) => void): Duplex };

/**
 * An agent whose every socket ends after `timeoutMs` or `maxBytes` received, whatever the provider
 * does: a provider that never answers, or answers one byte at a time, or without end, must not hold
 * a reader's request, a socket and a growing string in this process. One socket per request (no
 * keep-alive), so the deadline is the request's. node-oauth, under both strategies, then reports
 * the socket's error as a failed sign-in.
 */
function boundedAgent(module: typeof http | typeof https, limits: ProviderLimits): Agent {
  const agent = new module.Agent({ keepAlive: false, maxSockets: MAX_SOCKETS }) as Agent;
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback);
    let received = 0;
    const deadline = setTimeout(() => socket.destroy(new Error(`the sign-in provider did not answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBytes) socket.destroy(new Error(`the sign-in provider answered more than ${limits.maxBytes} bytes`));
    });
    socket.once('close', () => clearTimeout(deadline));
    return socket;
  };
  return agent;
}

export interface ProviderAgents {
  http: http.Agent;
  https: http.Agent;
  forUrl(url: string): http.Agent;
}

export function providerAgents(limits: ProviderLimits): ProviderAgents {
  const agents = { http: boundedAgent(http, limits), https: boundedAgent(https, limits) };
  return { ...agents, forUrl: (url) => (url.startsWith('https:') ? agents.https : agents.http) };
}

interface OAuth1Client {
  _createClient(port: string | number, hostname: string, method: string, path: string, headers: http.OutgoingHttpHeaders, sslEnabled?: boolean): http.ClientRequest;
}

/** passport-twitter's node-oauth OAuth (1.0a) client builds its requests with no agent: give it ours. */
export function boundOAuth1(client: OAuth1Client, agents: ProviderAgents): void {
  client._createClient = (port, hostname, method, path, headers, sslEnabled) =>
    (sslEnabled ? https : http).request({ host: hostname, port, path, method, headers, agent: sslEnabled ? agents.https : agents.http });
}

interface OAuth2Client {
  setAgent(agent: http.Agent): void;
  _request(method: string, url: string, ...rest: unknown[]): void;
}

/** passport-facebook's node-oauth OAuth2 client takes one agent: the one for each request's protocol. */
export function boundOAuth2(client: OAuth2Client, agents: ProviderAgents): void {
  const request = client._request.bind(client);
  client._request = (method, url, ...rest) => {
    client.setAgent(agents.forUrl(url));
    request(method, url, ...rest);
  };
}
