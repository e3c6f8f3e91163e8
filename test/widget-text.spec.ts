import { finalSound, pickParticle, withParticle } from '../src/common/korean-particles.js';
import { texts } from '../src/dashboard/client/i18n.js';
import { AVATAR_COLORS, avatarColor } from '../src/widget/client/avatar-color.js';
import { strings } from '../src/widget/client/i18n.js';

/** Korean particles after names and numbers (widget and dashboard), and the avatar colour of a reader without a picture. */

describe('withParticle: the particle follows how the word before it ends when read aloud', () => {
  test.each([
    // The providers, as on the sign-in buttons: 페이스북 ends in ㄱ, 트위터 and 엑스 in a vowel, 구글 in ㄹ (which takes 로).
    ['Facebook', 'Facebook으로'],
    ['Twitter', 'Twitter로'],
    ['X', 'X로'],
    ['Google', 'Google로'],
    ['Kakao', 'Kakao로'],
    ['Line', 'Line으로'],
    // Hangul, through es-hangul.
    ['페이스북', '페이스북으로'],
    ['트위터', '트위터로'],
    ['서울', '서울로'],
    ['관리자', '관리자로'],
    ['최고 관리자', '최고 관리자로'],
    ['초성', '초성으로'],
    ['비슷한 소리 표기', '비슷한 소리 표기로'],
    // Numbers by their Sino-Korean reading: 1 일, 3 삼, 6 육, 10 십, 0 영, 100 백, 1,000 천, 10⁴ 만, 10¹² 조.
    ['1', '1로'],
    ['2', '2로'],
    ['3', '3으로'],
    ['6', '6으로'],
    ['7', '7로'],
    ['10', '10으로'],
    ['0', '0으로'],
    ['100', '100으로'],
    ['1,000', '1,000으로'],
    ['20000', '20000으로'],
    ['1000000000000', '1000000000000로'],
    ['3.0', '3.0으로'],
  ])('%s + 으로/로 → %s', (word, expected) => {
    expect(withParticle(word, '으로/로')).toBe(expected);
  });

  test.each([
    ['버전 3', '이/가', '버전 3이'],
    ['버전 2', '이/가', '버전 2가'],
    ['버전 10', '을/를', '버전 10을'],
    ['버전 4', '을/를', '버전 4를'],
    ['Google', '이/가', 'Google이'],
    ['Twitter', '이/가', 'Twitter가'],
    ['Facebook', '이/가', 'Facebook이'],
    ['Kim Min-ji', '이/가', 'Kim Min-ji가'],
    ['Park Ji-hoon', '은/는', 'Park Ji-hoon은'],
    ['John Smith', '을/를', 'John Smith를'],
    ['Paul', '와/과', 'Paul과'],
    ['Jane Doe', '와/과', 'Jane Doe와'],
    ['IBM', '을/를', 'IBM을'],
    ['SNS', '을/를', 'SNS를'],
    ['Matt', '이/가', 'Matt이'],
    ['Robert', '이/가', 'Robert가'],
    // Quotes and brackets are not read: the word inside decides.
    ['“바보”', '을/를', '“바보”를'],
    ['“욕설”', '은/는', '“욕설”은'],
    ['“spam”', '을/를', '“spam”을'],
  ] as const)('%s + %s → %s', (word, particle, expected) => {
    expect(withParticle(word, particle)).toBe(expected);
  });

  test('a word whose end cannot be read gets both forms, as Korean interfaces write them', () => {
    expect(finalSound('🙂')).toBeNull();
    expect(pickParticle('🙂', '으로/로')).toBe('(으)로');
    expect(pickParticle('?', '을/를')).toBe('을(를)');
    expect(pickParticle('さくら', '이/가')).toBe('이(가)');
    expect(pickParticle('', '와/과')).toBe('와(과)');
  });
});

describe('every Korean string with a name or number before a particle', () => {
  const widget = strings('ko');
  const desk = texts('ko');
  const audit = { target: 'desk@news.example', commenter: null, role: '', from: '', to: '', changes: 0, until: null, count: null, hidden: false, article: '' };

  test('the widget: the sign-in buttons', () => {
    expect(widget.logInWith('Facebook')).toBe('Facebook으로 로그인');
    expect(widget.logInWith('Twitter')).toBe('Twitter로 로그인');
    expect(widget.logInWith('X')).toBe('X로 로그인');
  });

  test('the dashboard: rule versions, found-by, the word lists, the audit, roles', () => {
    expect(desk.rulesView.saved(3)).toContain('버전 3이 적용되었습니다');
    expect(desk.rulesView.saved(2)).toContain('버전 2가 적용되었습니다');
    expect(desk.rulesView.foundBy('ㅂㅅ', desk.rulesView.builtins.initials!)).toBe('“ㅂㅅ”: 초성으로 찾음');
    expect(desk.rulesView.foundBy('씨빨', desk.rulesView.builtins.variants!)).toBe('“씨빨”: 비슷한 소리 표기로 찾음');
    expect(desk.rulesForm.duplicate('욕설')).toBe('“욕설”은 이미 목록에 있습니다.');
    expect(desk.rulesForm.duplicate('바보')).toBe('“바보”는 이미 목록에 있습니다.');
    expect(desk.rulesForm.added('바보', '금지어')).toBe('“바보”를 금지어에 추가했습니다.');
    expect(desk.rulesForm.removed('spam', '금지어')).toBe('“spam”을 금지어에서 삭제했습니다.');
    expect(desk.audit['rules.update']!('관리자가', { ...audit, version: 10 })).toBe('관리자가 규칙 버전 10을 저장했습니다');
    expect(desk.audit['rules.update']!('관리자가', { ...audit, version: 4 })).toBe('관리자가 규칙 버전 4를 저장했습니다');
    expect(desk.roleChanged('desk@news.example', desk.roles.admin!)).toBe('desk@news.example의 역할이 최고 관리자로 바뀌었습니다');
  });
});

describe('avatarColor: a reader without a picture gets a colour from their id', () => {
  /** WCAG relative luminance and the contrast with white. */
  function contrastWithWhite(hex: string): number {
    const channel = (i: number) => {
      const v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    return 1.05 / (luminance + 0.05);
  }

  test('every colour keeps the white initial readable (at least 4.5:1)', () => {
    for (const color of AVATAR_COLORS) expect(contrastWithWhite(color)).toBeGreaterThanOrEqual(4.5);
    expect(new Set(AVATAR_COLORS).size).toBe(AVATAR_COLORS.length);
  });

  test('the same id always gets the same colour (fixed values: no change can reshuffle every reader)', () => {
    expect(avatarColor('3f2a9c1e-0000-4000-8000-000000000001')).toBe(avatarColor('3f2a9c1e-0000-4000-8000-000000000001'));
    expect(avatarColor('3f2a9c1e-0000-4000-8000-000000000001')).toBe('#b3261e');
    expect(avatarColor('3f2a9c1e-0000-4000-8000-000000000002')).toBe('#00838f');
  });

  test('two readers with the same initial but different ids get different colours', () => {
    // What the issue saw: "Kim A" and "Kim B", both "K", both the same grey.
    expect(avatarColor('3f2a9c1e-0000-4000-8000-000000000001')).not.toBe(avatarColor('3f2a9c1e-0000-4000-8000-000000000002'));
  });

  test('ids spread over the whole palette', () => {
    const used = new Set(Array.from({ length: 600 }, (_, i) => avatarColor(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)));
    expect(used.size).toBe(AVATAR_COLORS.length);
  });
});
