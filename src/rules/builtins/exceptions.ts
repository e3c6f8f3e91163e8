/**
 * Innocent words that contain common insults, applied to every rule set (builtins.exceptions).
 * A finding that lies inside one of them is dropped, as with a rule set's own `exceptions`.
 *
 * Two guards keep an exception from hiding a real insult (see docs/rules.md, "Built-in exceptions"):
 *   "병신년!아야" — not when the next letter is one of those after "!" (병신년아 is a vocative insult);
 *   "씨발아+"    — only when a Hangul syllable follows in the same word (씨발아율, not 씨발아!).
 * An exception that reads exactly as a listed word (its whole skeleton) is ignored at compile time.
 */

const STEMS = Array.from('갑을병정무기경신임계');
const BRANCHES = Array.from('자축인묘진사오미신유술해');
/** The sixty years of the sexagenary cycle, 갑자 … 계해. */
export const SEXAGENARY = Array.from({ length: 60 }, (_, i) => STEMS[i % 10]! + BRANCHES[i % 12]!);
const HANJA_STEMS = Array.from('甲乙丙丁戊己庚辛壬癸');
const HANJA_BRANCHES = Array.from('子丑寅卯辰巳午未申酉戌亥');

function years(): string[] {
  const out: string[] = [];
  SEXAGENARY.forEach((name, i) => {
    const hanja = HANJA_STEMS[i % 10]! + HANJA_BRANCHES[i % 12]!;
    // 병신년아 / 병신년이 ㅆ… : a vocative after 년 is the insult, not the year.
    out.push(`${name}년!아야`, `${name}년도`, `${name}년생`, `${name}생`, `${name}일`, `${name}월`, `${name}(${hanja})`, `${name}${hanja}`, `${name}년(${hanja}年)`);
    out.push(name);
  });
  return out;
}

/** 始發: first departure. 시발 + what follows it in timetables and news. */
const SIBAL = ['점', '역', '택시', '자동차', '차', '버스', '열차', '편', '지', '항', '시각', '시간', '정류장', '정류소', '터미널', '노선', '운행', '하는', '한다', '했다', '하여', '해서', '하며', '할', '된', '되는', '됐다', '되어', '전철', '지하철', '선', '점이', '점은', '점을', '점에서', '점으로', '점부터', '역에서', '역으로', '역까지', '역인', '역은'].flatMap((s) => (s.length > 1 && !/^(하|한|했|해|할|된|되|됐|점|역)/.test(s) ? [`시발${s}`, `시발 ${s}`] : [`시발${s}`]));

const KOREAN = [
  ...SIBAL,
  // seeds: 씨 + 발라 (peel), 발아 (sprout)
  '수박씨 발라', '수박씨발라', '호박씨 발라', '호박씨발라', '해바라기씨 발라', '참외씨 발라', '포도씨 발라', '볍씨 발아', '볍씨발아', '종자씨 발아',
  '씨발라먹', '씨발라 먹', '씨발라내', '씨발라 내', '씨발라서', '씨발라야', '씨발아+', '씨 발아+',
  // 十八番: one's favourite song
  '십팔번', '18번', '십팔 번', '십팔세', '십팔일', '십팔명', '십팔년',
  // 미치다: to reach, to affect (영향을 미친다)
  '미친다', '미친다고', '미친다는', '미친다며', '미친다면', '을 미친', '를 미친', '에 미친', '이 미친 영향', '미친 영향', '미친 결과', '미친 파장', '미친 효과', '미친 바', '끼친',
  '미친 듯이', '미친듯이', '미친 듯', '미친듯',
  // 졸라매다: to tighten; 조르다: to pester
  '졸라매', '졸라맨', '졸라맸', '졸라 매', '졸라대', '졸라댔', '졸라서', '졸라도', '허리띠를 졸라',
  // 닥치다: to come upon (위기가 닥쳐오다)
  '닥쳐올', '닥쳐오', '닥쳐온', '닥쳐왔', '들이닥쳐', '닥쳐도', '닥쳐서', '닥쳐야', '닥쳐 오', '닥쳐와',
  // 꺼지다: to go out (a light, an engine)
  '꺼져가', '꺼져 가', '꺼져있', '꺼져 있', '불이 꺼져', '불 꺼져', '전원이 꺼져', '시동이 꺼져', '엔진이 꺼져', '꺼져서', '꺼져도', '꺼져버린', '꺼져 버린', '꺼져 있던', '땅이 꺼져', '꺼져 내린', '꺼져내린',
  // 죽어라: "for dear life"
  '죽어라 공부', '죽어라고', '죽어라 하고', '죽어라 뛰', '죽어라 일', '죽어라 달', '죽어라 연습', '죽어라 노력', '죽어라 매달',
  // 등신: a life-size figure, body proportions
  '등신대', '등신불', '팔등신', '구등신', '칠등신', '육등신', '8등신', '9등신', '7등신', '6등신',
  // 새끼: young animals, rope, little finger
  '새끼줄', '새끼손가락', '새끼발가락', '새끼 고양이', '새끼고양이', '새끼 돼지', '새끼돼지', '새끼 곰', '새끼곰', '새끼 강아지', '새끼를 낳', '새끼를 품', '새끼 오리', '새끼오리', '새끼 여우', '새끼 사자', '새끼 호랑이', '새끼 거북', '개새끼줄', '새끼 꼬기', '새끼꼬기', '새끼를 꼬',
  
  // other compounds
  '전염병', '감염병', '평신도', '메갈로돈', '메갈로', '메갈로폴리스', '메갈로마니아', '지랄탄', '시바견', '시바 이누', '시바이누', '시바신', '시바 신', '시바의 여왕', '시바여왕',
  '병신춤', '병신 춤',
  '음식물 쓰레기', '쓰레기 분리', '쓰레기 매립', '쓰레기 소각', '쓰레기 처리', '쓰레기 봉투', '쓰레기봉투', '쓰레기통', '쓰레기장', '쓰레기 더미', '쓰레기 수거', '생활 쓰레기', '플라스틱 쓰레기', '해양 쓰레기', '우주 쓰레기', '쓰레기 배출', '쓰레기 대란', '쓰레기 종량제', '쓰레기 줍', '쓰레기를 줍', '쓰레기 무단',
  
];

