"""Word lists for normalization: chat abbreviations, multi-word phrases, fillers, grammar words,
Korean endings and particles. General language resources of Indonesian, Korean and English chat,
not a knowledge base's vocabulary (that comes from the knowledge files: names and synonyms)."""

from __future__ import annotations

import re

# Chat abbreviations and spelling variants → one form. Indonesian and English share one table:
# no key here is a word of the other language. Nor is a key a word that a name or synonym group
# spells (they are matched after this table): 'start' (start up, start operating), 'cluster'
# ('technopark cluster'), 'thanks' ('many thanks'; the stemmer makes it 'thank' anyway). 'mana' is not here: alone it asks "which" ('industri mana'),
# and only 'di mana' asks where (`bot.engine.scope` reads 'dimana' as a where question).
ABBREVIATIONS = {
    # Indonesian
    "yg": "yang", "brp": "berapa", "brapa": "berapa", "kpn": "kapan", "kapn": "kapan", "kpan": "kapan",
    "dmn": "dimana", "dimn": "dimana", "dmana": "dimana", "gmn": "bagaimana",
    # Question words with the question particle -kah: stemming alone would turn 'dimanakah' into
    # 'mana' and 'mengapakah' into 'kapa', and 'berapakah' would miss the synonym groups of 'berapa'.
    "dimanakah": "dimana", "kapankah": "kapan", "siapakah": "siapa", "berapakah": "berapa",
    "kenapakah": "kenapa", "mengapakah": "kenapa", "bagaimanakah": "bagaimana",
    "gimana": "bagaimana", "gmna": "bagaimana", "bgmn": "bagaimana", "knp": "kenapa", "mengapa": "kenapa",
    "dgn": "dengan", "dg": "dengan", "tdk": "tidak", "gak": "tidak", "ga": "tidak", "nggak": "tidak",
    "enggak": "tidak", "ngga": "tidak", "engga": "tidak", "utk": "untuk", "untk": "untuk", "dr": "dari",
    "krn": "karena", "jg": "juga", "sdh": "sudah", "udh": "sudah", "udah": "sudah", "blm": "belum",
    "bs": "bisa", "tgl": "tanggal", "thn": "tahun", "hr": "hari", "bln": "bulan", "ttd": "tandatangan",
    "kerjasama": "kerjasama", "dirut": "direktur utama", "wagub": "wakil gubernur", "gub": "gubernur",
    "gubernurnya": "gubernur", "pemprov": "pemerintah provinsi", "prov": "provinsi", "apaan": "apa",
    "ap": "apa", "sapa": "siapa", "sp": "siapa", "spa": "siapa", "makasih": "terimakasih",
    "makasi": "terimakasih", "mksh": "terimakasih", "trims": "terimakasih", "trmksh": "terimakasih",
    "tks": "terimakasih", "ttg": "tentang", "tntg": "tentang", "dlm": "dalam", "dl": "dalam", "kyk": "kayak",
    "skrg": "sekarang", "skr": "sekarang", "sy": "saya", "aq": "aku", "gw": "saya", "gue": "saya",
    "bgt": "banget", "km": "kamu", "kmu": "kamu", "jd": "jadi", "sbg": "sebagai", "spt": "seperti", "kl": "kalau",
    "klo": "kalau", "kalo": "kalau", "org": "orang", "pd": "pada", "tsb": "tersebut", "dll": "dan lain", "ha": "hektare", "hektar": "hektare", "kluster": "klaster",
    "umkm": "umkm", "ukm": "umkm", "startup": "startup", "starup": "startup",
    # Jakarta chat and short forms of question words (Latin, so never Korean; none is an English word
    # — 'napa' is there only a place name). 'bbrp' is 'beberapa' (several), not 'berapa'.
    "brpa": "berapa", "berape": "berapa", "bbrp": "beberapa", "bbrapa": "beberapa", "gmana": "bagaimana",
    "gimn": "bagaimana", "bgmana": "bagaimana", "bgaimana": "bagaimana", "gimane": "bagaimana",
    "knapa": "kenapa", "knpa": "kenapa", "napa": "kenapa", "kenape": "kenapa", "dmna": "dimana", "dimane": "dimana",
    "siape": "siapa", "syp": "siapa",
    # Chat spellings of everyday words. Not here: 'lg' (lagi in chat, but LG in 'LG Energy Solution'),
    # 'cm' (centimetre), 'dah' (sudah or a goodbye), 'gua' (saya in chat, a cave in Indonesian),
    # 'tp' (tapi in chat, but the short name of a technopark: 'Chungbuk TP').
    "emg": "memang", "emng": "memang", "mmg": "memang", "bener": "benar", "bnr": "benar", "bner": "benar",
    "gtu": "gitu", "trs": "terus", "trus": "terus", "sm": "sama", "ama": "sama", "lgi": "lagi",
    "ntar": "nanti", "ntr": "nanti", "entar": "nanti", "tau": "tahu", "pake": "pakai", "pke": "pakai",
    "cuman": "cuma", "cma": "cuma", "klw": "kalau", "klu": "kalau", "gk": "tidak", "kagak": "tidak",
    "kaga": "tidak", "ngak": "tidak", "nggk": "tidak", "ngk": "tidak", "tak": "tidak", "blum": "belum",
    "blom": "belum", "bkn": "bukan", "msh": "masih", "sdg": "sedang", "lgsg": "langsung", "jga": "juga",
    "krna": "karena", "karna": "karena", "bsa": "bisa", "dng": "dengan", "yng": "yang", "skrng": "sekarang",
    "skg": "sekarang", "sya": "saya", "ane": "saya", "pgn": "pengen", "pengin": "pengen", "nanya": "tanya", "ditanya": "tanya", "bertanya": "tanya",
    "liat": "lihat", "mksd": "maksud", "mksdnya": "maksud", "smpe": "sampai", "sampe": "sampai", "spai": "sampai",
    # Chat verbs whose root the stemmer cannot weigh (`bot.text.indonesian`): 'cakup' is not common
    # itself, and 'kurus' (thin) is more common than 'urus'. 'sma' is not here: it is also SMA.
    "nyakup": "cakup", "ngurus": "urus", "ngurusin": "urus",
    # Korean chat goodbyes as whole words: inside a longer word 바이 is 바이오 (bio) or 바이어 (buyer).
    "바이": "bye", "빠이": "bye",
    # Informal words with a standard synonym: 'gede' (big) is 'besar', 'segede' is 'sebesar'.
    "gede": "besar", "segede": "sebesar", "gedhe": "besar",
    "tenan": "tenant", "hai": "halo", "hallo": "halo", "hello": "hello", "helo": "hello",
    # English
    # English chat spellings of question words and small words. None is an Indonesian word. Not here:
    # 'hw' (homework), 'y' (ya in Indonesian chat), 'bc' and 'cos' (also BC, cosine), 'bout' and 'cud'
    # (English words), 'gov' (government or governor), 'wont' and 'cant' (English words).
    "wat": "what", "wut": "what", "wht": "what", "whut": "what", "wot": "what", "wats": "what", "wuts": "what",
    "whts": "what", "wen": "when", "whn": "when", "whens": "when", "whr": "where", "wher": "where",
    "whre": "where", "wich": "which", "whch": "which", "abt": "about", "coz": "because", "cuz": "because",
    "bcoz": "because", "bcuz": "because", "becoz": "because", "becuz": "because", "bcause": "because",
    "govt": "government", "gvt": "government", "goverment": "government", "gimme": "give me",
    "lemme": "let me", "dunno": "do not know", "ppl": "people", "yr": "year", "yrs": "year", "intl": "international",
    "rn": "right now", "im": "i am", "shud": "should", "wud": "would", "isnt": "is not", "doesnt": "does not",
    "didnt": "did not", "wasnt": "was not", "arent": "are not", "dont": "do not",
    "thnx": "thank", "thanx": "thank", "tnx": "thank", "tq": "thank", "tysm": "thank", "tyvm": "thank",
    "tengkyu": "thank", "cya": "see you", "heya": "hey",
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thank",
    "ty": "thank", "whats": "what", "wheres": "where", "whos": "who", "hows": "how",
    "hectares": "hectare", "ha.": "hectare", "sme": "sme", "smes": "sme", "msmes": "sme", "msme": "sme",
}

