export const EMULATOR_TWITTER = {
  consumerKey: 'emulator-twitter-key',
  consumerSecret: 'emulator-twitter-secret',
} as const;

export const EMULATOR_FACEBOOK = {
  appId: 'emulator-facebook-app',
  appSecret: 'emulator-facebook-secret',
} as const;

/** The name the consent pages show for the app that asks. */
export const EMULATOR_APP_NAME = 'News Comments';

export interface EmulatorEndpoints {
  twitter: {
    requestTokenUrl: string;
    accessTokenUrl: string;
    authorizeUrl: string;
    /** v1.1 account/verify_credentials.json, the shape passport-twitter parses. */
    profileUrl: string;
    /** X API v2 /2/users/me. */
    profileUrlV2: string;
  };
  facebook: {
    authorizeUrl: string;
    tokenUrl: string;
    profileUrl: string;
  };
}

/** The URLs the strategies must use, given the public base URL of the service hosting the emulator. */
export function emulatorEndpoints(publicUrl: string): EmulatorEndpoints {
  const base = `${publicUrl.replace(/\/+$/, '')}/_emulator`;
  return {
    twitter: {
      requestTokenUrl: `${base}/twitter/oauth/request_token`,
      accessTokenUrl: `${base}/twitter/oauth/access_token`,
      authorizeUrl: `${base}/twitter/oauth/authorize`,
      profileUrl: `${base}/twitter/1.1/account/verify_credentials.json`,
      profileUrlV2: `${base}/twitter/2/users/me`,
    },
    facebook: {
      authorizeUrl: `${base}/facebook/dialog/oauth`,
      tokenUrl: `${base}/facebook/oauth/access_token`,
      profileUrl: `${base}/facebook/me`,
    },
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether two host names are one host to the emulator: the same name, or both loopback names. */
export function sameHost(a: string, b: string): boolean {
  return a === b || (LOOPBACK.has(a) && LOOPBACK.has(b));
}

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Stands in for the provider's list of registered callback URLs: an absolute
 * http(s) URL on the host that serves the emulator (any port; localhost,
 * 127.0.0.1 and [::1] count as the same host). Returns the parsed URL, or
 * undefined when the emulator must not send the browser there.
 */
export function allowedReturnUrl(value: unknown, requestHost: string): URL | undefined {
  if (typeof value !== 'string' || value.length > 2000 || value.includes('#')) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  const own = hostnameOf(requestHost);
  if (!own) return undefined;
  if (sameHost(url.hostname, own)) return url;
  return undefined;
}

/** Appends parameters to a URL, leaving its existing query string as it is. */
export function appendQuery(url: URL, params: Record<string, string | undefined>): string {
  const extra = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
  const base = url.href;
  if (!extra) return base;
  if (!url.search) return `${base.endsWith('?') ? base : base + '?'}${extra}`;
  return `${base}${base.endsWith('&') ? '' : '&'}${extra}`;
}
