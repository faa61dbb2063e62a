"""Shared by bench/index_speed, bench/query_speed and bench/http_speed: options, the scale corpus
and its query file, building each system's index, child processes with their peak RSS, tables
and the JSON result files. Standard library only."""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
EXIT_SKIP = 77  # CTest SKIP_RETURN_CODE: data or a tool is missing
SMOKE_SIZE = 200


class Skip(Exception):
    """Something the benchmark needs is not installed: exit 77 so CTest reports it skipped."""


class Failure(Exception):
    pass


def parser(description, systems):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--size", type=int, default=10000, help="articles in the generated corpus (default 10000)")
    ap.add_argument("--smoke", action="store_true",
                    help=f"tiny corpus ({SMOKE_SIZE} articles), short runs, temporary work dir: checks it works")
    ap.add_argument("--systems", default=",".join(systems), help=f"comma list of {', '.join(systems)}")
    ap.add_argument("--build-dir", default=str(REPO_ROOT / "build"), help="where bin/ is (default build/)")
    ap.add_argument("--work-dir", help="corpus and indexes (default BUILD_DIR/bench-work; --smoke: a temporary dir)")
    ap.add_argument("--out-dir", default=str(REPO_ROOT / "bench" / "results"))
    ap.add_argument("--data-dir", default=str(REPO_ROOT.parent / "shared" / "data"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--queries", type=int, default=1000, help="queries in the query file (default 1000)")
    return ap


def finish_options(ap, args, all_systems):
    if args.smoke:
        args.size = SMOKE_SIZE
        args.queries = min(args.queries, 50)
    if args.size <= 0:
        ap.error("--size must be positive")
    args.systems = [s for s in args.systems.split(",") if s]
    for s in args.systems:
        if s not in all_systems:
            ap.error(f"unknown system '{s}' (known: {', '.join(all_systems)})")
    args.build_dir = Path(args.build_dir).resolve()
    args.bin = args.build_dir / "bin"
    args.temporary_work_dir = False
    if args.work_dir:
        args.work_dir = Path(args.work_dir).resolve()
    elif args.smoke:
        args.work_dir = Path(tempfile.mkdtemp(prefix="sosik-bench-"))
        args.temporary_work_dir = True
    else:
        args.work_dir = args.build_dir / "bench-work"
    args.work_dir.mkdir(parents=True, exist_ok=True)
    args.out_dir = Path(args.out_dir)
    args.command_line = " ".join([Path(sys.argv[0]).name] + sys.argv[1:])
    return args


def main_wrapper(name, run):
    """Runs `run()`, mapping Skip to exit 77 and Failure to exit 1 with a one-line reason."""
    try:
        return run()
    except Skip as e:
        print(f"{name}: skipped: {e}", file=sys.stderr)
        return EXIT_SKIP
    except Failure as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def cleanup(args):
    if args.temporary_work_dir:
        shutil.rmtree(args.work_dir, ignore_errors=True)


def need_tool(tool, why):
    path = shutil.which(tool)
    if not path:
        raise Skip(f"{tool} is not installed ({why}; apt-get install -y {tool}, or scripts/setup)")
    return path


def need_binary(args, name):
    path = args.bin / name
    if not os.access(path, os.X_OK):
        raise Failure(f"{path} not found: build first (cmake --build {args.build_dir})")
    return str(path)


# --- corpus ----------------------------------------------------------------------------------

def corpus(args):
    """The generated corpus and query file for --size/--seed, generated when missing."""
    stem = f"{args.size}-s{args.seed}"
    jsonl = args.work_dir / f"corpus-{stem}.jsonl"
    queries = args.work_dir / f"queries-{stem}-q{args.queries}.tsv"
    if not jsonl.exists() or not queries.exists():
        log(f"generating {args.size} articles into {jsonl}")
        r = subprocess.run([sys.executable, str(BENCH_DIR / "gen_corpus.py"), "--size", str(args.size),
                            "--seed", str(args.seed), "--data-dir", str(args.data_dir), "--out", str(jsonl),
                            "--queries", str(queries), "--num-queries", str(args.queries)])
        if r.returncode == EXIT_SKIP:
            raise Skip(f"{args.data_dir}: the data to sample from is missing")
        if r.returncode != 0:
            raise Failure("gen_corpus.py failed")
    return jsonl, queries


def read_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                kind, _, text = line.partition("\t") if "\t" in line else ("query", "", line)
                out.append((kind, text))
    return out


# --- child processes -------------------------------------------------------------------------

def run_measured(cmd, stdout_path, stdin_path=None, timeout=None, env=None):
    """Runs cmd to completion (in `env`, default ours). Returns (exit code, wall seconds, peak RSS
    bytes, CPU seconds), peak RSS and CPU from the child's rusage (wait4)."""
    with open(stdout_path, "wb") as out, open(str(stdout_path) + ".err", "wb") as err, \
            (open(stdin_path, "rb") if stdin_path else open(os.devnull, "rb")) as inp:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=inp, stdout=out, stderr=err, env=env)
        deadline = t0 + timeout if timeout else None
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.02)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, wall, ru.ru_maxrss * 1024, ru.ru_utime + ru.ru_stime


