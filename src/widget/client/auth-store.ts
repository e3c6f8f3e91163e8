/**
 * Where the reader's token is kept, inside the iframe only (the host page cannot read it).
 * Tried in order: localStorage (partitioned per top-level site in current browsers); a
 * partitioned (CHIPS) cookie, which still works where third-party storage is blocked and
 * touching localStorage throws SecurityError; else memory only, and the reader signs in again
 * on the next article.
 */
export interface Commenter {
  id: string;
  displayName: string;
  avatarUrl: string | null;
  provider: string;
}

export interface Auth {
  token: string;
  expiresAt: string;
  commenter: Commenter;
  /** Signed in with the site's own account: its `sub`, to see whether the site's next token is the same reader. */
  ssoSub?: string;
}

const KEY = 'cw_auth';

interface Backend {
  read(): string | null;
  write(value: string | null, maxAgeSeconds: number): void;
}

function local(key: string): Backend | null {
  try {
    const storage = window.localStorage;
    storage.setItem(KEY + '_probe', '1');
    storage.removeItem(KEY + '_probe');
    return {
      read: () => storage.getItem(key),
      write: (value) => (value === null ? storage.removeItem(key) : storage.setItem(key, value)),
    };
  } catch {
    return null;
  }
}

function partitionedCookie(key: string): Backend | null {
  try {
    const set = (value: string, maxAge: number, name = key) => {
      document.cookie = `${name}=${value}; Path=/widget; Max-Age=${maxAge}; SameSite=None; Secure; Partitioned`;
    };
    set('1', 60, KEY + '_probe');
    if (!document.cookie.includes(`${KEY}_probe=1`)) return null;
    set('', 0, KEY + '_probe');
    return {
      read: () => {
        const match = new RegExp(`(?:^|; )${key}=([^;]+)`).exec(document.cookie);
        return match ? decodeURIComponent(match[1]!) : null;
      },
      write: (value, maxAge) => set(value === null ? '' : encodeURIComponent(value), value === null ? 0 : maxAge),
    };
  } catch {
    return null;
  }
}

export class AuthStore {
  private memory: Auth | null = null;
  private readonly backend = local(KEY) ?? partitionedCookie(KEY);

  /** Which storage is in use (shown to tests and in the report). */
  readonly kind = this.backend ? (local(KEY) ? 'localStorage' : 'partitioned-cookie') : 'memory';

  load(): Auth | null {
    if (!this.memory && this.backend) {
      try {
        const raw = this.backend.read();
        const auth = raw ? (JSON.parse(raw) as Auth) : null;
        if (auth?.token && auth.commenter) this.memory = auth;
      } catch {
        // unreadable: as if signed out
      }
    }
    if (this.memory && new Date(this.memory.expiresAt).getTime() <= Date.now() + 5000) this.save(null);
    return this.memory;
  }

  save(auth: Auth | null): void {
    this.memory = auth;
    if (!this.backend) return;
    try {
      const ttl = auth ? Math.max(1, Math.floor((new Date(auth.expiresAt).getTime() - Date.now()) / 1000)) : 0;
      this.backend.write(auth ? JSON.stringify(auth) : null, ttl);
    } catch {
      // storage refused: memory is enough for this page
    }
  }
}

/** A short note kept where the token is (a partitioned cookie keeps it a day), or in memory only. */
export function remembered(key: string): { read(): string | null; write(value: string | null): void } {
  const backend = local(key) ?? partitionedCookie(key);
  let memory: string | null = null;
  return {
    read: () => {
      try {
        return backend?.read() ?? memory;
      } catch {
        return memory;
      }
    },
    write: (value) => {
      memory = value;
      try {
        backend?.write(value, 86_400);
      } catch {
        // storage refused: memory is enough for this page
      }
    },
  };
}
