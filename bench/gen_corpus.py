#!/usr/bin/env python3
"""Scale corpus for the speed benchmarks: N synthetic Korean news articles as JSON Lines.

    bench/gen_corpus.py --size 100000 --out corpus.jsonl [--queries queries.tsv] [--seed 1]

Every article follows schemas/article.schema.json. Its text is real Korean sampled from
../shared/data (KorQuAD 1.0 dev paragraphs split into sentences and its article titles; the
sci-news-sum-kr-50 titles and sentences; the seed article's linked headlines), recombined:

- body: 5-30 sentences (15 on average), about 60% in order from one source document (its
  "topic") and the rest from anywhere, in paragraphs of 1-4 sentences;
- title: a real headline, a topic title with a phrase, or a phrase of 4-10 words cut from the
  lead sentence at a word boundary;
- published_at: 2019-2024, 06:00-23:59, +09:00 (a few date-only); a dozen outlets with their
  own reporters, ten sections, a photo credit on some;
- related: 0-8 linked stories carrying the title and URL of other generated articles, mostly
  nearby ones in the corpus, about a fifth to articles beyond the corpus (they stay stubs).

The result is SYNTHETIC: sentences do not follow each other as in a real article and titles are
cut, not written. It is for measuring speed and growth only, never relevance.

Deterministic: article i depends only on (--seed, i), so the output for a seed is the same on
every run and a link to article j can be written before article j is generated. Streaming: memory
does not grow with --size.

--queries writes the query file for the query benchmarks, one query a line as `kind<TAB>query`:
`keyword` queries are 1-3 consecutive words of the title of a random article of the corpus, with
their particles as written (마이크로소프트와 오픈AI); `question` queries are KorQuAD questions.
"""

import argparse
import datetime as dt
import glob
import json
import os
import random
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
EXIT_SKIP = 77  # CTest SKIP_RETURN_CODE: the data is not there

OUTLETS = [  # name, domain
    ("디지털투데이", "digitaltoday.co.kr"),
    ("연합뉴스", "yna.co.kr"),
    ("전자신문", "etnews.com"),
    ("조선일보", "chosun.com"),
    ("중앙일보", "joongang.co.kr"),
    ("동아일보", "donga.com"),
    ("한겨레", "hani.co.kr"),
    ("경향신문", "khan.co.kr"),
    ("매일경제", "mk.co.kr"),
    ("한국경제", "hankyung.com"),
    ("머니투데이", "mt.co.kr"),
    ("지디넷코리아", "zdnet.co.kr"),
]
SECTIONS = ["IT", "경제", "사회", "정치", "국제", "과학", "문화", "산업", "생활", "스포츠"]
PHOTO_CREDITS = ["셔터스톡", "연합뉴스", "게티이미지뱅크", "AP=연합뉴스", "픽사베이", None]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = "민서준현지우영수호진성하은재경태윤동희상혜승연주원"
HEADLINE_TAGS = ["[단독]", "[종합]", "[속보]", "[인터뷰]", "[기획]", "[분석]", "[르포]", "[현장]"]
RELATED_WEIGHTS = [30, 15, 15, 12, 10, 7, 5, 3, 3]  # P(0..8 linked stories)
DATE_START = dt.datetime(2019, 1, 1)
DATE_DAYS = (dt.datetime(2025, 1, 1) - DATE_START).days
KST = dt.timezone(dt.timedelta(hours=9))
WORD_EDGE = re.compile(r"^[\W_]+|[\W_]+$")  # punctuation around a word (quotes, brackets, commas)


def split_sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text.strip()) if len(s.strip()) >= 8]


class Source:
    """The sampled text: topics (a title and its sentences in order), a global sentence pool,
    real headlines and questions. Small and fixed: its size does not depend on --size."""

    def __init__(self, data_dir):
        korquad = Path(data_dir) / "korquad-v1-dev" / "KorQuAD_v1.0_dev.json"
        news = sorted(glob.glob(str(Path(data_dir) / "sci-news-sum-kr-50" / "data" / "*.json")))
        if not korquad.is_file() or not news:
            raise FileNotFoundError(f"{data_dir}: KorQuAD or sci-news-sum-kr-50 missing (see its README)")
        self.topics = []  # (title, [sentences])
        self.questions = []
        seen = set()
        with open(korquad, encoding="utf-8") as f:
            for article in json.load(f)["data"]:
                title = article["title"].replace("_", " ")
                sentences = []
                for p in article["paragraphs"]:
                    if p["context"] not in seen:
                        seen.add(p["context"])
                        sentences += split_sentences(p["context"])
                    self.questions += [" ".join(q["question"].split()) for q in p["qas"] if q["question"].strip()]
                if sentences:
                    self.topics.append((title, sentences))
        self.headlines = []
        for path in news:
            with open(path, encoding="utf-8") as f:
                n = json.load(f)
            sentences = [s.strip() if s.strip().endswith((".", "?", "!")) else s.strip() + "."
                         for s in n["sentences"] if len(s.strip()) >= 8]
            self.headlines.append(n["title"].strip())
            if sentences:
                self.topics.append((n["title"].strip(), sentences))
        seed_article = Path(data_dir).parent / "seed" / "000_1f698f136fdf8a36.txt"
        if seed_article.is_file():
            for line in seed_article.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("ㆍ") and len(line) > 3:
                    self.headlines.append(line[1:].strip())
        self.sentences = [s for _, ss in self.topics for s in ss]
        self.questions = sorted(set(self.questions))