# Several words that mean one thing (applied to folded text, whole words only).
PHRASES = {
    "tanda tangan": "tandatangan", "kerja sama": "kerjasama", "di mana": "dimana",
    "terima kasih": "terimakasih", "thank you": "thank", "start up": "startup", "start ups": "startup",
    "mou": "mou", "nota kesepahaman": "mou", "nota kesepemahaman": "mou", "memorandum of understanding": "mou",
    "양해각서": "mou", "업무협약": "mou", "업무 협약": "mou",
    # Openers that announce a question and say nothing about it ('kak mau nanya, ...', 'quick question:').
    # Dropped whole: 'tanya' or 'question' alone would pull every question toward "what can I ask?".
    # ('nanya' is already 'tanya' here: abbreviations come first.)
    "mau tanya": "", "mo tanya": "", "numpang tanya": "", "izin tanya": "", "ijin tanya": "",
    "pengen tanya": "", "ingin tanya": "",
    "quick question": "", "i have a question": "", "i want to ask": "", "i wanna ask": "",
    "i would like to ask": "", "i was wondering": "", "just wondering": "",
    "궁금한 게 있어요": "", "궁금한 게 있는데": "", "질문 있어요": "", "질문이 있어요": "", "질문이 있는데": "",
    "물어볼 게 있어요": "", "물어볼 게 있는데": "", "여쭤볼 게 있어요": "", "여쭤볼 게 있는데": "",
}

