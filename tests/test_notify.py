"""Pushes to DingTalk / WeCom / Feishu robots, against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecomplan.cli.app import app
from ecomplan.notify import Message, NotifyError, Target, send

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = Message("山野茶舍 周报 2026-W47", "GMV ¥104,376（环比 ▼69.2%）", ["T001 断货"], ["补货 T001"], ["weekly.md"])


class Robot:
    """A fake group robot: records each request; answers with the queued (status, JSON) replies, then 200/ok."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.replies: list[tuple[int, dict]] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.requests.append(
                    {"path": self.path, "body": json.loads(body), "type": self.headers["Content-Type"]}
                )
                status, reply = robot.replies.pop(0) if robot.replies else (200, {"errcode": 0, "errmsg": "ok"})
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/robot/send?access_token=SECRET-TOKEN") -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"


@pytest.fixture
def robot():
    server = Robot()
    yield server
    server.server.shutdown()


def test_dingtalk_markdown_signed_with_the_secret(robot):
    send(Target("dingtalk", robot.url(), "SECabc"), MESSAGE, now=lambda: 1_764_000_000.123)
    (request,) = robot.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    assert query["access_token"] == ["SECRET-TOKEN"] and query["timestamp"] == ["1764000000123"]
    # DingTalk's documented signature, computed here independently: base64(HMAC-SHA256(secret, "ts\nsecret"))
    expected = base64.b64encode(hmac.new(b"SECabc", b"1764000000123\nSECabc", hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]
    body = request["body"]
    assert body["msgtype"] == "markdown" and body["markdown"]["title"] == MESSAGE.title
    assert "T001 断货" in body["markdown"]["text"] and "补货 T001" in body["markdown"]["text"]
    assert request["type"].startswith("application/json")


def test_wecom_markdown_and_feishu_card_signed(robot):
    send(Target("wecom", robot.url()), MESSAGE)
    send(Target("feishu", robot.url(), "fs-secret"), MESSAGE, now=lambda: 1_764_000_000.9)
    wecom, feishu = (r["body"] for r in robot.requests)
    assert wecom["msgtype"] == "markdown" and "GMV ¥104,376" in wecom["markdown"]["content"]
    assert feishu["msg_type"] == "interactive"
    assert feishu["card"]["header"]["title"]["content"] == MESSAGE.title
    assert "补货 T001" in feishu["card"]["elements"][0]["content"]
    # Feishu's documented signature: base64(HMAC-SHA256(key="ts\nsecret", msg=b"")), timestamp in seconds
    expected = base64.b64encode(hmac.new(b"1764000000\nfs-secret", b"", hashlib.sha256).digest()).decode()
    assert (feishu["timestamp"], feishu["sign"]) == ("1764000000", expected)


def test_a_server_error_is_retried_with_backoff(robot):
    robot.replies = [(500, {}), (503, {})]
    waits: list[float] = []
    send(Target("wecom", robot.url()), MESSAGE, sleep=waits.append)
    assert len(robot.requests) == 3 and waits == [1.0, 2.0]


def test_a_robot_error_code_is_not_retried_and_names_no_token(robot):
    robot.replies = [(200, {"errcode": 310000, "errmsg": "sign not match"})]
    with pytest.raises(NotifyError, match="code 310000: sign not match") as failure:
        send(Target("dingtalk", robot.url()), MESSAGE, sleep=lambda s: None)
    assert len(robot.requests) == 1 and "SECRET-TOKEN" not in str(failure.value)


def test_a_robot_that_never_answers_fails_after_three_attempts():
    with pytest.raises(NotifyError, match=r"failed after 3 attempt\(s\): no answer"):
        send(Target("feishu", "http://127.0.0.1:9/hook"), MESSAGE, sleep=lambda s: None)


@pytest.fixture
def shop(tmp_path):
    """The example shop's config, copied so a [notify] table can be added."""
    examples = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", examples, ignore=shutil.ignore_patterns("*.py"))
    return examples / "ecomplan.toml"


def weekly(config: Path, out: Path, *extra: str):
    args = ["report", "weekly", "--config", str(config), "--week", "2026-W47", "--as-of", "2026-11-23"]
    return CliRunner().invoke(app, [*args, "--out-dir", str(out), *extra])


def test_weekly_pushes_to_the_config_robots_and_the_flag_robots(shop, robot, tmp_path):
    with shop.open("a", encoding="utf-8") as config:
        config.write(f'\n[notify]\ndingtalk = "{robot.url()}"\ndingtalk_secret = "SECabc"\n')
    result = weekly(shop, tmp_path / "out", "--notify", f"wecom={robot.url('/cgi-bin/webhook/send?key=K')}")
    assert result.exit_code == 0, result.output
    dingtalk, wecom = robot.requests
    assert "sign=" in dingtalk["path"] and "山野茶舍" in dingtalk["body"]["markdown"]["title"]
    assert "weekly-2026-W47.md" in wecom["body"]["markdown"]["content"]


def test_a_failed_push_exits_4_and_keeps_the_report(shop, robot, tmp_path):
    robot.replies = [(500, {})] * 3
    result = weekly(shop, tmp_path / "out", "--notify", f"wecom={robot.url()}")
    assert result.exit_code == 4
    assert "error: wecom: the push to http://127.0.0.1" in result.stderr and "HTTP 500" in result.stderr
    assert "SECRET-TOKEN" not in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "weekly-2026-W47-charts",
        "weekly-2026-W47.html",
        "weekly-2026-W47.md",
        "weekly-2026-W47.xlsx",
    ]


@pytest.mark.parametrize("value", ["slack=https://hooks.example/x", "dingtalk=ftp://x/y", "wecom"])
def test_a_malformed_notify_value_is_a_usage_error(shop, tmp_path, value):
    result = weekly(shop, tmp_path / "out", "--notify", value)
    assert result.exit_code == 2 and "--notify" in result.output
    assert not (tmp_path / "out").exists()
