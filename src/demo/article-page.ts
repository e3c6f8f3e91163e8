import { escapeHtml, htmlPage } from '../common/html.js';

/** The demo story: text written for this demo, about no real event. */
export const DEMO_ARTICLE = {
  id: '2026-11-29-assembly-budget-deal',
  section: 'Politics',
  headline: 'Rival parties strike late-night deal on 2027 budget, ending weeklong standoff',
  subhead: 'Compromise trims regional development funds and expands childcare subsidies; final vote set for Tuesday',
  byline: 'By Han Seo-yeon',
  published: '2026-11-29T14:05:00+09:00',
  publishedText: 'Published : Nov. 29, 2026 - 14:05',
  updatedText: 'Updated : Nov. 29, 2026 - 16:40',
  caption: 'Floor leaders of the ruling and main opposition parties shake hands after announcing the agreement at the National Assembly in Yeouido, Seoul, early Sunday. (Illustration)',
  paragraphs: [
    'The ruling and main opposition parties reached a tentative agreement on next year’s government budget early Sunday, ending a weeklong standoff that had threatened to push the spending plan past its constitutional deadline for the third year in a row.',
    'Under the deal, announced shortly after 2 a.m. by the two parties’ floor leaders, the overall budget will be cut by about 1.2 trillion won from the government’s original proposal. Most of the savings come from regional infrastructure projects, which the opposition had criticised as spending aimed at next spring’s local elections.',
    'In return, the ruling party secured an increase in childcare subsidies for families with children under two and an extension of a rent-support programme for young workers, two items it had called non-negotiable during talks.',
    '“Neither side got everything it wanted, and that is what a compromise looks like,” the ruling party’s floor leader told reporters outside the negotiating room. “The public was tired of watching us argue while the deadline passed.”',
    'The opposition’s floor leader said his party would continue to scrutinise how the remaining regional funds are allocated. “We agreed to the numbers, not to a blank cheque,” he said, adding that the party would push for a separate review of special-purpose grants in January.',
    'Analysts said the agreement reflected pressure on both parties ahead of the local elections. “Voters tend to punish whoever they see as responsible for gridlock,” said a political science professor at a Seoul university. “Neither party wanted to carry that label into the campaign.”',
    'The budget bill is expected to go to a plenary vote on Tuesday. The finance ministry said it would begin preparing the execution plan immediately so that the childcare measures can take effect in March.',
  ],
};

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#fff;color:#1a1a1a;font:17px/1.75 Georgia,"Times New Roman","Noto Serif KR",serif}
a{color:#0b57d0}
.top{border-bottom:1px solid #d9d9d9;font:13px/1.4 -apple-system,"Segoe UI","Noto Sans KR",sans-serif;color:#595959}
.top .wrap{display:flex;justify-content:space-between;gap:1rem;padding:.4rem 1rem}
.mast{text-align:center;padding:1.1rem 1rem .6rem}
.mast .name{font:700 clamp(1.9rem,6vw,3rem)/1.1 Georgia,serif;letter-spacing:-.02em;color:#111;text-decoration:none}
.mast .tag{display:block;font:12px/1.4 -apple-system,"Segoe UI",sans-serif;letter-spacing:.18em;text-transform:uppercase;color:#595959;margin-top:.3rem}
nav.sections{border-top:3px solid #111;border-bottom:1px solid #111;font:600 14px/1 -apple-system,"Segoe UI","Noto Sans KR",sans-serif;overflow-x:auto}
nav.sections ul{display:flex;gap:1.4rem;justify-content:center;list-style:none;margin:0;padding:.75rem 1rem;white-space:nowrap}
nav.sections a{color:#111;text-decoration:none}
nav.sections a[aria-current]{color:#b3261e}
.wrap{max-width:1080px;margin:0 auto}
.page{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:2.5rem;padding:1.5rem 1rem 3rem}
@media (max-width:900px){.page{grid-template-columns:minmax(0,1fr)}aside{display:none}}
.crumbs{font:600 13px/1.4 -apple-system,"Segoe UI",sans-serif;color:#b3261e;text-transform:uppercase;letter-spacing:.06em;margin:0 0 .6rem}
h1{font:700 clamp(1.6rem,4.2vw,2.5rem)/1.2 Georgia,"Noto Serif KR",serif;margin:0 0 .6rem;letter-spacing:-.01em}
.sub{font:400 1.15rem/1.5 Georgia,serif;color:#3d3d3d;margin:0 0 1.1rem}
.meta{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font:13px/1.5 -apple-system,"Segoe UI",sans-serif;color:#595959;border-top:1px solid #d9d9d9;border-bottom:1px solid #d9d9d9;padding:.6rem 0;margin-bottom:1.5rem}
.meta .by{font-weight:700;color:#1a1a1a}
figure{margin:0 0 1.5rem}
.photo{aspect-ratio:16/9;border-radius:2px;position:relative;overflow:hidden;
  background:linear-gradient(180deg,#9fb8cf 0%,#c9d8e4 42%,#6f7f74 42.5%,#56645a 100%)}
.photo::before{content:"";position:absolute;left:18%;right:18%;bottom:22%;height:30%;background:#e9e4d8;border-radius:3px 3px 0 0;box-shadow:0 -18px 0 -6px #d8d1c2}
.photo::after{content:"";position:absolute;left:38%;right:38%;bottom:52%;height:26%;background:radial-gradient(ellipse at 50% 100%,#7d9a8a 0 60%,transparent 61%)}
figcaption{font:13px/1.5 -apple-system,"Segoe UI",sans-serif;color:#595959;margin-top:.5rem}
article p{margin:0 0 1.2rem}
.comments{margin-top:2.5rem}
aside h2{font:700 15px/1.3 -apple-system,"Segoe UI",sans-serif;text-transform:uppercase;letter-spacing:.06em;border-bottom:2px solid #111;padding-bottom:.4rem}
aside ol{padding-left:1.2rem;font:15px/1.45 Georgia,serif}
aside li{margin-bottom:.8rem}
footer{background:#111;color:#d9d9d9;font:13px/1.6 -apple-system,"Segoe UI",sans-serif}
footer .wrap{padding:1.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;justify-content:space-between}
footer a{color:#fff}
.demo-note{background:#fff8e1;border:1px solid #f0d98c;padding:.6rem .8rem;font:13px/1.5 -apple-system,"Segoe UI",sans-serif;margin-bottom:1.5rem}
`;

export interface ArticlePageOptions {
  /** Where the page embeds the widget from: the address it was opened at (PUBLIC_URL in production). */
  serviceUrl: string;
  lang: 'ko' | 'en' | null;
  emulator: boolean;
  apiDocs: boolean;
  /** Set when sign-in cannot come back to this address: what PUBLIC_URL is, and what it would need to be. */
  publicUrlNeeded: { current: string; needed: string } | null;
}

function signInNote(hint: { current: string; needed: string }): string {
  return `<p class="demo-note" id="public-url-hint">Signing in works at <code>${escapeHtml(hint.current)}</code> (<code>PUBLIC_URL</code>), not from this address: open the page there, or start the service with <code>PUBLIC_URL=${escapeHtml(hint.needed)}</code> to sign in from here.</p>`;
}

export function articlePage(options: ArticlePageOptions): string {
  const a = DEMO_ARTICLE;
  const langAttr = options.lang ? ` data-lang="${options.lang}"` : '';
  return htmlPage({
    lang: 'en',
    title: `${a.headline} - The Seoul Ledger`,
    head: `<style>${STYLE}</style>`,
    body: `<body>
<div class="top"><div class="wrap"><span>Sunday, November 29, 2026</span><span>Korea’s English-language daily (demo)</span></div></div>
<header class="mast"><a class="name" href="/">The Seoul Ledger</a><span class="tag">News · Politics · Business · Life</span></header>
<nav class="sections" aria-label="Sections"><ul>
<li><a href="#">National</a></li><li><a href="#" aria-current="page">Politics</a></li><li><a href="#">Business</a></li>
<li><a href="#">North Korea</a></li><li><a href="#">World</a></li><li><a href="#">Life &amp; Culture</a></li><li><a href="#">Opinion</a></li>
</ul></nav>
<div class="wrap page">
<main>
<article>
<p class="crumbs">National · ${escapeHtml(a.section)}</p>
<h1>${escapeHtml(a.headline)}</h1>
<p class="sub">${escapeHtml(a.subhead)}</p>
<div class="meta"><span class="by">${escapeHtml(a.byline)}</span><time datetime="${a.published}">${escapeHtml(a.publishedText)}</time><span>${escapeHtml(a.updatedText)}</span></div>
<figure><div class="photo" role="img" aria-label="Illustration: the National Assembly building"></div><figcaption>${escapeHtml(a.caption)}</figcaption></figure>
${a.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
</article>
<section class="comments" aria-label="Comments">
${options.publicUrlNeeded ? signInNote(options.publicUrlNeeded) : ''}
${options.emulator ? '<p class="demo-note">Demo: “Log in” opens the local sign-in emulator: pick any name. Comments go through automatic moderation; some wait for an editor at <a href="/moderation">/moderation</a>.</p>' : ''}
<div data-comments data-article-id="${escapeHtml(a.id)}" data-article-url="${escapeHtml(options.serviceUrl + '/')}" data-article-title="${escapeHtml(a.headline)}"${langAttr}></div>
<script src="${escapeHtml(options.serviceUrl)}/embed.js" async></script>
</section>
</main>
<aside aria-label="Most read">
<h2>Most read</h2>
<ol><li>Seoul to extend late-night bus routes through winter</li><li>Exports rise for fourth straight month on chip demand</li><li>Court upholds ruling on labour union election</li><li>Weekend cold wave to bring first snow to central regions</li></ol>
</aside>
</div>
<footer><div class="wrap"><span>© 2026 The Seoul Ledger (demo page of the comment service, all text fictional)</span>
<span><a href="/moderation">Moderation</a> · <a href="/standards">Standards Board Policy</a>${options.apiDocs ? ' · <a href="/api/docs">API</a>' : ''}</span></div></footer>
</body>`,
  });
}

export function standardsPage(options: { demoPage: boolean }): string {
  return htmlPage({
    lang: 'en',
    title: 'Standards Board Policy',
    head: '<style>body{font:17px/1.7 Georgia,serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}</style>',
    body: `<body><h1>Standards Board Policy</h1>
<p>This is a sample page. Set <code>COMMENT_POLICY_URL</code> to your site's comment standards.</p>
<ol><li>Stay on the topic of the article.</li><li>No abuse, hate speech or threats.</li><li>Do not publish anyone's personal information.</li>
<li>No advertising or spam.</li><li>Comments are checked before they appear; editors may decline any comment.</li></ol>
<p lang="ko">게시판 운영 원칙: 기사와 관련된 의견을 남겨 주세요. 욕설·혐오·개인정보·광고는 게시되지 않습니다.</p>
${options.demoPage ? '<p><a href="/">Back to the article</a></p>' : ''}</body>`,
  });
}