# Words that carry no information about which entry is meant: politeness, fillers, discourse
# particles. They are dropped; otherwise an unknown "exactly" or "sebenernya" would weigh like an
# unknown content word and push a good question into "I don't know".
STOPWORDS = set("""
sih dong deh kak kakak min mimin gan bang sis bro mas mbak ya yah nih tuh loh lho kok tolong mohon pak bu om
kah lah pun nya eh ah oh hmm hm um uh wr wb sebenarnya sebenernya emang memang banget bgt aja saja coba gitu
begitu kira ayo yuk
cuma doang hanya plis pliss gaes guys kk kan toh sob anu
the a an please pls plz kindly exactly actually really basically just so well ok okay oke anyway btw
tho though omg tbh ngl imo fyi dude
s t d ll re ve m
좀 혹시 그럼 그리고 그 저 제가 알려줘 알려주세요 알려줄래 알려줄래요 알려 주세요 줘 궁금해요 궁금해 궁금합니다 궁금
싶어요 싶습니다 알고 말해줘 말해 요 정말 진짜 근데 그런데 그냥 이만 실례지만 저기 저기요 음 네 예 ㅋㅋ ㅎㅎ
넘 너무 완전 엄청 되게 디게 겁나 짱 레알 진심 대박 헐 막 그니까 있잖아 제발
궁금한데 궁금한데요 궁금해서 궁금하네요 알려주셈 알려줭 알려조 알려주라 알려줘여 알려주세여 가르쳐줘 가르쳐 가르쳐주세요
부탁해 부탁해요 부탁드려요 부탁드립니다
""".split())

# Indonesian and English words that affix stripping must leave alone.
PROTECTED = {
    "selain", "semakin", "desain", "kemarin",   # roots before the chat '-in' that are words too (sela, desa)
    "berapa", "bagaimana", "apa", "siapa", "kapan", "dimana", "kenapa", "dengan", "tidak", "untuk", "sudah",
    "belum", "bisa", "yang", "dari", "karena", "juga", "tanggal", "tahun", "hari", "bulan", "halo", "hai",
    "selamat", "pagi", "siang", "sore", "malam", "kamu", "anda", "saya", "aku", "kami", "kita", "mereka",
    "teknologi", "industri", "tenant", "direktur", "digital", "diskusi", "dinas", "terminal", "kebun", "startup", "seminar", "sister", "umkm", "memorandum", "terimakasih",
    "ngapain",  # "doing what": not the chat prefix ng- on a root "apa"
    "pengen", "pingin", "pengin", "perlu", "pernah", "peran", "perdana", "permisi",  # not pe-/per- on a root
    "metode", "media", "mesin", "medis", "menit", "meter", "pesan", "pesawat", "penting",  # not me-/pe- either
    "ditanya", "bertanya",  # their '-nya' is the root's own (tanya)
    "this", "was", "has", "does", "is", "us", "its", "news", "business", "always", "address", "process",
    "yes", "less", "bus", "gas", "pas", "this", "thus", "plus", "across", "series", "species",
}

