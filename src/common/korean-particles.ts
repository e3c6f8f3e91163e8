/**
 * Korean particles after a name or a number: 이/가, 을/를, (으)로… follow the final sound of the word
 * before them ("Facebook으로", "Twitter로", "버전 3을"). es-hangul picks the particle for Hangul;
 * for Latin letters and digits we first find how the word's end is read aloud and hand es-hangul a
 * syllable that ends the same way. Used by the widget and the dashboard (bundled at build time).
 */
import { josa } from 'es-hangul';

export type Particle = Parameters<typeof josa.pick>[1];

/** Syllables standing for a final sound: none, ㄹ (which takes 로, not 으로), any other consonant. */
const VOWEL = '가';
const RIEUL = '갈';
const CONSONANT = '각';

/** Sino-Korean readings: 0 영 … 9 구; a round number ends on its unit (10 십, 100 백, 1000 천, 10⁴ 만, 10⁸ 억, 10¹² 조, 10¹⁶ 경). */
const DIGITS = '영일이삼사오육칠팔구';
const UNITS = ['', '십', '백', '천'];
const MYRIADS = ['만', '억', '조', '경'];

/** Letter names as read in Korean (A 에이, L 엘, M 엠, N 엔, R 알, X 엑스…): how an acronym ends. */
const LETTER_SOUNDS: Record<string, string> = { l: RIEUL, r: RIEUL, m: CONSONANT, n: CONSONANT };

/** The word followed by the particle that fits it, e.g. withParticle('Facebook', '으로/로') → 'Facebook으로'. */
export function withParticle(word: string, particle: Particle): string {
  return word + pickParticle(word, particle);
}

/** Just the particle; both forms ("(으)로", "이(가)") when the word's end cannot be read (emoji, other scripts). */
export function pickParticle(word: string, particle: Particle): string {
  const sound = finalSound(word);
  return sound ? josa.pick(sound, particle) : bothForms(particle);
}

/** A Hangul syllable that ends as `word` is read aloud, or null. Trailing punctuation (quotes, brackets) is not read. */
export function finalSound(word: string): string | null {
  const end = /([\p{L}\p{N}])[^\p{L}\p{N}]*$/u.exec(word)?.[1];
  if (!end) return null;
  if (end >= '가' && end <= '힣') return end;
  if (end >= '0' && end <= '9') return numberEnd(word);
  if (/[a-z]/i.test(end)) return latinEnd(/([a-z]+)[^\p{L}\p{N}]*$/iu.exec(word)![1]!);
  return null;
}

function numberEnd(word: string): string {
  const digits = /([0-9][0-9,]*)[^\p{L}\p{N}]*$/u.exec(word)![1]!.replace(/,/g, '');
  const zeros = digits.length - digits.replace(/0+$/, '').length;
  if (zeros === digits.length) return DIGITS[0]!; // 0, 00: 영
  if (zeros === 0) return DIGITS[Number(digits[digits.length - 1])]!;
  if (zeros < 4) return UNITS[zeros]!;
  return MYRIADS[Math.min(Math.floor(zeros / 4), MYRIADS.length) - 1]!;
}

const VOWELS = 'aeiou';

/**
 * How an English or romanised word ends in Korean, by its last letters (the loanword orthography,
 * good enough for providers and names): Twitter 트위터, Facebook 페이스북, Google 구글, Line 라인,
 * David 데이비드, Kim Min-ji 김민지, Park Ji-hoon 박지훈. Short all-capital words are read letter by letter (X 엑스, IBM 아이비엠).
 */
function latinEnd(letters: string): string {
  const w = letters.toLowerCase();
  // (No String.prototype.at: the widget still runs on Safari 14.1.)
  const [last, before = '', third = ''] = [...w.slice(-3)].reverse() as [string, string?, string?];
  if (letters.length <= 3 && letters === letters.toUpperCase()) return LETTER_SOUNDS[last] ?? VOWEL;
  const isVowel = (c: string) => c !== '' && VOWELS.includes(c);
  switch (last) {
    case 'l':
      return RIEUL; // Paul 폴, Michael 마이클
    case 'm':
    case 'n':
      return CONSONANT; // Kim 김, Line… Jun 준
    case 'g':
      return before === 'n' ? CONSONANT : VOWEL; // Kang 강; Greg 그레그
    case 'k':
    case 'c':
      return ['s', 'n', 'l'].includes(before) ? VOWEL : CONSONANT; // Facebook 페이스북, Park 박, Eric 에릭; Desk 데스크, Link 링크
    case 'p':
      return isVowel(before) ? CONSONANT : VOWEL; // Philip 필립, Seop 섭; Camp 캠프
    case 't':
      // Chat 챗, Matt 맷, Internet 인터넷; Robert 로버트, Post 포스트, Great 그레이트
      return before === 't' || (isVowel(before) && !isVowel(third)) ? CONSONANT : VOWEL;
    case 'e':
      if (before === 'l') return RIEUL; // Google 구글, Apple 애플
      if ((before === 'n' && third !== 'g') || before === 'm') return CONSONANT; // Line 라인, Jane 제인, Time 타임 (Orange 오렌지)
      return VOWEL; // Mike 마이크, Kate 케이트, Steve 스티브, Lee 리, Joe 조
    default:
      return VOWEL; // a i o u y; r (Twitter 트위터); b d (브, 드); s x z f v j q h w (스, 엑스, 즈, 프…)
  }
}

/** "(으)로", "이(가)", "을(를)", "와(과)": what Korean interfaces write when the word is unknown. */
function bothForms(particle: Particle): string {
  const [withFinal, withoutFinal] = particle.split('/') as [string, string];
  if (particle === '와/과') return '와(과)';
  return withFinal.endsWith(withoutFinal) ? `(${withFinal.slice(0, -withoutFinal.length)})${withoutFinal}` : `${withFinal}(${withoutFinal})`;
}
