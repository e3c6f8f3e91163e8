import type { AppConfig } from '../config.js';
import type { Provider } from './commenter.entity.js';

export interface ProviderInfo {
  id: Provider;
  /** The button's "Log in with {name}". */
  name: string;
  /**
   * Twitter and Facebook: the service's start route (a popup with ?popup=1). SSO: the site's own
   * sign-in page (SSO_LOGIN_URL), or null when the site hands tokens over by itself.
   */
  signInUrl: string | null;
}

/** The sign-in providers enabled on this site, for /auth/providers and the widget's buttons. */
export function enabledProviders(config: AppConfig): ProviderInfo[] {
  const list: ProviderInfo[] = [];
  if (config.twitter) list.push({ id: 'twitter', name: 'Twitter', signInUrl: `${config.publicUrl}/auth/twitter` });
  if (config.facebook) list.push({ id: 'facebook', name: 'Facebook', signInUrl: `${config.publicUrl}/auth/facebook` });
  if (config.sso) list.push({ id: 'sso', name: config.sso.name, signInUrl: config.sso.loginUrl ?? null });
  return list;
}