KO_SYNONYMS = {
    "누가": "누구", "뭐": "무엇", "뭔": "무엇", "무슨": "무엇", "뭐야": "무엇", "뭐예요": "무엇", "뭐에요": "무엇",
    "무엇인가요": "무엇", "뭘": "무엇", "뭐였어": "무엇", "뭐지": "무엇", "무엇을": "무엇", "뭔가요": "무엇", "어딘가요": "어디", "언젠가요": "언제", "얼마나": "얼마", "몇": "얼마",
    "크기": "면적", "넓이": "면적", "규모": "면적", "땡큐": "감사", "고마워": "감사", "고마워요": "감사",
    "고맙습니다": "감사", "감사합니다": "감사", "감사해요": "감사", "서명": "체결", "서명식": "체결", "체결식": "체결",
    "사인": "체결", "안녕하세요": "안녕", "안녕하십니까": "안녕", "방가": "안녕", "하이": "안녕",
    # Chat forms of question words. Hangul, so no Latin word can collide; each is only this question word.
    # (A knowledge base whose synonym group spells 어떻게 or 누구 lists these forms too: the groups are
    # matched before this table is read.)
    "머": "무엇", "머야": "무엇", "머임": "무엇", "뭐임": "무엇", "뭔데": "무엇", "뭐여": "무엇", "뭐냐": "무엇",
    "뭐니": "무엇", "뭡니까": "무엇", "뭐에여": "무엇", "뭐예여": "무엇", "뭐죠": "무엇", "뭔지": "무엇",
    "어케": "어떻게", "어캐": "어떻게", "어떻케": "어떻게", "어뜨케": "어떻게", "어떠케": "어떻게",
    "왜케": "왜", "왜캐": "왜", "왤케": "왜", "왜요": "왜", "왜여": "왜", "왜죠": "왜",
    "누군데": "누구", "누군가요": "누구", "누구심": "누구", "누군지": "누구",
    "얼만데": "얼마", "얼만가요": "얼마", "얼만지": "얼마", "몇개": "얼마",
    "언젠데": "언제", "언젠지": "언제", "언제쯤": "언제",
    "어딘데": "어디", "어딘지": "어디", "어딤": "어디", "어딨어": "어디", "어딨어요": "어디", "어딨나요": "어디",
}

# Verb endings, then particles, stripped from the end of a Hangul word (longest first).
KO_ENDINGS = sorted("""했대요 한대요 했대 했다는데 한다는데 다는데 는데 대요 래요 됐대요 됐대 이래요 이래 였대요 였대
    였어 었어 았어 됐어 됐나 했니 이니 해 했 함 한 할 된 될 됨 하는 한다 했다 된다 합 한가 하니 한지 한가요 하지
    한다고 했다고 이라고 라고 이라는 라는 거예요 거에요 건가요 건데 거야 은거 는거 한대 했대 냐고 는지 은지
    했습니까 했나요 했어요 했어 했죠 됐나요 됐어요 되었나요 되나요 돼요 됩니다 인가요 입니까 입니다
    이에요 이었나요 였나요 였어요 이었어요 이죠 인지 인데 예요 에요 이야 나요 까요 어요 아요 해요 세요 습니까
    합니까 하나요 합니다 해줘 줘요 이다 니까 였지 했지 인가 이냐 냐 지요 죠 야 요
    임 했음 됐음 였음 었음 았음 있음 없음 이었음 는거임 은거임 인거임 한거임 인듯 임까 인가여 인지여
    해여 해용 해염 했어여 했나여 됐나여 나여 까여 에여 예여 이에여 어여 아여 세여 줘여 여
    하셈 해셈 주셈 했삼 하삼""".split(), key=len, reverse=True)
# Nouns whose last syllable is also a chat ending (-임, -여): 정기모임 is not 정기모 + 임.
KO_NOUN_TAILS = ("모임", "책임", "네임", "타임", "게임", "레임", "참여", "기여", "부여", "급여", "대여", "수여")
KO_PARTICLES = sorted("""들이 들은 들을 들의 들도 끼리 에서는 에서 에게 한테 으로 께서 부터 까지 처럼 이랑 하고 이나 은 는 이 가 을 를 의 에 로 와 과 도
    만 랑 나 들 아 어 쯤""".split(), key=len, reverse=True)

