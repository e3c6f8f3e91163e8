import type { SignInFlow } from './sign-in.guard.js';

declare module 'fastify' {
  interface Session {
    signInFlow?: SignInFlow;
    commenterId?: string;
  }
}
