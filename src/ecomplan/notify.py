"""Push the weekly report's headline, findings and actions to DingTalk, WeCom (企业微信) and Feishu (飞书)
group robots, after the report files are written.

Each platform gets its own message format: DingTalk and WeCom markdown, a Feishu interactive card with a
markdown element. DingTalk and Feishu robots may require signing with the robot's secret
(`timestamp` + HMAC-SHA256). A push is retried with backoff on network errors, HTTP 429 and 5xx; a robot
that answers with an error code is not retried (a wrong secret or a blocked keyword does not heal). A
failed push never touches the report: the caller reports it (the CLI exits 4).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ecomplan.core.errors import EcomplanError

KINDS = ("dingtalk", "wecom", "feishu")
ATTEMPTS = 3
BACKOFF_SECONDS = 1.0  # 1 s, then 2 s between the three attempts
TIMEOUT_SECONDS = 10.0
WECOM_LIMIT = 4000  # WeCom refuses markdown over 4096 bytes


class NotifyError(EcomplanError):
    """A push that did not arrive; the message names the platform and the robot's host, never its token."""


@dataclass(frozen=True)
class Target:
    """One group robot: its platform (`dingtalk`, `wecom`, `feishu`), webhook URL and signing secret."""

    kind: str
    url: str
    secret: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise NotifyError(f"unknown notification platform {self.kind!r}: use {', '.join(KINDS)}")
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise NotifyError(f"{self.kind}: the webhook must be an http(s) URL, got {self.where}")

    @property
    def where(self) -> str:
        """The robot's scheme, host and path: the access token in the query stays out of messages."""
        parts = urllib.parse.urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else repr(self.url[:12] + "…")


@dataclass(frozen=True)
class Message:
    """What a push says: the report's title, headline sentence, findings, actions and the files written."""

    title: str
    headline: str
    findings: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    labels: tuple[str, str, str] = ("Findings", "Actions", "Files")

    def markdown(self, heading: bool = True) -> str:
        """The message as markdown; `heading=False` leaves the title out (a Feishu card has it in its header)."""
        findings, actions, files = self.labels
        parts = [*([f"### {self.title}"] if heading else []), self.headline]
        for label, items in ((findings, self.findings), (actions, self.actions), (files, self.files)):
            if items:
                parts.append(f"**{label}**\n" + "\n".join(f"- {item}" for item in items))
        return "\n\n".join(parts)


def sign(secret: str, timestamp: int, kind: str) -> str:
    """The robot's signature of `timestamp`: DingTalk keys HMAC-SHA256 with the secret over
    "timestamp\\nsecret" (timestamp in ms); Feishu keys it with "timestamp\\nsecret" over nothing (seconds)."""
    text = f"{timestamp}\n{secret}".encode()
    digest = (
        hmac.new(secret.encode(), text, hashlib.sha256).digest()
        if kind == "dingtalk"
        else hmac.new(text, b"", hashlib.sha256).digest()
    )
    return base64.b64encode(digest).decode()


def request(target: Target, message: Message, now: float) -> tuple[str, dict]:
    """(URL, JSON body) of one push, signed when the target has a secret."""
    text = message.markdown()
    if target.kind == "dingtalk":
        url = target.url
        if target.secret:
            stamp = int(now * 1000)
            query = urllib.parse.urlencode({"timestamp": stamp, "sign": sign(target.secret, stamp, "dingtalk")})
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        return url, {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}
    if target.kind == "wecom":
        if len(text.encode()) > WECOM_LIMIT:
            text = text.encode()[: WECOM_LIMIT - 3].decode(errors="ignore") + "…"
        return target.url, {"msgtype": "markdown", "markdown": {"content": text}}
    body: dict = {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": message.title}},
            "elements": [{"tag": "markdown", "content": message.markdown(heading=False)}],
        },
    }
    if target.secret:
        stamp = int(now)
        body = {"timestamp": str(stamp), "sign": sign(target.secret, stamp, "feishu"), **body}
    return target.url, body


def send(
    target: Target,
    message: Message,
    *,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
) -> None:
    """Push `message` to one robot; raises NotifyError after the last failed attempt."""
    problem = ""
    for attempt in range(attempts):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        url, body = request(target, message, now())
        data = json.dumps(body, ensure_ascii=False).encode()
        call = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(call, timeout=TIMEOUT_SECONDS) as response:  # Target allows http(s) only
                answer = response.read(1 << 16)
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code}"
            if exc.code == 429 or exc.code >= 500:
                continue
            break
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            problem = f"no answer ({getattr(exc, 'reason', exc)})"
            continue
        code, text = _robot_code(answer)
        if code in (None, 0):
            return
        problem = f"the robot answered code {code}: {text[:80]}"
        break
    raise NotifyError(f"{target.kind}: the push to {target.where} failed after {attempt + 1} attempt(s): {problem}")


def _robot_code(answer: bytes) -> tuple[int | None, str]:
    """The error code a robot answers with (DingTalk/WeCom `errcode`, Feishu `code` or `StatusCode`)."""
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    for key in ("errcode", "code", "StatusCode"):
        if isinstance(data.get(key), int):
            return data[key], str(data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or "")
    return None, ""


def send_all(targets: Sequence[Target], message: Message, **options) -> list[NotifyError]:
    """Push to every robot; the failures, one per robot (the others are still tried)."""
    failures = []
    for target in targets:
        try:
            send(target, message, **options)
        except NotifyError as exc:
            failures.append(exc)
    return failures
