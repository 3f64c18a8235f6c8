"""Benchmark: the one read path on the exports users really have (issue #13).

Inputs (seeded, generated once into benchmarks/_data/, gitignored), the same order lines in each:

  qianniu-gb18030   千牛 订单导出: 12 Chinese headers, 千牛 status words, GB18030 (what the download is)
  qianniu-utf8      the same export saved as UTF-8
  canonical-gbk     canonical headers (order_id,customer_id,paid_at,amount,status,...) in GBK
  canonical-utf8    canonical headers in UTF-8
  sycm-xlsx         a 生意参谋 商品效果 xlsx (1M rows by default), read by `ecomplan.ingest.load(path, "products")`
  rfm-value         `ecomplan rfm value` on canonical-utf8, against `rfm segment` on the same file

Each run is its own subprocess (wall time and the child's peak RSS from wait4), best of `--repeat`
rounds (each round runs the reference and every input once, in turn; the slowest run is shown too)
after the files are in the page cache. The reference is `REFERENCE_SQL`: a hand-written DuckDB script
over the UTF-8 canonical file that does the work of `ecomplan rfm segment` (lines -> orders over all
history, exclusion counts, R/F/M in the window with the first purchase from all history, mean
thresholds, the cn8 counts, 复购率/回购率, monthly cohorts). The script checks that every run agrees
with it on customers, revenue and the eight segment counts. `--floors` also runs that script on each
input itself (GBK/GB18030 read by DuckDB as latin-1, the Chinese names and words in its SQL written the
same way): what the layout and the encoding cost DuckDB alone, against what they cost ecomplan.

    python benchmarks/bench_read.py                       # 10M lines, 1M customers (and 2M, 10k)
    python benchmarks/bench_read.py --lines 2000000 --customers 200000
    python benchmarks/bench_read.py --only canonical-utf8 qianniu-utf8
    python benchmarks/bench_read.py --lines 10000000 --floors --xlsx-rows 0
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
PYTHON = sys.executable
AS_OF = "2026-01-01"
WINDOW = 365

# canonical status -> the 千牛 word for it (ingest/sources/sycm.py ORDER_STATUS reads these back)
STATUSES = {
    "completed": "交易成功",
    "paid": "买家已付款，等待卖家发货",
    "shipped": "卖家已发货，等待买家确认",
    "refunded": "付款以后用户退款成功，交易自动关闭",
    "cancelled": "交易关闭",
    "pending": "等待买家付款",
}
STATUS_WEIGHTS = [0.80, 0.05, 0.05, 0.03, 0.04, 0.03]
SOLD = ("completed", "paid", "shipped", "refunded")
CANONICAL = ["order_id", "customer_id", "paid_at", "created_at", "amount", "status", "sku", "quantity"]
QIANNIU = {  # 千牛 header -> canonical column (None: a column RFM does not read)
    "订单编号": "order_id",
    "买家会员名": "customer_id",
    "买家应付货款": None,
    "买家实际支付金额": "amount",
    "订单状态": "status",
    "收货人姓名": None,
    "联系手机": None,
    "订单创建时间": "created_at",
    "订单付款时间": "paid_at",
    "宝贝标题": None,
    "宝贝总数量": "quantity",
    "商家编码": "sku",
}
TITLES = ["明前龙井礼盒装", "安溪铁观音500g", "正山小种红茶", "武夷山大红袍", "云南普洱熟茶饼", "福鼎白茶寿眉"]
NAMES = ["张*", "李*", "王**", "刘*", "陈*"]


def _batches(lines: int, customers: int, seed: int):
    """Order lines as Arrow record batches of text cells: (canonical batch, 千牛 batch)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    per_order = rng.integers(1, 4, size=lines + 1)
    ends = np.cumsum(per_order)
    n_orders = int(np.searchsorted(ends, lines)) + 1
    per_order = per_order[:n_orders]
    per_order[-1] -= int(ends[n_orders - 1] - lines)
    buyer = np.concatenate([rng.permutation(customers), (customers * rng.random(n_orders) ** 2.5).astype(np.int64)])
    buyer = buyer[:n_orders]
    rng.shuffle(buyer)
    start = np.datetime64("2024-01-01T00:00:00", "s").astype(np.int64)
    created = np.sort(start + rng.integers(0, 2 * 365 * 86400, size=n_orders))
    status = rng.choice(len(STATUSES), size=n_orders, p=STATUS_WEIGHTS)
    words = list(STATUSES)
    no_buyer = rng.random(n_orders) < 0.01
    chunk = 500_000
    for first in range(0, n_orders, chunk):
        sl = slice(first, min(first + chunk, n_orders))
        order = np.repeat(np.arange(sl.start, sl.stop), per_order[sl])
        local = order - sl.start
        n = len(order)
        order_id = pc.cast(pa.array(order + 3_901_234_567_890_000_000), pa.string())
        number = pc.cast(pa.array(buyer[sl][local]), pa.string())
        chinese = pa.array((buyer[sl][local] % 10) < 3)  # 30% of nicknames are Chinese
        nick = pc.if_else(
            chinese,
            pc.binary_join_element_wise("小茶客", number, ""),
            pc.binary_join_element_wise("tb", number, ""),
        )
        nick = pc.if_else(pa.array(no_buyer[sl][local]), pa.scalar(None, pa.string()), nick)
        st = status[sl][local]
        made = created[sl][local]
        paid = made + rng.integers(5, 900, size=n)
        created_text = pc.strftime(pa.array(made.astype("datetime64[s]")), format="%Y-%m-%d %H:%M:%S")
        paid_text = pc.strftime(pa.array(paid.astype("datetime64[s]")), format="%Y-%m-%d %H:%M:%S")
        paid_text = pc.if_else(pa.array(st == words.index("pending")), pa.scalar(None, pa.string()), paid_text)
        quantity = rng.integers(1, 4, size=n)
        price = np.round(np.exp(rng.normal(4.2, 0.7, size=n)), 2)
        amount = pc.cast(pa.array(np.round(price * quantity, 2)), pa.string())
        sku = pc.binary_join_element_wise("T", pc.cast(pa.array(rng.integers(1000, 1400, size=n)), pa.string()), "")
        canonical_status = pa.array(np.array(words, dtype=object)[st], pa.string())
        qianniu_status = pa.array(np.array(list(STATUSES.values()), dtype=object)[st], pa.string())
        qty = pc.cast(pa.array(quantity), pa.string())
        canonical = pa.record_batch(
            [order_id, nick, paid_text, created_text, amount, canonical_status, sku, qty], names=CANONICAL
        )
        qianniu = pa.record_batch(
            [
                order_id,
                nick,
                amount,
                amount,
                qianniu_status,
                pa.array(np.array(NAMES, dtype=object)[rng.integers(0, len(NAMES), size=n)], pa.string()),
                pc.binary_join_element_wise("138****", pc.cast(pa.array(rng.integers(1000, 9999, n)), pa.string()), ""),
                created_text,
                paid_text,
                pa.array(np.array(TITLES, dtype=object)[rng.integers(0, len(TITLES), size=n)], pa.string()),
                qty,
                sku,
            ],
            names=list(QIANNIU),
        )
        yield canonical, qianniu


