/**
 * The evasion table: texts the shipped default rule set must catch, each with the rule expected and
 * the span it must point at (given as the exact excerpt of the text; `at` picks among repeats), and
 * innocent look-alikes that must pass untouched.
 */
export interface Caught {
  text: string;
  rule: string;
  excerpt: string;
  /** Which occurrence of the excerpt, when it appears more than once (default 0). */
  at?: number;
}

const b = (text: string, excerpt = text): Caught => ({ text, rule: 'banned_word', excerpt });
const s = (text: string, excerpt = text): Caught => ({ text, rule: 'suspect_word', excerpt });
const pi = (text: string, excerpt: string): Caught => ({ text, rule: 'personal_info', excerpt });

export const CAUGHT: Caught[] = [
  // English: case, width, compatibility forms, accents
  b('Oh FUCK no', 'FUCK'),
  b('ｆｕｃｋ this', 'ｆｕｃｋ'),
  b('𝐟𝐮𝐜𝐤 off', '𝐟𝐮𝐜𝐤'),
  b('ⓕⓤⓒⓚ', 'ⓕⓤⓒⓚ'),
  b('fück you', 'fück'),
  b('ＳＨＩＴ happens', 'ＳＨＩＴ'),
  // split letters
  b('f.u.c.k you', 'f.u.c.k'),
  b('f u c k you', 'f u c k'),
  b('f-u-c-k', 'f-u-c-k'),
  b('f_u_c_k this', 'f_u_c_k'),
  b('f*u*c*k', 'f*u*c*k'),
  b('s.h.i.t', 's.h.i.t'),
  b('F U C K', 'F U C K'),
  b('k i l l  y o u r s e l f', 'k i l l  y o u r s e l f'),
  // stretched
  b('fuuuuuck', 'fuuuuuck'),
  b('FUUUCKKK off', 'FUUUCKKK'),
  b('shiiiiit', 'shiiiiit'),
  b('assssss', 'assssss'),
  // invisible characters
  b('f\u200buck', 'f\u200buck'),
  b('fu\u00adck', 'fu\u00adck'),
  b('fu\u200dck', 'fu\u200dck'),
  b('\u202efuck', 'fuck'),
  b('fu\ufe0fck', 'fu\ufe0fck'),
  b('f\u2060u\u2060c\u2060k', 'f\u2060u\u2060c\u2060k'),
  // padding meant to overflow buffers
  b(`${'ﷺ'.repeat(120)} fuck`, 'fuck'),
  b(`${'뷁'.repeat(200)} 씨발`, '씨발'),
  b(`${'㎏'.repeat(200)} shit`, 'shit'),
  // other scripts
  b('fυck', 'fυck'),
  b('fuсk', 'fuсk'),
  b('ѕhit', 'ѕhit'),
  b('bіtch', 'bіtch'),
  // leetspeak
  b('sh1t', 'sh1t'),
  b('$h!t', '$h!t'),
  b('sh|t show', 'sh|t'),
  b('a$$hole', 'a$$hole'),
  b('@sshole', '@sshole'),
  b('b1tch', 'b1tch'),
  b('b!tch', 'b!tch'),
  b('bitch3s', 'bitch3s'),
  b('wh0re', 'wh0re'),
  b('r3tard', 'r3tard'),
  b('f@ggot', 'f@ggot'),
  b('n1gg3r', 'n1gg3r'),
  b('bull$hit', 'bull$hit'),
  b('5h1t', '5h1t'),
  // words and substrings
  b('what an ass.', 'ass'),
  b('this shit', 'shit'),
  b('is shit', 'shit'),
  b('a s s', 'a s s'),
  b('f u u c k', 'f u u c k'),
  b('shit!', 'shit'),
  b('cunts', 'cunt'),
  b('motherfucker', 'motherfucker'),
  b('kys', 'kys'),
  b('just kill yourself', 'kill yourself'),
  b('go die', 'go die'),
  b('sibal', 'sibal'),
  // English suspect words
  s('you idiot', 'idiot'),
  s('you 1d10t', '1d10t'),
  s('M0R0N', 'M0R0N'),
  s('st.u.p.i.d', 'st.u.p.i.d'),
  s('stuuupid', 'stuuupid'),
  s('shut up', 'shut up'),
  // Korean: composed, jamo, decomposed
  b('씨발', '씨발'),
  b('시발', '시발'),
  b('ㅅㅂ', 'ㅅㅂ'),
  b('ㅆㅂ', 'ㅆㅂ'),
  b('ㅆㅣㅂㅏㄹ', 'ㅆㅣㅂㅏㄹ'),
  b('ㅅㅣㅂㅏㄹ 진짜', 'ㅅㅣㅂㅏㄹ'),
  b('ㄱㅐㅅㅐㄲㅣ', 'ㄱㅐㅅㅐㄲㅣ'),
  b('ㅂㅅ', 'ㅂㅅ'),
  b('ㅄ', 'ㅄ'),
  b('ㄴㄱㅁ', 'ㄴㄱㅁ'),
  b('ㅈㄹ하네', 'ㅈㄹ'),
  b('ㅆ ㅣ ㅂ ㅏ ㄹ', 'ㅆ ㅣ ㅂ ㅏ ㄹ'),
  b('씨ㅂㅏㄹ', '씨ㅂㅏㄹ'),
  b('ㅅ ㅂ', 'ㅅ ㅂ'),
  s('ㅂ ㅏ ㅂ ㅗ', 'ㅂ ㅏ ㅂ ㅗ'),
  // inserted digits, Latin letters, spaces, symbols, invisibles
  b('시1발', '시1발'),
  b('시a발', '시a발'),
  b('시 발', '시 발'),
  b('시.발', '시.발'),
  b('씨~발', '씨~발'),
  b('병1신', '병1신'),
  b('병 신', '병 신'),
  b('병?신', '병?신'),
  b('씨\u200b발', '씨\u200b발'),
  b('씨\u3164발', '씨\u3164발'),
  // keyboard layout
  b('tlqkf', 'tlqkf'),
  b('Tlqkf 진짜', 'Tlqkf'),
  b('qudtls', 'qudtls'),
  b('rotoRl', 'rotoRl'),
  s('RJwu', 'RJwu'),
  s('qkqh', 'qkqh'),
  // look-alike symbols
  b('^ㅣ발', '^ㅣ발'),
  b('人ㅣ발', '人ㅣ발'),
  b('ㅅ|발', 'ㅅ|발'),
  b('7H새끼', '7H새끼'),
  s('ㅂr보', 'ㅂr보'),
  // number puns
  b('시8', '시8'),
  b('18놈아', '18'),
  b('개18', '18'),
  b('10새끼', '10새끼'),
  // partly consonant
  b('ㅅ발', 'ㅅ발'),
  b('씨ㅂ', '씨ㅂ'),
  b('ㅂ신', 'ㅂ신'),
  b('병ㅅ', '병ㅅ'),
  b('개ㅅㄲ', '개ㅅㄲ'),
  // particles and suffixes glued on
  b('병신아', '병신'),
  b('씨발놈아', '씨발'),
  b('병 신아', '병 신'),
  b('좆같네', '좆'),
  b('지랄하네', '지랄'),
  // stretched and sound-alike
  b('씨이이이발', '씨이이이발'),
  b('씨빨', '씨빨'),
  b('씨팔', '씨팔'),
  b('쒸발', '쒸발'),
  b('개새기', '개새기'),
  b('개세끼', '개세끼'),
  b('븅신', '븅신'),
  b('니애미', '니애미'),
  b('느금마', '느금마'),
  b('느그엄마', '느그엄마'),
  b('닥쳐라', '닥쳐라'),
  b('미친놈', '미친놈'),
  b('썅년', '썅년'),
  b('씹새끼', '씹새끼'),
  // Korean suspect words
  s('바보', '바보'),
  s('멍청이', '멍청이'),
  s('쓰레기같은', '쓰레기'),
  s('꺼져', '꺼져'),
  s('또라이', '또라이'),
  s('기레기들', '기레기'),
  // personal information
  pi('call 010-1234-5678', '010-1234-5678'),
  pi('번호 01012345678 연락주세요', '01012345678'),
  pi('010 1234 5678', '010 1234 5678'),
  pi('010.1234.5678', '010.1234.5678'),
  pi('+82 10-1234-5678', '+82 10-1234-5678'),
  pi('사무실 02-123-4567', '02-123-4567'),
  pi('mail kim@example.com', 'kim@example.com'),
  pi('KIM.MINJI+news@mail.example.co.kr 로', 'KIM.MINJI+news@mail.example.co.kr'),
  pi('주민번호 900101-1234567', '900101-1234567'),
  pi('9001011234567', '9001011234567'),
  pi('card 4111 1111 1111 1111 exp', '4111 1111 1111 1111'),
  pi('4111-1111-1111-1111', '4111-1111-1111-1111'),
  pi('5500000000000004', '5500000000000004'),
  pi('010-12\u200b34-5678', '010-12\u200b34-5678'),
  // links, shouting, flooding
  { text: 'see https://spam.example.com/x now', rule: 'link', excerpt: 'https://spam.example.com/x' },
  { text: 'www.casino.xyz 가입', rule: 'link', excerpt: 'www.casino.xyz' },
  { text: 'THIS IS A DISGRACE TO JOURNALISM', rule: 'shouting', excerpt: 'THIS IS A DISGRACE TO JOURNALISM' },
  { text: 'ㅋ'.repeat(30), rule: 'flooding', excerpt: 'ㅋ'.repeat(30) },
  { text: `wow ${'!'.repeat(25)}`, rule: 'flooding', excerpt: '!'.repeat(25) },
  { text: `lol ${'haha'.repeat(8)}`, rule: 'flooding', excerpt: 'haha'.repeat(8) },
  { text: `nice ${'🔥'.repeat(20)}`, rule: 'flooding', excerpt: '🔥'.repeat(20) },
];

