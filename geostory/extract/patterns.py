"""Regular expressions compiled for speed, with the same matches."""

from __future__ import annotations

import re


def _first_chars(seq) -> tuple[set, bool] | None:
    """(character-class items a match of the parsed ``seq`` can start with, whether it can match the empty
    string), or None when the pattern uses anything else than literals, classes, groups, branches, repeats and
    zero-width assertions."""
    # the standard library's own regex parser (Python >= 3.11)
    from re import _constants as sc

    items: set = set()
    for op, av in seq:
        if op in (sc.AT, sc.ASSERT, sc.ASSERT_NOT):  # \b, look-arounds: consume nothing, only restrict
            continue
        if op is sc.LITERAL:
            return items | {re.escape(chr(av))}, False
        if op is sc.IN:
            for iop, iav in av:
                if iop is sc.LITERAL:
                    items.add(re.escape(chr(iav)))
                elif iop is sc.RANGE:
                    items.add(re.escape(chr(iav[0])) + "-" + re.escape(chr(iav[1])))
                elif iop is sc.CATEGORY and iav in (sc.CATEGORY_DIGIT, sc.CATEGORY_WORD, sc.CATEGORY_SPACE):
                    items.add({sc.CATEGORY_DIGIT: r"\d", sc.CATEGORY_WORD: r"\w", sc.CATEGORY_SPACE: r"\s"}[iav])
                else:
                    return None
            return items, False
        if op is sc.BRANCH:
            subs = [_first_chars(alt) for alt in av[1]]
        elif op is sc.SUBPATTERN and not av[1] and not av[2]:
            subs = [_first_chars(av[3])]
        elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT):
            subs = [_first_chars(av[2])]
        else:
            return None
        if any(r is None for r in subs):
            return None
        items |= set().union(*(r[0] for r in subs))
        if not any(r[1] for r in subs) and not (op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and av[0] == 0):
            return items, False
    return items, True


def anchored(pattern: str, flags: int = 0) -> re.Pattern:
    """``pattern`` compiled behind a look-ahead for the characters its matches can start with: the same matches,
    but a position that cannot start one is left at once instead of trying every alternative (Python's engine
    only skips ahead like this for patterns that open with a character or a class, not with ``\\b``)."""
    try:
        from re import _parser

        first = _first_chars(_parser.parse(pattern, flags).data)
    except (ImportError, AttributeError):
        first = None
    if first is not None and first[0] and not first[1]:
        try:
            return re.compile("(?=[" + "".join(sorted(first[0])) + "])(?:" + pattern + ")", flags)
        except re.error:  # e.g. global inline flags, which must open a pattern
            pass
    return re.compile(pattern, flags)