def generate(lines: int, customers: int, seed: int) -> dict[str, Path]:
    """The four text inputs of `lines` order lines (cached by size and seed)."""
    import pyarrow.csv as pacsv

    DATA.mkdir(exist_ok=True)
    stem = f"read_{lines}_{customers}_{seed}"
    paths = {
        "canonical-utf8": DATA / f"{stem}_canonical.csv",
        "canonical-gbk": DATA / f"{stem}_canonical.gbk.csv",
        "qianniu-utf8": DATA / f"{stem}_qianniu.csv",
        "qianniu-gb18030": DATA / f"{stem}_qianniu.gb18030.csv",
    }
    if all(p.exists() for p in paths.values()):
        return paths
    t0 = time.perf_counter()
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    tmp = {k: p.with_suffix(".tmp") for k, p in paths.items()}
    with (
        open(tmp["canonical-utf8"], "wb") as canonical,
        open(tmp["canonical-gbk"], "wb") as canonical_gbk,
        open(tmp["qianniu-utf8"], "wb") as qianniu,
        open(tmp["qianniu-gb18030"], "wb") as qianniu_gb,
    ):
        canonical.write((",".join(CANONICAL) + "\n").encode())
        canonical_gbk.write((",".join(CANONICAL) + "\n").encode("gbk"))
        qianniu.write((",".join(QIANNIU) + "\n").encode())
        qianniu_gb.write((",".join(QIANNIU) + "\n").encode("gb18030"))
        for plain, export in _batches(lines, customers, seed):
            for batch, utf8, other, codec in (
                (plain, canonical, canonical_gbk, "gbk"),
                (export, qianniu, qianniu_gb, "gb18030"),
            ):
                import pyarrow as pa

                sink = pa.BufferOutputStream()
                pacsv.write_csv(batch, sink, options)
                data = sink.getvalue().to_pybytes()
                utf8.write(data)
                other.write(data.decode("utf-8").encode(codec))
    for key, path in tmp.items():
        path.replace(paths[key])
    print(
        f"generated {stem} ({paths['qianniu-gb18030'].stat().st_size / 1e6:,.0f} MB 千牛) in "
        f"{time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    return paths


def generate_sycm_xlsx(rows: int, seed: int) -> Path:
    """A 生意参谋 商品效果 workbook: one row per product and day, Chinese headers, decorated cells."""
    import numpy as np
    import xlsxwriter

    path = DATA / f"sycm_products_{rows}_{seed}.xlsx"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".tmp.xlsx")
    workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = workbook.add_worksheet("商品效果")
    headers = [
        "统计日期",
        "商品ID",
        "商品名称",
        "商品访客数",
        "商品浏览量",
        "加购人数",
        "支付买家数",
        "支付件数",
        "支付金额",
        "商品支付转化率",
    ]
    sheet.write_row(0, 0, headers)
    days = np.datetime64("2026-01-01") + rng.integers(0, 28, size=rows)
    for i in range(rows):
        visitors = int(rng.integers(10, 5000))
        buyers = int(rng.integers(0, max(visitors // 10, 1)))
        sheet.write_row(
            i + 1,
            0,
            [
                str(days[i]),
                str(600_000_000_000 + i % 50_000),
                TITLES[i % len(TITLES)],
                f"{visitors:,}",
                visitors * 2,
                int(visitors * 0.08),
                buyers,
                buyers,
                f"{buyers * 158.5:,.2f}",
                f"{buyers / visitors:.2%}",
            ],
        )
    workbook.close()
    tmp.replace(path)
    return path


REFERENCE_SQL = """
CREATE TABLE orders AS
    SELECT CASE WHEN status IN {sold} AND paid_at IS NOT NULL THEN NULL ELSE coalesce(status, '') END AS excluded,
           nullif(trim(customer_id), '') AS customer_id, order_id, CAST(min(paid_at) AS DATE) AS day,
           round(sum(CASE WHEN status = 'refunded' THEN 0 ELSE amount END), 6) AS net, count(*) AS lines
    FROM {source}
    GROUP BY ALL;
CREATE TABLE customers AS
    SELECT customer_id, min(day) FILTER (net > 0) AS first_purchase,
           max(day) FILTER (net > 0 AND day <= DATE '{as_of}') AS last_purchase,
           count(*) FILTER (net > 0 AND day BETWEEN DATE '{start}' AND DATE '{as_of}') AS frequency,
           round(sum(net) FILTER (day BETWEEN DATE '{start}' AND DATE '{as_of}'), 6) AS monetary,
           count(*) FILTER (net > 0 AND day BETWEEN DATE '{previous}' AND DATE '{start}' - 1) AS previous,
           bit_or(CASE WHEN net > 0 AND day <= DATE '{as_of}' AND datediff('month', day, DATE '{as_of}') < 63
                       THEN CAST(1 AS BIGINT) << datediff('month', day, DATE '{as_of}') ELSE 0 END) AS months
    FROM orders WHERE excluded IS NULL AND customer_id IS NOT NULL GROUP BY customer_id;
"""
# The order lines of each layout as the reference reads them: canonical names, typed by DuckDB's reader.
SOURCES = {
    "canonical": """read_csv('{path}', header = true, encoding = '{encoding}', columns = {{
        'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'paid_at': 'TIMESTAMP', 'created_at': 'TIMESTAMP',
        'amount': 'DOUBLE', 'status': 'VARCHAR', 'sku': 'VARCHAR', 'quantity': 'VARCHAR'}})""",
    "qianniu": """(SELECT 订单编号 AS order_id, 买家会员名 AS customer_id, 订单付款时间 AS paid_at,
        买家实际支付金额 AS amount, CASE 订单状态 {words} ELSE 订单状态 END AS status
        FROM read_csv('{path}', header = true, encoding = '{encoding}', columns = {{{columns}}}))""",
}
REFERENCE_CHILD = """
import duckdb, json, sys
sql, as_of = sys.argv[1], sys.argv[2]
db = duckdb.connect()
db.execute("SET enable_progress_bar = false")
for statement in sql.split(";"):
    if statement.strip():
        db.execute(statement)
excluded = db.sql("SELECT excluded, sum(lines) FROM orders WHERE excluded IS NOT NULL GROUP BY ALL").fetchall()
scored = f'''
    WITH active AS (
        SELECT date_diff('day', last_purchase, DATE '{as_of}') AS recency, frequency, monetary FROM customers
        WHERE frequency > 0),
    means AS (SELECT avg(recency) AS r, avg(frequency) AS f, avg(monetary) AS m FROM active)
    SELECT (recency < r)::INT || (frequency > f)::INT || (monetary > m)::INT AS code, count(*), sum(monetary)
    FROM active, means GROUP BY code ORDER BY code'''
segments = db.sql(scored).fetchall()
buyers, returning = db.sql(
    "SELECT count(*) FILTER (previous > 0), count(*) FILTER (previous > 0 AND frequency > 0) FROM customers"
).fetchall()[0]
repeat = db.sql("SELECT count(*) FILTER (frequency >= 2) / count(*) FROM customers WHERE frequency > 0").fetchall()
cohorts = db.sql(
    "SELECT date_trunc('month', first_purchase) AS cohort, count(*), sum(bit_count(months)) FROM customers "
    "WHERE first_purchase <= DATE '" + as_of + "' GROUP BY ALL"
).fetchall()
print(json.dumps({
    "customers": sum(n for _, n, _ in segments),
    "revenue": round(sum(m for _, _, m in segments), 2),
    "segments": {code: n for code, n, _ in segments},
    "buyback_base": buyers, "buyback": returning, "repeat_rate": repeat[0][0], "cohorts": len(cohorts),
    "excluded_words": len(excluded),
}))
"""
_QIANNIU_TYPES = {"paid_at": "TIMESTAMP", "created_at": "TIMESTAMP", "amount": "DOUBLE"}
CN8 = {
    "111": "重要价值客户",
    "011": "重要保持客户",
    "101": "重要发展客户",
    "001": "重要挽留客户",
    "110": "一般价值客户",
    "010": "一般保持客户",
    "100": "一般发展客户",
    "000": "一般挽留客户",
}  # core/text.toml


def run_child(args: list[str]) -> dict:
    """Wall seconds, the child's own peak RSS in MB (wait4) and its stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code not in (0,):
        raise SystemExit(f"{' '.join(args[:6])} failed ({code}):\n{stderr[-2000:]}")
    return {"seconds": wall, "peak_mb": usage.ru_maxrss / 1024, "stdout": stdout}


def reference(path: Path, layout: str = "canonical") -> dict:
    """The same-work DuckDB script over `path` (`layout`: canonical or qianniu). GBK/GB18030 files, which
    DuckDB cannot decode, are read as latin-1 with every Chinese name and word in the SQL written the same
    way: each byte one character, so cells compare and group as they would decoded."""
    import datetime as dt
    import re

    as_of = dt.date.fromisoformat(AS_OF)
    start = as_of - dt.timedelta(days=WINDOW - 1)
    codec = {".gbk": "gbk", ".gb18030": "gb18030"}.get(Path(path.stem).suffix)
    source = SOURCES[layout].format(
        path=path,
        encoding="latin-1" if codec else "utf-8",
        words=" ".join(f"WHEN '{word}' THEN '{status}'" for status, word in STATUSES.items()),
        columns=", ".join(
            f"'{header}': '{_QIANNIU_TYPES.get(canonical, 'VARCHAR')}'" for header, canonical in QIANNIU.items()
        ),
    )
    sql = REFERENCE_SQL.format(
        source=source, sold=tuple(SOLD), as_of=as_of, start=start, previous=start - dt.timedelta(days=WINDOW)
    )
    if codec:
        sql = re.sub(r"[^\x00-\x7f]+", lambda m: m.group(0).encode(codec).decode("latin-1"), sql)
    result = run_child([PYTHON, "-c", REFERENCE_CHILD, sql, AS_OF])
    data = json.loads(result["stdout"])
    result["agreement"] = (data["customers"], data["revenue"], {CN8[k]: v for k, v in data["segments"].items()})
    return result


def ecomplan_rfm(path: Path) -> dict:
    result = run_child(
        [PYTHON, "-m", "ecomplan", "rfm", "segment", str(path), "--json", "--as-of", AS_OF, "--window", f"{WINDOW}d"]
    )
    data = json.loads(result["stdout"])
    segments = {s["segment"]: s["customers"] for s in data["segments"] if s["customers"]}
    result["agreement"] = (data["customers"], round(sum(s["revenue"] for s in data["segments"]), 2), segments)
    return result


def ecomplan_value(path: Path) -> dict:
    """`rfm value` (BG/NBD + Gamma-Gamma, issue #15) on the same file: its goal is at most 2x `rfm segment`."""
    result = run_child([PYTHON, "-m", "ecomplan", "rfm", "value", str(path), "--json", "--as-of", AS_OF])
    data = json.loads(result["stdout"])
    result["note"] = f"{data['customers']:,} customers, converged: {data['model']['bgnbd']['converged']}"
    return result


LOAD_CHILD = """
import json, sys
from ecomplan.ingest.load import load
loaded = load(sys.argv[1], "products")
print(json.dumps({"rows": len(loaded.frame), "issues": len(loaded.issues)}))
"""


def ecomplan_load(path: Path) -> dict:
    """The read path alone on a workbook (`ingest.load`, as `kpi report` and `inventory alerts` read it)."""
    result = run_child([PYTHON, "-c", LOAD_CHILD, str(path)])
    data = json.loads(result["stdout"])
    result["note"] = f"{data['rows']:,} product rows, {data['issues']} findings"
    return result


def best_of(repeat: int, run) -> dict:
    """The fastest of `repeat` runs of `run` (one input alone: `interleaved` with a single entry)."""
    return interleaved(repeat, {"run": run})["run"]


def interleaved(repeat: int, runs: dict) -> dict[str, dict]:
    """Each of `runs` once per round, `repeat` rounds: the best run of each, with the slowest beside it.

    In turns rather than one input's runs in a row, so a slow spell of this shared machine (runs vary by
    a third or more) falls on every input alike and the ratios to the reference stay fair."""
    seen: dict[str, list[dict]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            seen[name].append(run())
    best = {}
    for name, results in seen.items():
        best[name] = min(results, key=lambda r: r["seconds"])
        best[name]["slowest"] = max(r["seconds"] for r in results)
    return best


def warm(paths) -> None:
    for path in paths:
        with open(path, "rb") as stream:
            while stream.read(1 << 24):
                pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[10_000_000, 2_000_000, 10_000])
    parser.add_argument("--customers", type=int, default=None, help="default: a tenth of the lines")
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None, help="inputs to run (default: all)")
    parser.add_argument("--generate", action="store_true", help="only write the input files")
    parser.add_argument(
        "--floors",
        action="store_true",
        help="also run the reference script on each input itself (GBK/GB18030 read as latin-1): the part of the "
        "gap that is the layout and encoding, not ecomplan",
    )
    args = parser.parse_args()
    if not args.generate:
        # A child forked from a large parent inherits its peak RSS: the files are written by another process.
        subprocess.run([PYTHON, __file__, "--generate", *sys.argv[1:]], check=True)
        print(
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
            f"best of {args.repeat} rounds (inputs in turn)",
            flush=True,
        )
        print(
            f"{'lines':>11} {'input':<17}{'MB':>7}{'seconds':>9}{'slowest':>9}{'peak MB':>9}{'x ref':>7}  agrees"
            f"{'script on file':>16}{'x it':>6}"
        )
    for lines in args.lines:
        paths = generate(lines, args.customers or max(lines // 10, 1), args.seed)
        if args.generate:
            continue
        warm(paths.values())
        inputs = {"reference (DuckDB)": (paths["canonical-utf8"], reference)}
        wanted = {name: path for name, path in paths.items() if not args.only or name in args.only}
        inputs.update({name: (path, ecomplan_rfm) for name, path in wanted.items()})
        best = interleaved(args.repeat, {name: lambda p=path, f=run: f(p) for name, (path, run) in inputs.items()})
        ref = best["reference (DuckDB)"]
        rows = [(name, path, best[name]) for name, (path, _) in inputs.items()]
        for name, path, run in rows:
            agrees = "yes" if run["agreement"] == ref["agreement"] else f"NO {run['agreement']} vs {ref['agreement']}"
            # the same script on this very file: what its layout and encoding cost DuckDB itself
            floor = ""
            if name != "reference (DuckDB)" and args.floors:
                same = best_of(args.repeat, lambda p=path, n=name: reference(p, n.split("-")[0]))
                same_agrees = "" if same["agreement"] == ref["agreement"] else " (disagrees)"
                floor = f"{same['seconds']:10.2f} s{same_agrees}{run['seconds'] / same['seconds']:6.2f}"
            print(
                f"{lines:>11,} {name:<17}{path.stat().st_size / 1e6:7.0f}{run['seconds']:9.2f}{run['slowest']:9.2f}"
                f"{run['peak_mb']:9.0f}{run['seconds'] / ref['seconds']:7.2f}  {agrees:<6}{floor}",
                flush=True,
            )
        if not args.only or "rfm-value" in args.only:
            segment = next((run for name, _, run in rows if name == "canonical-utf8"), None) or best_of(
                args.repeat, lambda p=paths["canonical-utf8"]: ecomplan_rfm(p)
            )
            run = best_of(args.repeat, lambda p=paths["canonical-utf8"]: ecomplan_value(p))
            print(
                f"{lines:>11,} {'rfm value':<17}{paths['canonical-utf8'].stat().st_size / 1e6:7.0f}"
                f"{run['seconds']:9.2f}{'':>9}{run['peak_mb']:9.0f}{'':>7}  {run['seconds'] / segment['seconds']:.2f}x "
                f"rfm segment ({segment['seconds']:.2f} s); {run['note']}",
                flush=True,
            )
    if args.xlsx_rows and (not args.only or "sycm-xlsx" in args.only):
        path = generate_sycm_xlsx(args.xlsx_rows, args.seed)
        if args.generate:
            return
        run = best_of(args.repeat, lambda: ecomplan_load(path))
        print(
            f"{args.xlsx_rows:>11,} {'sycm-xlsx (load)':<17}{path.stat().st_size / 1e6:7.0f}{run['seconds']:9.2f}"
            f"{'':>9}{run['peak_mb']:9.0f}{'':>7}  {run['note']}"
        )


if __name__ == "__main__":
    main()