# Grammar words: however rare in the knowledge base, they say nothing about which entry is meant.
# (Question words such as kapan/when/언제 are not here: they tell a date question from a venue one.)
GRAMMAR_WORDS = frozenset("""
the a an of to in on at for from with by about and or but is are was were be been it its this that these those
can could would will should i me my you your we our they their there here as so if then than
yang di ke dari dan dengan ini itu ada adalah akan untuk pada dalam oleh atau juga saja aja sama
tentang soal ttg mau ingin tahu tau bisa boleh nya
jadi sini situ khusus khususnya any like one some also very tell show give know want wanna need explain many sort kind
type able thing things stuff has have had having get got part which province provinces provincial provinsi
punya hal bagian mengenai perihal
사람 부분 대해 대해서 대한 관해 관해서 관한
jelasin jelaskan kasih mau ingin pengen pingin
terus lagi kayak karena because gonna
거 것 수 등 및 그 이 저 좀 더 하 개 정도 그거 이거 저거
""".split())

# Question words by the kind of fact they ask for ('how many/much' is found as a pair). A "when"
# question is not answered by an entry nobody asks "when" of (`bot.engine.scope`); "what" and "how" ask
# for anything, so they are not here.
QUESTION_WORDS = {
    "who": "who whom whose siapa siapakah 누구 누가",
    "when": "when kapan kapankah 언제",
    "where": "where dimana 어디 어디서 어디에 어디에서",
    "why": "why kenapa mengapa 왜",
    "quantity": "berapa berapakah 얼마 몇",
}

# Compatibility jamo typed on their own are chat shorthand: a few stand for words, the rest (ㅋㅋ ㅎㅎ
# ㅠㅠ ㅜㅜ) are laughter or tears and carry no meaning.
JAMO_RUN = re.compile(r"[\u3131-\u318e]+")
# ㅂㅂ, ㅂㅇ and ㅃㅃ say goodbye (바이바이, 빠이): 안녕히, not the greeting 안녕.
JAMO_WORDS = {"ㅎㅇ": "안녕", "ㄳ": "감사", "ㄱㅅ": "감사", "ㄱㅅㄱㅅ": "감사", "ㅇㅋ": "오케이", "ㅂㅇ": "안녕히",
              "ㅂㅂ": "안녕히", "ㅈㅅ": "죄송", "ㄳㄳ": "감사", "ㅃㅃ": "안녕히", "ㅃㅇ": "안녕히", "ㅎㅇㅎㅇ": "안녕"}
# Laughter written in letters: 'wkwk', 'awokawok', 'hahaha', 'hehe', 'xixi', 'lol', '하하', '크크'.
LAUGHTER = re.compile(r"(?<![a-z\uac00-\ud7a3])(?:(?:wk){2,}w?|(?:kw){2,}k?|a?wok(?:a?wok)+|(?:ha){2,}h?|(?:he){2,}h?"
                       r"|(?:hi){2,}h?|(?:hu){2,}|(?:xi){2,}|lo+l|lmf?a+o+|rofl|(?:하){2,}|(?:히){2,}|(?:헤){2,}"
                       r"|(?:호){2,}|(?:크){2,}|(?:키){2,}|(?:흐){2,})(?![a-z\uac00-\ud7a3])")

# ASCII emoticons and kaomoji: faces, not words (':D', 'xD', '^^', 'T_T', '-_-', '<3'). Matched on the
# raw text, since folding would leave their letters as words ('xd', 'p') and their digits as numbers ('3').
EMOTICON = re.compile(r"""
    (?<![\w:;=])(?:
      [:;=][-'o^]?[)(\]\[DPpOo3/\\|*$@>]+(?!\w)      # :)  :-(  :D  ;P  :'(  :3  :/  =)
    | [)(\]\[][-']?[:;=](?!\w)                      # (:  ):
    | [xX]D+(?!\w) | xP(?!\w)                       # xD  XD  xP
    | </?3+(?!\d)                                   # <3  </3
    | \^[_\-.o~]?\^                                 # ^^  ^_^  ^.^
    | [Tt;Qq][_.\-]+[Tt;Qq](?!\w)                   # T_T  ;_;  T.T  Q_Q
    | [-=oO>xX+@^][_.]{1,2}[-=oO<xX+@^](?!\w)       # -_-  o_O  >_<  x_x  =_=
    )""", re.VERBOSE)
