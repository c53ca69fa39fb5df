"""How an article body is stored as text, so staff can edit it in one text box.

Blocks are separated by a blank line. A block that starts with ``## `` (two ``#`` and a space)
is a subheading (its printed lines kept on separate lines); every other block is a paragraph.
That is the one rule, for storing, showing and indexing alike. The parser reads one to six
line-leading ``#`` as heading markers and never yields body text that starts with fewer than
seven, so the marker cannot collide with printed text (``####### 注`` stays a paragraph).
"""

from dataclasses import dataclass

PARAGRAPH = "paragraph"
SUBHEADING = "subheading"
SUBHEADING_MARK = "## "
HELP_TEXT = "段落之间空一行;以“## ”开头的段落是小标题。"


@dataclass(frozen=True)
class BodyBlock:
    kind: str
    text: str


def join_blocks(blocks: list[BodyBlock]) -> str:
    return "\n\n".join(SUBHEADING_MARK + b.text if b.kind == SUBHEADING else b.text for b in blocks)


def split_blocks(text: str) -> list[BodyBlock]:
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        chunk = chunk.strip()
        if chunk.startswith(SUBHEADING_MARK):
            blocks.append(BodyBlock(SUBHEADING, chunk[len(SUBHEADING_MARK):].strip()))
        elif chunk:
            blocks.append(BodyBlock(PARAGRAPH, chunk))
    return blocks
