import { ModeratorsService } from '../../src/moderators/moderators.service.js';
import type { ModeratorRole } from '../../src/moderators/moderator.entity.js';
import type { TestApp } from './app.js';
import { Browser } from './browser.js';

export interface SignedInModerator {
  id: string;
  email: string;
  role: ModeratorRole;
  password: string;
  token: string;
  csrfToken: string;
  /** Sends the bearer token (an API client). */
  api: Browser;
  /** Holds the dashboard cookie; add `csrf` to its writes. */
  dashboard: Browser;
  /** The X-CSRF-Token header for the dashboard's writes. */
  csrf: Record<string, string>;
}

let counter = 0;

/** A moderator (or admin) account, created directly in the service, then signed in over HTTP. */
export async function moderator(t: TestApp, role: ModeratorRole = 'moderator', email = `${role}${++counter}-${Date.now() % 1e6}@desk.test`): Promise<SignedInModerator> {
  const password = `pw-${email}-long-enough`;
  await t.app.get(ModeratorsService).add({ email, role, password }, { moderatorId: null, via: 'cli' });
  return signInModerator(t, email, password);
}

export async function signInModerator(t: TestApp, email: string, password: string): Promise<SignedInModerator> {
  const dashboard = new Browser(t.url);
  const response = await dashboard.post('/api/moderation/session', { email, password });
  if (response.status !== 200) throw new Error(`moderator sign-in failed: ${response.status} ${await response.text()}`);
  const body = await response.json();
  return {
    id: body.moderator.id,
    email: body.moderator.email,
    role: body.moderator.role,
    password,
    token: body.token,
    csrfToken: body.csrfToken,
    api: new Browser(t.url, { authorization: `Bearer ${body.token}` }),
    dashboard,
    csrf: { 'x-csrf-token': body.csrfToken },
  };
}
