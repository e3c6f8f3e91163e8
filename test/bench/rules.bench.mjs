// Rule engine throughput on one core: `npm run bench:rules` (builds first) or `node test/bench/rules.bench.mjs` on a built dist.
// A deterministic 10,000-entry word list over a deterministic mix of Korean and English comments up to 250 characters.
import os from 'node:os';
import { compileRuleSet, evaluate } from '../../dist/rules/engine.js';
import { DEFAULT_RULES_FILE, loadRuleSetFile } from '../../dist/rules/rule-set.js';

const WORDS = Number(process.env.BENCH_WORDS ?? 10_000);
const COMMENTS = Number(process.env.BENCH_COMMENTS ?? 300_000);

function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(20261129);
const pick = (list) => list[Math.floor(rnd() * list.length)];

/** The word list: the shipped defaults plus generated Latin and Hangul words, half banned, half suspect. */
export function wordList(size = WORDS) {
  const base = loadRuleSetFile(DEFAULT_RULES_FILE);
  const latin = ['ka', 'ro', 'mi', 'zu', 'tre', 'vol', 'gan', 'pix', 'dor', 'fle', 'qua', 'sny', 'bri', 'jok', 'wem', 'hux'];
  const hangul = Array.from('갑낙닷랍맙밧삿앗잡찻캅탓팝핫괵뉨뒙륏뮹븝슌욋좩췅퀭튑퓸흿뭬쐐똠뺨쨉꽥');
  const seen = new Set();
  const banned = [...base.bannedWords];
  const suspect = [...base.suspectWords];
  while (banned.length + suspect.length < size) {
    const korean = rnd() < 0.5;
    const parts = korean ? 2 + Math.floor(rnd() * 2) : 2 + Math.floor(rnd() * 2);
    let word = '';
    for (let i = 0; i < parts; i++) word += pick(korean ? hangul : latin);
    if (seen.has(word)) continue;
    seen.add(word);
    (rnd() < 0.5 ? banned : suspect).push(word);
  }
  return { ...base, bannedWords: banned, suspectWords: suspect };
}

const KO = [
  '좋은 기사 감사합니다.', '정부는 이번 정책에 대해 더 설명해야 한다고 봅니다.', '기자님 수고하셨습니다 ㅎㅎ', '이게 말이 되나요? 정말 답답하네요.',
  '저도 같은 생각입니다. 지역 경제가 걱정이에요.', '시발점이 어디였는지부터 따져봐야죠.', '수박씨 발라 먹기처럼 귀찮은 일이네요.', '투표율이 높아졌으면 좋겠습니다',
  '외교 문제는 신중하게 접근해야 합니다.', '물가가 너무 올라서 장보기가 무섭네요 ㅠㅠ', '이 기사 제목이 좀 과장된 것 같아요.', '다시 발표한다니 지켜보겠습니다.',
  '역시 현장 취재가 최고네요 👍', '댓글 보니까 다들 화가 많이 났네', '2026년 예산안 통과 소식 반갑습니다', '자세한 내용은 010-1234-5678로 문의 주세요',
];
const EN = [
  'Thanks for the thoughtful reporting on this.', 'I disagree with the premise, but the data is interesting.', 'Who approved this budget?',
  'The class sizes in our district are already too big.', 'My assistant in Scunthorpe read this aloud to the whole office.', 'Great article!',
  'Can someone explain how the tariff actually works?', 'This is exactly what we warned about in 2019.', 'See https://example.org/report for the full data.',
  'Well said. The council should listen.', 'Interesting, though the headline oversells it a bit.', 'LOL this is hilarious',
];
const EVIL = ['f.u.c.k this', 'ㅅㅂ 진짜', '시1발 뭐냐', 'tlqkf', 'you idiot', '병신아', 'fuuuuck off', '씨발놈아', 'sh1t show', '개ㅅㄲ'];

export function comments(count = 2000) {
  const out = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const korean = rnd() < 0.6;
    while (text.length < 250) {
      const next = rnd() < 0.05 ? pick(EVIL) : pick(rnd() < 0.85 ? (korean ? KO : EN) : korean ? EN : KO);
      if (text.length + next.length + 1 > 250) break;
      text += (text ? ' ' : '') + next;
      if (rnd() < 0.25) break;
    }
    out.push(text);
  }
  return out;
}

const started = process.hrtime.bigint();
const compiled = compileRuleSet(wordList());
const compileMs = Number(process.hrtime.bigint() - started) / 1e6;
const bodies = comments();
const facts = { history: { total: 5, published: 4, rejected: 0 }, duplicates: { sameCommenter: 0, otherCommenters: 0 } };
const verdicts = { publish: 0, review: 0, reject: 0 };
for (let i = 0; i < 20_000; i++) evaluate({ body: bodies[i % bodies.length] }, facts, compiled); // warm-up
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
for (let i = 0; i < COMMENTS; i++) verdicts[evaluate({ body: bodies[i % bodies.length] }, facts, compiled).verdict]++;
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
// CPU time of the process (all its threads, so garbage collection helpers count too): the figure
// that does not depend on what else the machine is doing. Wall-clock time is given as well.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  JSON.stringify(
    {
      benchmark: 'rules',
      commentsPerSecond: Math.round(COMMENTS / seconds),
      commentsPerCpuSecond: Math.round(COMMENTS / cpuSeconds),
      loadAverage: os.loadavg()[0].toFixed(2),
      comments: COMMENTS,
      distinctComments: bodies.length,
      averageLength: Math.round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length),
      maxLength: Math.max(...bodies.map((b) => b.length)),
      words: compiled.ruleSet.bannedWords.length + compiled.ruleSet.suspectWords.length,
      patterns: compiled.words.patterns.length,
      compileMs: Math.round(compileMs),
      verdicts,
      node: process.version,
      cpu: os.cpus()[0]?.model ?? 'unknown',
    },
    null,
    2,
  ),
);
