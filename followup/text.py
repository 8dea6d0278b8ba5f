"""Text people write into items, notes and minutes: checked before anything is stored.

Refused: text too long, control characters (line breaks only where allowed), and anything that
another program would read as markup or a command rather than words — HTML tags, Markdown
markup and links, a spreadsheet formula — so that the text shows as written on every page,
in Word, in Excel and on the big screen.
"""
from __future__ import annotations

import re

MAX_TEXT = 500
MAX_MINUTES = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_HTML = re.compile(r"<\s*[/!?a-zA-Z]|&#?\w+;")
_MARKDOWN = re.compile(r"\*\*|__|`|~~|!\[|\]\(|\[[^\]]*\]\s*[(:]|^\s{0,3}(#{1,6}\s|>|[-*+]\s|\d+[.)]\s)|\$", re.M)
_FORMULA = re.compile(r"^[=+\-@\t\r]")


class TextError(ValueError):
    pass


def check_text(text: str | None, what: str, required: bool = False, lines: bool = False,
               limit: int = MAX_TEXT) -> str:
    """The text, trimmed, or TextError saying why it is refused. `what` names the field
    ("备注 / note"); `lines`: line breaks allowed (minutes)."""
    text = (text or "").strip()
    zh, en = what.split(" / ")
    if required and not text:
        raise TextError(f"{zh}不能为空 / the {en} is empty")
    if len(text) > limit:
        raise TextError(f"{zh}超过 {limit} 个字符 / the {en} is longer than {limit} characters")
    body = text.replace("\n", " ") if lines else text
    if _CONTROL.search(body) or (not lines and "\n" in text):
        raise TextError(f"{zh}含有换行等控制字符 / the {en} holds a line break or other control character")
    if _HTML.search(text):
        raise TextError(f"{zh}不能含 HTML 标记 / the {en} may not hold HTML")
    if _MARKDOWN.search(text):
        raise TextError(f"{zh}不能含 Markdown 标记（** ` [ ]( # > $ 等） / the {en} may not hold Markdown markup")
    if _FORMULA.search(text):
        raise TextError(f"{zh}不能以 = + - @ 开头（会被表格当作公式） / the {en} may not start with = + - @ "
                        f"(a spreadsheet would run it as a formula)")
    return text
