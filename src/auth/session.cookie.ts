export const SESSION_COOKIE = 'cs_session';