/** Scunthorpe-style names and words. */
const ENGLISH = [
  'scunthorpe', 'penistone', 'cockburn', 'cockburnspath', 'hancock', 'peacock', 'cocktail', 'cockpit', 'cockroach', 'cockerel', 'cockatoo', 'cockney', 'shuttlecock', 'stopcock', 'woodcock', 'babcock', 'hitchcock', 'alcock', 'cockle', 'cocky',
  'essex', 'sussex', 'middlesex', 'wessex', 'sextant', 'sextet', 'sexton', 'unisex', 'asexual', 'bisexual',
  'assassin', 'assassinate', 'assassination', 'assassins', 'class', 'classic', 'classical', 'classify', 'classified', 'classroom', 'classmate', 'bass', 'bassist', 'brass', 'grass', 'glass', 'mass', 'massive', 'pass', 'passage', 'passenger', 'passion', 'passive', 'passport', 'compass', 'embassy', 'ambassador', 'harass', 'harassment', 'assess', 'assessment', 'assets', 'assist', 'assistant', 'associate', 'association', 'assume', 'assumption', 'assure', 'assurance', 'assembly', 'assert', 'assign', 'assignment', 'cassette', 'casserole', 'lasso', 'molasses', 'morass', 'bypass', 'trespass', 'sassafras', 'hassle', 'tassel', 'vassal', 'chassis', 'carcass', 'crass', 'amass', 'surpass', 'kvass', 'potassium', 'picasso', 'massachusetts', 'assam', 'assad', 'hassan', 'nassau', 'lassen', 'kassel', 'brassica',
  'dickens', 'dickinson', 'dickson', 'dickey', 'benedict', 'predict', 'verdict', 'addict', 'contradict', 'dictionary', 'dictate', 'dictator', 'edict', 'indict', 'vindictive', 'moby dick', 'dick van dyke', 'philip k dick', 'dickensian',
  'shiitake', 'shitake', 'shittim', 'mishit',
  'snigger', 'sniggering', 'niger', 'nigeria', 'nigerian', 'nigella', 'niggle', 'niggling',
  'therapist', 'analysis', 'analyst', 
  'cumulative', 'cumulus', 'cucumber', 'document', 'circumstance', 'circumference', 
  'arsenal', 'arsenic', 'parsley', 'parse', 'marseille',
  'butterfly', 'buttress', 'button', 'rebuttal', 'scuttle', 'shuttle',
  'titanic', 'titan', 'titanium', 'title', 'titmouse', 'titillate', 'constitution', 'institution', 'competition', 'petition', 'repetition', 'partition', 'appetite', 'titus', 'tito',
  'twattle', 'wankie', 'bitchute', 'pissarro', 'pissaladiere', 
  'cunard', 'cuntis', 'scunner', 'fukuoka', 'fukushima', 'fukuyama', 'kuntz', 'dumbarton', 'dumbbell', 'dumbledore', 'dumbo',
  'clitheroe', 'penis', 'pennistone', 'lightwater', 'wetwang', 'shitterton', 'twatt', 'sandwich', 'horsham', 'bastardy',
  'slutsk', 'rape seed', 'rapeseed', 'grape', 'drape', 'scrape', 'therapy',
  'spice', 'spicy', 'chinking', 'chinks of light', 'kikeriki', 'raccoon', 'retardant', 'flame retardant', 'retardation',
  'idioms', 'idiomatic', 'idiosyncratic', 'die hard', 'diet', 'dies', 'died', 'diesel',
  'hoe', 'shoe', 'horseshoe', 'hoedown', 'whoever', 'pussycat', 'pussy willow', 'puss in boots', 'octopussy',
  'cocked hat', 'peniston', 'pakistan', 'spicer', 'spick and span', 'chinkapin', 'cockermouth', 'cockfosters', 'cocking', 'hitcham',
];

export const BUILTIN_EXCEPTIONS: readonly string[] = [...years(), ...KOREAN, ...ENGLISH];

/** An exception with its guard parsed. */
export interface ExceptionEntry {
  word: string;
  /** Letters that, right after the exception, make it the insult after all. */
  unlessNext?: string;
  /** Protects only when a Hangul syllable follows within the same word. */
  needsNext?: boolean;
}

export function parseException(raw: string): ExceptionEntry {
  const bang = raw.indexOf('!');
  if (bang > 0) return { word: raw.slice(0, bang), unlessNext: raw.slice(bang + 1) };
  if (raw.endsWith('+') && raw.length > 1) return { word: raw.slice(0, -1), needsNext: true };
  return { word: raw };
}
