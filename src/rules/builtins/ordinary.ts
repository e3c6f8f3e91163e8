/**
 * Ordinary words that begin with the last syllable(s) of common insults (발표, 신고, 새끼줄 …).
 * A match that is split ("시 발표") or starts inside a word ("다시발견") is not a match when the
 * text from one of its later syllables on is one of these words: the reader sees two words there.
 */
const BY_SYLLABLE: Record<string, string> = {
  발: '발표 발견 발전 발생 발언 발의 발사 발아 발라 발행 발급 발송 발령 발족 발달 발동 발명 발효 발굴 발휘 발주 발탁 발포 발상 발매 발레 발목 발가락 발걸음 발바닥 발자국 발판 발길 발칙 발랄 발끈 발칵 발음 발병 발진 발차 발착 발원 발제 발췌 발각 발부 발신 발열 발육 발인 발톱 발등 발끝 발라드 발리 발코니 발휘 발효 발간 발단 발로 발로는 발을 발이 발에 발명품 발족식 발대식 발치 발산 발작 발광 발기인 발의안 발탁된 발빠르',
  신: '신고 신청 신문 신뢰 신설 신규 신호 신용 신경 신발 신선 신세 신속 신인 신중 신화 신체 신기 신앙 신념 신도 신부 신라 신사 신상 신약 신임 신장 신축 신흥 신곡 신작 신간 신차 신제품 신년 신입 신병 신학 신학기 신혼 신랑 신비 신분 신설 신흥국 신재생 신한 신세계 신라면 신도시 신종 신고서 신원 신탁 신형 신촌 신림 신사동 신안 신천 신의주',
  끼: '끼니 끼리 끼어 끼워 끼고 끼치 끼얹 끼인 끼었 끼지',
  새끼: '새끼줄 새끼손가락 새끼발가락 새끼를 새끼들을 새끼 고양이',
  바: '바다 바람 바로 바닥 바뀌 바꾸 바깥 바나나 바이러스 바탕 바지 바늘 바둑 바라 바란다 바랍니다 바른 바르 바쁘 바빠 바위 바이든 바이오 바닷 바구니',
  팔: '팔다 팔고 팔아 팔려 팔린 팔목 팔꿈치 팔도 팔십 팔월 팔자 팔레스타인 팔짱 팔로 팔로워 팔았 팔리',
  벌: '벌금 벌써 벌레 벌어 벌인 벌이 벌칙 벌판 벌초 벌점 벌였 벌여',
  친: '친구 친절 친환경 친일 친척 친정 친분 친밀 친서 친목 친화 친족 친부모 친모 친부 친정부',
  랄: '랄라',
  놈: '놈놈',
  나: '나라 나이 나무 나가 나오 나중 나머지 나름 나눔 나섰 나선 나서 나타 나간 나온 나왔',
  라: '라디오 라면 라인 라운드 라이브 라벨',
  쳐: '쳐다',
  져: '져서',
  년: '년간 년도 년대 년째 년생 년만',
};

/** Every ordinary word, as written (the check reads the original text). */
export const ORDINARY_WORDS: ReadonlySet<string> = new Set(Object.values(BY_SYLLABLE).flatMap((list) => list.split(' ')));
export const ORDINARY_MAX = Math.max(...Array.from(ORDINARY_WORDS, (w) => w.length));