def tail(path, n=5):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def proc_status(pid):
    """VmHWM (peak) and VmRSS of a live process, bytes."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def disk_usage(path):
    """(bytes on disk, apparent bytes) of every file under path."""
    used = apparent = 0
    for root, _, files in os.walk(path):
        for f in files:
            st = os.lstat(os.path.join(root, f))
            used += st.st_blocks * 512
            apparent += st.st_size
    return used, apparent


# --- indexes ---------------------------------------------------------------------------------

def index_dir(args, system):
    return args.work_dir / f"index-{args.size}-s{args.seed}" / system


def sosik_schema(args):
    """What an index the indexer writes now records of its analysis (indexer --print-schema):
    searchd refuses an index that records anything else, so such an index is rebuilt."""
    if not hasattr(args, "_sosik_schema"):
        r = subprocess.run([need_binary(args, "indexer"), "--print-schema"], capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure(f"indexer --print-schema: exit {r.returncode}: {r.stderr[-500:]}")
        args._sosik_schema = json.loads(r.stdout)
    return args._sosik_schema


def marker_is_current(args, marker, system="sosik"):
    """True when `marker` (written when an index was complete) is there and, for sosik, names
    the schema this build writes."""
    if not marker.exists():
        return False
    if system != "sosik":
        return True
    try:
        written = json.loads(marker.read_text()).get("schema")
    except (ValueError, AttributeError):
        written = None
    if written != sosik_schema(args):
        log(f"{marker.parent / marker.stem} was written with schema {written}, this build writes "
            f"{sosik_schema(args)}: rebuilding it")
        return False
    return True


def index_ready(args, system):
    return marker_is_current(args, index_dir(args, system).parent / f"{system}.complete", system)


def build_index(args, system, jsonl):
    """Builds `system`'s index of jsonl from scratch. Returns the run's measurements."""
    db = index_dir(args, system)
    marker = db.parent / f"{system}.complete"
    marker.unlink(missing_ok=True)
    shutil.rmtree(db, ignore_errors=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    log_path = db.parent / f"{system}.out"
    timeout = 600 if args.smoke else None
    extra = {}
    if system == "sosik":
        cmd = [need_binary(args, "indexer"), "--db", str(db), "--format", "jsonl", "--compact", str(jsonl)]
        rc, wall, rss, cpu = run_measured(cmd, log_path, timeout=timeout)
    elif system == "xapian-ngram":
        cmd = [need_binary(args, "xapian-ngram-index"), "--db", str(db), str(jsonl)]
        rc, wall, rss, cpu = run_measured(cmd, log_path, timeout=timeout)
    elif system == "groonga":
        groonga = need_tool("groonga", "the Groonga baseline")
        db.mkdir(parents=True)
        load = db.parent / "groonga-load.grn"
        groonga_load_file(jsonl, load)  # JSON for its load command: not part of the timing
        schema = db.parent / "groonga-schema.grn"
        schema.write_text(GROONGA_SCHEMA)
        rc, wall_s, _, cpu_s = run_measured([groonga, "-n", str(db / "db")], log_path, stdin_path=schema)
        if rc == 0:
            groonga_check(log_path)
            cmd = [groonga, str(db / "db")]
            rc, wall, rss, cpu = run_measured(cmd, log_path, stdin_path=load, timeout=timeout)
            wall += wall_s
            cpu += cpu_s
            if rc == 0:
                groonga_check(log_path)
        cmd = f"{groonga} DB < {load.name}"
    else:
        raise Failure(f"unknown system {system}")
    if rc != 0:
        raise Failure(f"{system} indexing failed (exit {rc}): {' '.join(map(str, cmd)) if isinstance(cmd, list) else cmd}\n"
                      + tail(str(log_path) + ".err") + tail(log_path))
    if system != "groonga":
        try:
            extra = json.loads(Path(log_path).read_text().strip().splitlines()[-1])
        except (ValueError, IndexError):
            pass
    used, apparent = disk_usage(db)
    marker.write_text(json.dumps({"corpus": str(jsonl), "schema": sosik_schema(args) if system == "sosik" else None}) + "\n")
    return {"seconds": wall, "peak_rss_bytes": rss, "cpu_seconds": cpu, "index_bytes": used,
            "index_apparent_bytes": apparent, "summary": extra, "db": str(db)}


def ensure_index(args, system, jsonl):
    if not index_ready(args, system):
        log(f"building the {system} index of {jsonl.name}")
        build_index(args, system, jsonl)
    return index_dir(args, system)


# --- Groonga ---------------------------------------------------------------------------------

# TokenBigram + NormalizerAuto over title and body, one positional index per column so a select
# can weight the title (match_columns title*3||body), as sosik and the Xapian baseline do.
GROONGA_SCHEMA = """table_create Articles TABLE_HASH_KEY ShortText
column_create Articles title COLUMN_SCALAR ShortText
column_create Articles body COLUMN_SCALAR LongText
column_create Articles published_at COLUMN_SCALAR Time
column_create Articles outlet COLUMN_SCALAR ShortText
column_create Articles reporter COLUMN_SCALAR ShortText
column_create Articles section COLUMN_SCALAR ShortText
column_create Articles url COLUMN_SCALAR ShortText
table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram --normalizer NormalizerAuto
column_create Terms articles_title COLUMN_INDEX|WITH_POSITION Articles title
column_create Terms articles_body COLUMN_INDEX|WITH_POSITION Articles body
"""
KST = dt.timezone(dt.timedelta(hours=9))


def groonga_load_file(jsonl, out_path):
    with open(jsonl, encoding="utf-8") as f, open(out_path, "w", encoding="utf-8") as out:
        out.write("load --table Articles --input_type json\n[\n")
        first = True
        for line in f:
            a = json.loads(line)
            r = {"_key": a["id"], "title": a.get("title", ""), "body": a["body"]}
            for k in ("outlet", "reporter", "section", "url"):
                if a.get(k):
                    r[k] = a[k]
            if a.get("published_at"):
                t = dt.datetime.fromisoformat(a["published_at"])
                r["published_at"] = (t if t.tzinfo else t.replace(tzinfo=KST)).timestamp()
            out.write(("" if first else ",\n") + json.dumps(r, ensure_ascii=False))
            first = False
        out.write("\n]\n")


def groonga_check(log_path):
    for line in Path(log_path).read_text(errors="replace").splitlines():
        if line.startswith("[[") and not line.startswith("[[0,"):
            raise Failure(f"groonga: {line[:300]}")


GROONGA_OUTPUT = "_key,title,url,published_at,outlet,reporter,section,_score,snippet_html(body)"


def groonga_settle(db):
    """Groonga serves no cached result while its database was modified in the last second or
    so: wait until the newest file of a just-built index is 2 s old."""
    newest = max((f.stat().st_mtime for f in Path(db).iterdir() if f.is_file()), default=0)
    wait = newest + 2 - time.time()
    if wait > 0:
        time.sleep(min(wait, 2))


def groonga_escape(q):
    """User text as one Groonga query-syntax string: every ASCII punctuation mark escaped, so
    quotes, parentheses, leading -, OR and column:value lose their operator meaning."""
    return "".join("\\" + c if c in string.punctuation else c for c in q)


def groonga_select_path(q, limit=10, cache=True):
    """The /d/select request that answers what GET /api/search?q=… answers: the top `limit` by
    score (title weighted x3), with the stored fields and an HTML snippet of the body."""
    p = {"table": "Articles", "match_columns": "title*3||body", "query": groonga_escape(q),
         "output_columns": GROONGA_OUTPUT, "sort_keys": "-_score", "limit": str(limit)}
    if not cache:
        p["cache"] = "no"
    return "/d/select?" + urllib.parse.urlencode(p, quote_via=urllib.parse.quote)


class Server:
    """A server process on loopback: searchd and bare-httplib print "listening on http://HOST:PORT"
    first; Groonga is given a free port and polled until it answers."""

    def __init__(self, name, cmd, log_path, port=None, ready_path="/"):
        self.name = name
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if port is None else self.log,
                                     stderr=self.log, stdin=subprocess.DEVNULL)
        if port is None:
            line = self.proc.stdout.readline().decode(errors="replace").strip()
            if not line.startswith("listening on http://"):
                self.stop()
                raise Failure(f"{name} did not start: {line!r} {tail(log_path)}")
            self.base = line[len("listening on "):]
        else:
            self.base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(self.base + ready_path, timeout=2).read()
                    break
                except OSError:
                    if self.proc.poll() is not None or time.monotonic() > deadline:
                        self.stop()
                        raise Failure(f"{name} did not start: {tail(log_path)}")
                    time.sleep(0.1)

    @property
    def pid(self):
        return self.proc.pid

    def get(self, path, timeout=30):
        with urllib.request.urlopen(self.base + path, timeout=timeout) as r:
            return r.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --- output ----------------------------------------------------------------------------------

def log(msg):
    print(f"· {msg}", file=sys.stderr, flush=True)


def table(headers, rows):
    rows = [["" if v is None else str(v) for v in r] for r in rows]
    width = [max(len(str(h)), *(wlen(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]
    def fmt(cells):
        return "  ".join(c + " " * (width[i] - wlen(c)) if i == 0 else " " * (width[i] - wlen(c)) + c
                         for i, c in enumerate(cells))
    lines = [fmt([str(h) for h in headers]), "  ".join("-" * w for w in width)]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def wlen(s):
    """Display width: Hangul and other wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def mb(n):
    return f"{n / 1e6:.1f}" if n is not None else ""


def ms(v):
    return "" if v is None else (f"{v:.2f}" if v < 100 else f"{v:.0f}")


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()
        return out[0] if out else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def environment():
    return {
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "xapian": tool_version(["xapian-config", "--version"]) or tool_version(["pkg-config", "--modversion", "xapian-core"]),
        "groonga": tool_version(["groonga", "--version"]),
        "wrk": tool_version(["wrk", "--version"]),
        "sosik_revision": tool_version(["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"]),
        "loadavg_at_start": os.getloadavg(),
    }


def write_results(args, name, results):
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / f"{name}-{'smoke' if args.smoke else args.size}.json"
    doc = {"benchmark": name, "command": args.command_line,
           "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
           "size": args.size, "seed": args.seed, "smoke": args.smoke, "environment": environment()}
    doc.update(results)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
