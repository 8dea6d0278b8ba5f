"""The channels a message goes by: e-mail over SMTP to the court's mail server, a group bot's
webhook, or an .eml file in an outbox folder. Each says how a message failed: `Refused` (it did
not go out: try again later, or never when permanent) or `Uncertain` (the connection broke after
the whole message was handed over: it may have gone out, so it is not sent again by itself).

SMTP settings come from the environment, never the repository:
  SPZX_SMTP_HOST, SPZX_SMTP_PORT (25; 465 with ssl; 587 with starttls),
  SPZX_SMTP_SECURITY = starttls | ssl | none (starttls), SPZX_SMTP_USER, SPZX_SMTP_PASSWORD,
  SPZX_MAIL_FROM (the From address), SPZX_SMTP_TIMEOUT (seconds, 30), SPZX_SMTP_CAFILE (the
  court's own certificate authority, when the mail server's certificate is issued by it).
A webhook is signed as DingTalk's bots ask (timestamp and HMAC-SHA256 in the URL) when
SPZX_WEBHOOK_SECRET is set."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from .message import Message


class Refused(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Uncertain(Exception):
    pass


_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def valid_address(address: str) -> bool:
    """An address every intranet mail server takes: ASCII, one @, a dotted domain, nothing that
    would end a header or an SMTP command."""
    return bool(_ADDRESS.match(address or ""))


def sender() -> str:
    return os.environ.get("SPZX_MAIL_FROM", "spzx-noreply@localhost")


def email(message: Message, to: str, key: str, when) -> EmailMessage:
    """The mail as its recipient receives it: plain text in UTF-8, files attached with their
    Chinese names (RFC 2231), a Message-ID made from the log key (a client shows one mail once)."""
    m = EmailMessage()
    m["Subject"] = message.subject
    m["From"] = formataddr(("审判质效看板", sender()))
    m["To"] = to
    m["Date"] = format_datetime(when.astimezone())
    m["Message-ID"] = f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@spzx.delivery>"
    m.set_content(message.text, charset="utf-8")
    for a in message.attachments:
        main, sub = a.mime.split("/", 1)
        m.add_attachment(a.data, maintype=main, subtype=sub, filename=a.filename)
    return m


class Smtp:
    """One connection for a run, opened at the first mail and again after a failure; a server
    that could not be reached is not tried again in the same run (each try would wait its timeout)."""

    def __init__(self):
        self.host = os.environ.get("SPZX_SMTP_HOST", "")
        self.security = os.environ.get("SPZX_SMTP_SECURITY", "starttls").lower()
        default_port = {"ssl": 465, "starttls": 587}.get(self.security, 25)
        self.port = int(os.environ.get("SPZX_SMTP_PORT", default_port))
        self.user = os.environ.get("SPZX_SMTP_USER", "")
        self.password = os.environ.get("SPZX_SMTP_PASSWORD", "")
        self.timeout = float(os.environ.get("SPZX_SMTP_TIMEOUT", "30"))
        self.cafile = os.environ.get("SPZX_SMTP_CAFILE") or None
        self.con: smtplib.SMTP | None = None
        self.down: str | None = None

    def _open(self) -> smtplib.SMTP:
        if self.down:
            raise Refused(self.down)
        try:
            return self._connect()
        except Refused as e:
            self.down = str(e)
            raise

    def _connect(self) -> smtplib.SMTP:
        if not self.host:
            raise Refused("未配置邮件服务器（SPZX_SMTP_HOST），或用 --outbox 写入发件箱目录 / "
                          "no mail server set (SPZX_SMTP_HOST); or use --outbox")
        if self.security not in ("starttls", "ssl", "none"):
            raise Refused(f"SPZX_SMTP_SECURITY 应为 starttls、ssl 或 none：{self.security!r}", permanent=True)
        try:
            tls = ssl.create_default_context(cafile=self.cafile)  # the certificate is always checked
            if self.security == "ssl":
                con = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=tls)
            else:
                con = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    con.starttls(context=tls)
            con.ehlo_or_helo_if_needed()
        except (OSError, smtplib.SMTPException) as e:
            raise Refused(f"连不上邮件服务器 {self.host}:{self.port} / cannot reach the mail server: {e}") from None
        if self.user:
            try:
                con.login(self.user, self.password)
            except (OSError, smtplib.SMTPException) as e:  # refused, or a mechanism the server never answered
                con.close()
                raise Refused(f"邮件服务器拒绝登录 / the mail server refused the login: "
                              f"{getattr(e, 'smtp_code', '') or e}") from None
        return con

    def close(self) -> None:
        if self.con is not None:
            try:
                self.con.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.con = None

    def send(self, mail: EmailMessage, to: str) -> None:
        if self.con is None:
            self.con = self._open()
        con = self.con
        try:
            code, reply = con.mail(sender())
            if code != 250:
                raise Refused(f"发件人被拒 / sender refused: {code} {reply!r}", permanent=500 <= code < 600)
            code, reply = con.rcpt(to)
            if code not in (250, 251):
                raise Refused(f"收件人 {to} 被拒 / recipient refused: {code} {reply.decode(errors='replace')}",
                              permanent=500 <= code < 600)
            code, reply = con.docmd("DATA")
            if code != 354:
                raise Refused(f"邮件服务器不收正文 / DATA refused: {code}", permanent=500 <= code < 600)
        except Refused:
            self._reset()
            raise
        except (OSError, smtplib.SMTPException) as e:  # before the message: it did not go out
            self.close_broken()
            raise Refused(f"发送中断（未发出）/ broken before the message was sent: {e}") from None
        data = re.sub(rb"(?m)^\.", b"..", re.sub(rb"\r?\n", b"\r\n", mail.as_bytes()))
        try:
            con.send(data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        except (OSError, smtplib.SMTPException) as e:  # no closing dot reached the server: not taken
            self.close_broken()
            raise Refused(f"发送中断（未发出）/ broken while sending, not taken: {e}") from None
        try:
            code, reply = con.getreply()
        except (OSError, smtplib.SMTPException) as e:
            self.close_broken()
            raise Uncertain(f"邮件已交出但未收到回复，可能已发出 / handed over, no answer: it may have gone out ({e})") from None
        if code != 250:
            if code == 421:  # the server is closing the connection
                self.close_broken()
            raise Refused(f"邮件服务器拒收 / the mail server refused the message: {code} "
                          f"{reply.decode(errors='replace')}", permanent=500 <= code < 600)

    def _reset(self) -> None:
        try:
            self.con.rset()
        except (OSError, smtplib.SMTPException):
            self.close_broken()

    def close_broken(self) -> None:
        try:
            self.con.close()
        except Exception:  # noqa: BLE001 - a broken socket may fail any way
            pass
        self.con = None


def outbox(mail: EmailMessage, folder: str, key: str) -> None:
    """The mail as an .eml file, named by its key: written whole (a temporary name, then renamed),
    and once — an existing file is the same message, already there."""
    os.makedirs(folder, exist_ok=True)
    name = re.sub(r"[^\w.-]", "_", key) + ".eml"
    path = os.path.join(folder, name)
    if os.path.exists(path):
        return
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(mail.as_bytes())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        raise Refused(f"写不进发件箱 {folder} / cannot write the outbox: {e}") from None


def webhook(message: Message, url: str, timeout: float = 10.0) -> None:
    """A group bot's JSON POST (企业微信/钉钉 style, msgtype text: no markup is read from the data).
    Files cannot go by a bot: the text says how many there are and where to find them."""
    text = message.subject + "\n" + message.text
    if message.attachments:
        text += "\n" + "\n".join(f"· {a.filename}" for a in message.attachments)
    secret = os.environ.get("SPZX_WEBHOOK_SECRET", "")
    if secret:
        stamp = str(int(time.time() * 1000))
        sign = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest())
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"timestamp": stamp, "sign": sign.decode()})
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as e:
        raise Refused(f"群机器人回复 HTTP {e.code} / the webhook answered HTTP {e.code}",
                      permanent=e.code in (400, 401, 403, 404)) from None
    except (socket.timeout, TimeoutError) as e:
        raise Uncertain(f"群机器人超时未回复，可能已发出 / the webhook timed out: it may have posted ({e})") from None
    except (urllib.error.URLError, OSError) as e:
        raise Refused(f"连不上群机器人 / cannot reach the webhook: {getattr(e, 'reason', e)}") from None
    try:
        code = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        code = 0  # a bot that answers 200 without JSON took it
    if code:
        raise Refused(f"群机器人拒收 / the webhook refused it: errcode {code}")
