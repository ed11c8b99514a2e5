"""Write the French catalogue from messages.pot: French is the source language, so its
catalogue only carries French plural rules — « 0 idée », « 1 idée », « 2 idées » — which
gettext would otherwise take from English (n != 1 → « 0 idées »). Every plural message
gets its forms (the msgids themselves) under CLDR's French rule; other messages need no
entry (their msgid is the French text).

    python tools/french_catalogue.py    # run by `make extract-messages`
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "consult" / "translations"


def main() -> None:
    with (ROOT / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    # CLDR's French rule: 0 and 1 singular, millions apart (« 1 000 000 de »), others plural
    french = Catalog(locale="fr", domain="messages", project="Consult", fuzzy=False)
    for message in template:
        if message.id and message.pluralizable:
            singular, plural = message.id
            french.add(message.id, string=(singular, plural, plural), context=message.context)
    target = ROOT / "fr" / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, french, omit_header=False, sort_output=True, width=100)


if __name__ == "__main__":
    main()
