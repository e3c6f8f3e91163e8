/**
 * Why a comment was not published, in the reader's words: the widget (its own comments' cards)
 * and the mails (readers/email) say it the same way.
 */
export const REJECTION_REASONS: Record<'en' | 'ko', Record<string, string>> = {
  en: {
    banned_word: 'it contains words our standards do not allow',
    suspect_word: 'it did not pass review',
    link: 'it contains a link',
    premoderation: 'it did not pass review',
    spam: 'spam or advertising',
    abuse: 'abusive or hateful',
    personal_information: 'it reveals personal information',
    off_topic: 'off topic',
    other: 'it does not meet our standards',
    personal_info: 'it contains personal information (a phone number, an email address…)',
    shouting: 'it is written in capitals',
    flooding: 'it repeats characters or emoji too often',
    duplicate_self: 'you posted the same comment already',
    duplicate_campaign: 'the same text was posted by many accounts',
    article_closed: 'comments on this article are closed',
  },
  ko: {
    banned_word: '운영 원칙상 허용되지 않는 표현이 있습니다',
    suspect_word: '검토를 통과하지 못했습니다',
    link: '링크가 포함되어 있습니다',
    premoderation: '검토를 통과하지 못했습니다',
    spam: '스팸 또는 광고',
    abuse: '욕설 또는 혐오 표현',
    personal_information: '개인정보 노출',
    off_topic: '기사와 무관한 내용',
    other: '운영 원칙에 맞지 않습니다',
    personal_info: '개인정보(전화번호, 이메일 등)가 포함되어 있습니다',
    shouting: '대문자로만 쓰였습니다',
    flooding: '같은 글자나 이모지가 너무 많이 반복됩니다',
    duplicate_self: '같은 댓글을 이미 등록했습니다',
    duplicate_campaign: '여러 계정이 같은 글을 올렸습니다',
    article_closed: '이 기사의 댓글이 닫혔습니다',
  },
};

export function reasonInWords(lang: 'en' | 'ko', reason: string): string {
  return REJECTION_REASONS[lang][reason] ?? REJECTION_REASONS[lang].other!;
}
