import { safeReturnTo } from '../../src/auth/return-to.js';
import { HOSTILE_ON_SITE, HOSTILE_RETURN_TO, SITE } from './return-to.cases.js';

const config = {
  publicUrl: SITE,
  publicOrigin: SITE,
  allowedOrigins: ['https://news.example.com'],
};

describe('safeReturnTo: where a reader may be sent after sign-in', () => {
  test.each(HOSTILE_RETURN_TO)('%j goes to /', (raw) => {
    expect(safeReturnTo(raw, config)).toBe('/');
  });

  test.each(HOSTILE_ON_SITE)('PUBLIC_URL + %j goes to /', (path) => {
    expect(safeReturnTo(SITE + path, config)).toBe('/');
  });

  test.each([
    ['/articles/2018-10-30-pompeo-talks?x=1#comments', '/articles/2018-10-30-pompeo-talks?x=1#comments'],
    [`${SITE}/articles/7`, '/articles/7'],
    ['/a/./b/../c', '/a/c'],
    ['/a%2Fb', '/a%2Fb'],
    ['/search?q=a//b', '/search?q=a//b'],
    ['/기사/7', '/%EA%B8%B0%EC%82%AC/7'],
    ['https://news.example.com/article/7?from=comments', 'https://news.example.com/article/7?from=comments'],
    ['https://news.example.com', 'https://news.example.com/'],
  ])('%j is kept as %j', (raw, expected) => {
    expect(safeReturnTo(raw, config)).toBe(expected);
  });

  test.each([undefined, null, '', 42, ['/a', '/b'], '/' + 'a'.repeat(1000)])('%j (missing, not text, or too long) goes to /', (raw) => {
    expect(safeReturnTo(raw, config)).toBe('/');
  });
});
