import { tmpdir } from 'node:os';
import { ConfigError, loadConfig } from '../src/config.js';
import { isPrivateAddress, urlProblem } from '../src/integrations/webhooks/url-guard.js';
import { slackEscape, slackMessage } from '../src/integrations/webhooks/webhook-payload.js';

describe('webhook address guard', () => {
  test.each([
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.255',
    '0.0.0.0', '224.0.0.251', '239.255.255.250', '255.255.255.255', '198.18.0.1',
    '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'febf::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:10.0.0.1',
    '64:ff9b::a00:1', '2001:db8::1', '[::1]', 'not-an-ip',
  ])('%s is refused', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  test.each(['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.1', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])('%s is allowed', (ip) =>
    expect(isPrivateAddress(ip)).toBe(false),
  );

  test('registration: literal private addresses (in every spelling URL parsing accepts) refused unless allowed; names are checked at delivery', () => {
    for (const url of ['http://127.1/', 'http://0x7f000001/', 'http://2130706433/', 'http://[::ffff:127.0.0.1]/', 'http://[0:0:0:0:0:0:0:1]/', 'https://10.0.0.1:8443/x']) {
      expect(urlProblem(url, false)).toMatchObject({ code: 'WEBHOOK_URL_PRIVATE' });
      expect(urlProblem(url, true)).toBeNull();
    }
    expect(urlProblem('https://localhost/x', false)).toBeNull();
    expect(urlProblem('https://hooks.slack.com/services/T/B/X', false)).toBeNull();
    expect(urlProblem('file:///etc/passwd', true)).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  test('slack: the three markup characters escaped, links kept apart from the text', () => {
    expect(slackEscape('<@U123> & <!channel>')).toBe('&lt;@U123&gt; &amp; &lt;!channel&gt;');
    const message = slackMessage({
      id: '1',
      type: 'commenter.banned',
      createdAt: new Date(0).toISOString(),
      data: { commenter: { id: 'x', displayName: '<!here>' }, reason: 'spam & <links>', until: null },
    });
    expect(message.text).toBe('&lt;!here&gt; was banned: spam &amp; &lt;links&gt;');
  });
});

describe('webhook settings', () => {
  const base = { NODE_ENV: 'development', AUTH_SECRET: 'a-development-secret-long-enough-0123456789', DATA_DIR: tmpdir() };
  test('defaults; bad values and the test-only backoff outside tests refuse to start with one line', () => {
    expect(loadConfig(base)).toMatchObject({ webhookAllowPrivate: false, reviewBacklogAlert: undefined, reviewBacklogCheckMs: 60_000, webhookBackoffMs: undefined });
    expect(loadConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'true', REVIEW_BACKLOG_ALERT: '25' })).toMatchObject({ webhookAllowPrivate: true, reviewBacklogAlert: 25 });
    expect(() => loadConfig({ ...base, REVIEW_BACKLOG_ALERT: '0' })).toThrow(/REVIEW_BACKLOG_ALERT must be a whole number greater than 0/);
    expect(() => loadConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(/WEBHOOK_ALLOW_PRIVATE must be true or false/);
    expect(() => loadConfig({ ...base, WEBHOOK_BACKOFF_MS: '5' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, WEBHOOK_BACKOFF_MS: '5' })).toThrow('Invalid configuration: WEBHOOK_BACKOFF_MS is for tests only (NODE_ENV=test); unset it');
    expect(loadConfig({ ...base, NODE_ENV: 'test', WEBHOOK_BACKOFF_MS: '5' }).webhookBackoffMs).toBe(5);
  });
});