export const INNOCENT: string[] = [
  // English words containing listed ones
  'Scunthorpe United won again',
  'a classic class assignment',
  'my assistant will call you',
  'the assassin was caught',
  'Cockburn Street in Edinburgh',
  'pass the salt, please',
  'as I said before',
  'she was sad',
  'as sad as ever',
  'I was hit by a car',
  'this is hit or miss',
  'shiitake and shitake mushrooms',
  'a cocktail at the bar',
  'the peacock spread its tail',
  'grass, bass and brass',
  'assess the embassy',
  'Essex and Sussex',
  'flame retardant',
  'the Niger river',
  'he gave a snigger',
  'dumbbells at the gym',
  'diet and idioms',
  'document the analysis',
  'the therapist said',
  'the country is large',
  'S.H.I.E.L.D agents',
  'f.u.n for all',
  'I have 5 apples and 3 pears',
  'room 101, covid19 rules',
  'a $5 coffee',
  'A thoughtful reply about the summit.',
  'tomorrow together government hello world',
  'Ssangyong and Hyundai in Busan',
  'NASA and the EU agreed on it',
  // Korean words containing listed ones
  '시발점',
  '시발점이 어디였는지 따져 봐야죠',
  '수박씨 발라 먹기',
  '수박씨발라먹기',
  '다시 발표했다',
  '역시 발로 뛰는 기자',
  '그 시 발표회에서',
  '시방 뭐하냐',
  '시바견 귀여워',
  '병원 신설 계획',
  '병 신고 접수',
  '신병 신고식',
  '새끼 고양이가 귀엽네요',
  '개나리와 개발자',
  '존경합니다',
  '졸업 축하해요',
  '병신년 새해',
  '십팔번 노래',
  '미친 듯이 웃었다',
  '지랄탄 발사',
  '시발택시 역사',
  // Korean shorthand and numbers
  'ㄱㅅ합니다',
  'ㅅㄱ요',
  'ㅇㅇ 맞아요',
  'ㅋㅋㅋ 웃기네',
  'ㅋ ㅋ ㅋ 그렇죠',
  'ㄱ ㅅ',
  '18세 이상',
  '18살 때',
  '2018년 10월 18일',
  '10명이 8시에',
  'tlsansrltk 기사',
  // numbers that are not personal information
  'in 2019 2020 2021',
  'ISBN 978-3-16-148410-0',
  '가격 1,234,567원',
  '2026-11-29 기사',
  '1234 5678',
];

