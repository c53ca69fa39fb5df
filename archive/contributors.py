"""Names and roles in bylines and photo credits. Pure Python, used by the parser.

``记者刘茜、通讯员高祥钧`` → [(reporter, 刘茜), (correspondent, 高祥钧)]
``本报记者 常谊谊 通讯员 马文静`` → [(reporter, 常谊谊), (correspondent, 马文静)]
"""

from __future__ import annotations

import re

REPORTER = "reporter"
CORRESPONDENT = "correspondent"
PHOTOGRAPHER = "photographer"

ROLE_WORDS = {
    "本报记者": REPORTER,
    "本报特约记者": REPORTER,
    "特约记者": REPORTER,
    "见习记者": REPORTER,
    "实习记者": REPORTER,
    "记者": REPORTER,
    "本报通讯员": CORRESPONDENT,
    "特约通讯员": CORRESPONDENT,
    "通讯员": CORRESPONDENT,
}
_ROLE_ALTERNATION = "|".join(sorted(ROLE_WORDS, key=len, reverse=True))
ROLE = re.compile(_ROLE_ALTERNATION)
_HAN_NOT_ROLE = rf"(?:(?!{_ROLE_ALTERNATION})[\u3400-\u9fff])"
# 荷苒·马汗: transliterated names join their parts with a middle dot.
NAME = re.compile(
    rf"{_HAN_NOT_ROLE}{{1,8}}(?:[·・•‧]{_HAN_NOT_ROLE}{{1,8}})+"
    rf"|{_HAN_NOT_ROLE}{{2,4}}(?!{_HAN_NOT_ROLE})"
)
SEPARATOR = re.compile(r"[\s、,,/]+")


def parse_credit_names(text: str, require_role: bool = False) -> list[tuple[str, str]]:
    """Roles and names in order; [] when ``text`` is anything but roles and names.

    A name before any role word counts as a reporter's. With ``require_role`` the text must
    open with a role word (a byline on its own line, ``本报记者 刘茜``).
    """
    found: list[tuple[str, str]] = []
    role = None
    position = 0
    while position < len(text):
        if match := SEPARATOR.match(text, position):
            position = match.end()
        elif match := ROLE.match(text, position):
            role = ROLE_WORDS[match.group()]
            position = match.end()
        elif match := NAME.match(text, position):
            if require_role and role is None:
                return []
            found.append((role or REPORTER, match.group()))
            position = match.end()
        else:
            return []
    return found


def byline_names(byline: str) -> list[tuple[str, str]]:
    """Roles and names of an article's byline as stored (``本报讯 记者刘茜、通讯员高祥钧报道:``,
    ``本报讯(记者 张三)``, ``本报记者 常谊谊 通讯员 马文静``): what the parser credits when it
    reads the byline on a page, for a byline staff edit in the admin."""
    text = byline.strip()
    if text.startswith("本报讯"):
        return parse_credit_names(text[len("本报讯"):].strip(" \u3000((::))").removesuffix("报道"))
    return parse_credit_names(text, require_role=True)


def photo_credit_names(credit: str) -> list[str]:
    """Photographers of a photo credit as printed (``本报记者 何龙 摄``)."""
    names = credit.strip().removesuffix("摄").strip(" \u3000/\t")
    return [name for _role, name in parse_credit_names(names)]


def names_text(byline: str) -> str:
    """What is left of a byline once its fixed words (本报讯, 报道, 摄) are taken away: "" when
    the byline names nobody on purpose (``本报讯:``)."""
    text = byline.strip()
    if text.startswith("本报讯"):
        text = text[len("本报讯"):].strip(" \u3000((::))").removesuffix("报道")
    return text.removesuffix("摄").strip(" \u3000/\t")
