import { EMULATOR_FACEBOOK, EMULATOR_TWITTER } from '../../src/auth/emulator/emulator.credentials.js';
import { Browser, formOf, location } from './browser.js';

export interface SignInOptions {
  name?: string;
  action?: 'allow' | 'deny';
  query?: Record<string, string>;
}

/**
 * Goes through the real passport strategy and the emulator's consent page like a reader would,
 * and returns the service's answer on the callback.
 */
export async function signIn(browser: Browser, provider: 'twitter' | 'facebook', options: SignInOptions = {}): Promise<Response> {
  const query = new URLSearchParams(options.query ?? {}).toString();
  const start = await browser.get(`/auth/${provider}${query ? `?${query}` : ''}`);
  if (start.status !== 302) throw new Error(`sign-in start answered ${start.status}: ${await start.text()}`);
  const consentUrl = location(start);
  const page = await browser.get(consentUrl);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const form = formOf(await page.text());
  const decision = await browser.postForm(new URL(form.action, consentUrl).href, {
    ...form.fields,
    name: options.name ?? 'Kim Min-ji',
    action: options.action ?? 'allow',
  });
  return browser.get(location(decision));
}

/** The callback URL the provider would send the reader to, without the reader (for forging and replaying). */
export async function consentRedirect(browser: Browser, provider: 'twitter' | 'facebook', name = 'Kim Min-ji'): Promise<string> {
  const start = await browser.get(`/auth/${provider}`);
  const consentUrl = location(start);
  const form = formOf(await (await browser.get(consentUrl)).text());
  const decision = await browser.postForm(new URL(form.action, consentUrl).href, { ...form.fields, name, action: 'allow' });
  return location(decision);
}

/** Twitter configured as with real credentials (the emulator's keys), every endpoint on a stand-in server at `base`. */
export function twitterAt(base: string): Record<string, string> {
  return {
    TWITTER_CONSUMER_KEY: EMULATOR_TWITTER.consumerKey,
    TWITTER_CONSUMER_SECRET: EMULATOR_TWITTER.consumerSecret,
    TWITTER_REQUEST_TOKEN_URL: `${base}/oauth/request_token`,
    TWITTER_ACCESS_TOKEN_URL: `${base}/oauth/access_token`,
    TWITTER_AUTHORIZE_URL: `${base}/oauth/authenticate`,
    TWITTER_PROFILE_URL: `${base}/1.1/account/verify_credentials.json`,
  };
}

/** Facebook likewise. */
export function facebookAt(base: string): Record<string, string> {
  return {
    FACEBOOK_APP_ID: EMULATOR_FACEBOOK.appId,
    FACEBOOK_APP_SECRET: EMULATOR_FACEBOOK.appSecret,
    FACEBOOK_AUTHORIZE_URL: `${base}/dialog/oauth`,
    FACEBOOK_TOKEN_URL: `${base}/oauth/access_token`,
    FACEBOOK_PROFILE_URL: `${base}/me`,
  };
}
