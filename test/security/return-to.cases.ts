/** The public address the cases are written for; e2e tests swap in their own. */
export const SITE = 'https://comments.example.com';

/** Every way we know of to smuggle another host past a "same-site path" check. */
export const HOSTILE_RETURN_TO = [
  '//evil.example/x',
  '///evil.example/x',
  '/.//evil.example/x',
  '/..//evil.example/x',
  '/a/../..//evil.example/x',
  '/%2e//evil.example/x',
  '/%2e%2e//evil.example/x',
  '/.%2F/evil.example/x',
  '/%2F/evil.example',
  '/%2f%2fevil.example',
  '/%252F/evil.example',
  '/%25252F%25252Fevil.example',
  '/\t/evil.example',
  '/%09/evil.example',
  '/\n/evil.example',
  '/%0a/evil.example',
  '/%0d%0a/evil.example',
  '/%00/evil.example',
  '/\\evil.example',
  '\\/evil.example',
  '\\\\evil.example',
  '/\\/evil.example',
  '/%5Cevil.example',
  '/%5C/evil.example',
  '/%5c%5cevil.example',
  '/.%5C/evil.example',
  '/%2F%5Cevil.example',
  'https://evil.example/x',
  'javascript:alert(1)',
  'data:text/html,hi',
  'http://comments.example.com:443@evil.example/',
  'https://user:pass@comments.example.com/',
  'https://comments.example.com.evil.example/',
  'https://news.example.com//evil.example/x',
];

/** The same forms written as full URLs on the service's own origin. */
export const HOSTILE_ON_SITE = [
  '//evil.example/x',
  '/.//evil.example/x',
  '/..//evil.example/x',
  '/%2F/evil.example',
  '/%5C/evil.example',
  '\\\\evil.example',
  '/%09/evil.example',
];