/**
 * Evasions of a newsroom's plain six-word list (PLAIN_LIST in rules-innocent.cases.ts) that the
 * built-ins catch whatever the list: sound-alikes, initials, vowel jamo and strokes as separators,
 * spaced syllables, and mixes. The same texts are caught with the shipped list.
 */
export const PLAIN_EVASIONS: Caught[] = [
  // sound-alikes (variants)
  b('씨빨'), b('쒸발'), b('시바알'), b('씨바알 진짜', '씨바알'), b('븅신'), b('빙신'), b('개색기'), b('개쉐끼'), b('개섀끼'), b('씨벌'), b('시벌'),
  b('쉬발'), b('씌발'), b('시팔'), b('씨팔'), b('병쉰'), b('개새기'), b('개세끼'), b('개쌔끼'), b('개색끼'), b('뮈친놈'), b('개새키'),
  b('븅신아', '븅신'), b('이 빙신들', '빙신'), b('개쉑기야', '개쉑기'), b('쒸벌놈아', '쒸벌'), b('미친뇸', '미친뇸'), b('병싄'), b('시발 놈', '시발'),
  // initials
  b('ㅅㅂ'), b('ㅆㅂ'), b('ㅂㅅ'), b('ㄱㅅㄲ'), b('ㅁㅊㄴ'), b('ㅋㅋㅂㅅ', 'ㅂㅅ'), b('ㅅㅂ 진짜', 'ㅅㅂ'), b('완전 ㅂㅅ이네', 'ㅂㅅ'), b('ㄱㅅㄲ야', 'ㄱㅅㄲ'),
  // vowel jamo and strokes as separators
  b('개ㅡ새끼'), b('씨ㅣ발'), b('병|신'), b('씨ㆍ발'), b('개ー새끼'), b('병ㅡ신'), b('미ㅡ친ㅡ놈'), b('씨~발'), b('병ㆍ신'), b('개｜새｜끼'), b('씨─발'),
  b('이 개ㅡ새끼야', '개ㅡ새끼'), b('씨ㅡㅡ발'), b('병ᆞ신'), b('개一새끼'),
  // spaced syllables
  b('씨 발'), b('병 신'), b('개 새 끼'), b('미 친 놈'), b('씨 발 놈 아', '씨 발'), b('병 신 같 네', '병 신'),
  // mixed
  b('시1발'), b('씨ㅂ'), b('ㅅ발'), b('tlqkf'), b('f.u.c.k'), b('a$$hole'), b('fuuuck'), b('병신아', '병신'), b('이 병신년아', '병신'), b('씨발놈아', '씨발'),
  b('개새끼들', '개새끼'), b('씨발아', '씨발'), b('ＦＵＣＫ'), b('씨이이발'), b('ㅆㅣㅂㅏㄹ'), b('시 바 알', '시 바 알'), b('븅 신'), b('개 색 기'), b('씨ㅣ빨'),
];
