"""Bringing an article in: pasted text, uploaded files, web pages (fetched safely); staged extraction.

Pure Python (no Streamlit). ``from_text``, ``from_upload``, ``from_url`` give a :class:`Draft`; its
``article(lang=, published=, title=)`` gives the :class:`~geostory.model.Article` to extract.
"""

from geostory.ingest.documents import (
    TEXT_SUFFIXES,
    Draft,
    clean_text,
    decode,
    detect_lang,
    from_html,
    from_text,
    from_upload,
    from_url,
    max_chars,
)
from geostory.ingest.fetch import fetch, refused_reason
from geostory.ingest.stages import STAGES, extract_in_stages

__all__ = [
    "STAGES",
    "TEXT_SUFFIXES",
    "Draft",
    "clean_text",
    "decode",
    "detect_lang",
    "extract_in_stages",
    "fetch",
    "from_html",
    "from_text",
    "from_upload",
    "from_url",
    "max_chars",
    "refused_reason",
]