class Generator:
    def __init__(self, source, size, seed):
        self.src = source
        self.size = size
        self.seed = seed
        r = random.Random(f"{seed}:reporters")
        self.reporters = [sorted({r.choice(SURNAMES) + r.choice(GIVEN) + r.choice(GIVEN) for _ in range(30)})
                          for _ in OUTLETS]
        # Articles beyond the corpus that linked stories point at (they stay stubs).
        self.outside = max(10, size // 10)

    def rng(self, i):
        return random.Random(f"{self.seed}:{i}")

    def head(self, i, r):
        """Topic, title, outlet and URL of article i, from the first draws of its generator, so
        that a link to article i (title_of) agrees with article i itself."""
        topic = r.randrange(len(self.src.topics))
        ttitle, sentences = self.src.topics[topic]
        start = r.randrange(len(sentences))
        lead = sentences[start]
        kind = r.random()
        if kind < 0.12:
            title = r.choice(self.src.headlines)
        elif kind < 0.25:
            title = f"{ttitle}, {phrase(r, lead, 3, 6)}"
        else:
            title = phrase(r, lead, 4, 10)
        if r.random() < 0.06:
            title = f"{r.choice(HEADLINE_TAGS)} {title}"
        outlet = r.randrange(len(OUTLETS))
        url = f"https://www.{OUTLETS[outlet][1]}/news/articleView.html?idxno={100000 + i}"
        return topic, start, title, outlet, url

    def title_of(self, i):
        _, _, title, _, url = self.head(i, self.rng(i))
        return title, url

    def article(self, i):
        r = self.rng(i)
        topic, start, title, outlet, url = self.head(i, r)
        ttitle, tsentences = self.src.topics[topic]
        n = max(5, min(30, round(r.triangular(5, 30, 10))))
        body, k = [], start
        for _ in range(n):
            if r.random() < 0.6:
                body.append(tsentences[k % len(tsentences)])
                k += 1
            else:
                body.append(r.choice(self.src.sentences))
        paragraphs, j = [], 0
        while j < len(body):
            m = r.randint(1, 4)
            paragraphs.append(" ".join(body[j:j + m]))
            j += m
        day = DATE_START + dt.timedelta(days=r.randrange(DATE_DAYS),
                                        seconds=r.randrange(6 * 3600, 24 * 3600))
        published = (day.date().isoformat() if r.random() < 0.02
                     else day.replace(tzinfo=KST).isoformat())
        a = {
            "id": f"gen{self.seed}-{i:07d}",
            "title": title,
            "body": "\n".join(paragraphs),
            "published_at": published,
            "outlet": OUTLETS[outlet][0],
            "reporter": r.choice(self.reporters[outlet]),
            "section": SECTIONS[(topic + r.randrange(3)) % len(SECTIONS)],
            "url": url,
            "lang": "ko",
        }
        credit = r.choice(PHOTO_CREDITS)
        if credit:
            a["photo_credit"] = credit
        links = r.choices(range(len(RELATED_WEIGHTS)), RELATED_WEIGHTS)[0]
        related, targets = [], set()
        for _ in range(links):
            if r.random() < 0.2:
                target = self.size + r.randrange(self.outside)
            else:
                target = min(self.size - 1, max(0, i + r.randint(-500, 500)))
            if target == i or target in targets:
                continue
            targets.add(target)
            t_title, t_url = self.title_of(target)
            related.append({"title": t_title, "url": t_url} if r.random() < 0.85 else {"title": t_title})
        if related:
            a["related"] = related
        return a

    def queries(self, count, question_share, seed):
        r = random.Random(f"{seed}:queries:{self.size}")
        out = []
        while len(out) < count:
            if r.random() < question_share:
                out.append(("question", r.choice(self.src.questions)))
                continue
            title, _ = self.title_of(r.randrange(self.size))
            words = [w for w in (WORD_EDGE.sub("", w) for w in title.split()) if w and not w.isdigit()]
            if not words:
                continue
            n = min(len(words), r.choices([1, 2, 3], [30, 45, 25])[0])
            first = r.randrange(len(words) - n + 1)
            out.append(("keyword", " ".join(words[first:first + n])))
        return out


def phrase(r, sentence, lo, hi):
    """The first lo..hi words of a sentence, without its final punctuation: a headline."""
    words = sentence.split()
    n = min(len(words), r.randint(lo, hi))
    return " ".join(words[:n]).rstrip(".,!?")


def write_atomically(path, lines):
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as f:
            for line in lines:
                f.write(line)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, required=True, help="number of articles")
    ap.add_argument("--out", default="-", help="JSON Lines file (default: stdout)")
    ap.add_argument("--queries", help="also write the query file here")
    ap.add_argument("--num-queries", type=int, default=1000)
    ap.add_argument("--question-share", type=float, default=0.2, help="share of KorQuAD questions")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    args = ap.parse_args()
    if args.size <= 0:
        ap.error("--size must be positive")
    try:
        src = Source(args.data_dir)
    except FileNotFoundError as e:
        print(f"gen_corpus: {e}", file=sys.stderr)
        return EXIT_SKIP
    gen = Generator(src, args.size, args.seed)
    lines = (json.dumps(gen.article(i), ensure_ascii=False) + "\n" for i in range(args.size))
    if args.out == "-":
        sys.stdout.writelines(lines)
    else:
        write_atomically(args.out, lines)
    if args.queries:
        qs = gen.queries(args.num_queries, args.question_share, args.seed)
        write_atomically(args.queries, (f"{kind}\t{q}\n" for kind, q in qs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
