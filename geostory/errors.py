"""One exception tree for geostory.

    GeostoryError
     +-- InputError (also ValueError)        bad article input: missing, empty, binary, not UTF-8
     |    +-- IngestError                    could not turn a file/HTML/URL into an Article
     +-- StoryFormatError (also ValueError)  Story JSON that does not follow the schema
     +-- GazetteerError                      offline index missing, corrupt or unbuildable
 +-- LibraryError                        the story library database cannot be opened or written
     +-- GeocodingError                      an online provider failed (timeout, quota, bad answer)
          +-- GeocoderUnavailable (also ConnectionError)
          +-- GeocoderConfigError (also ValueError)  unknown provider, missing key or user agent

Messages say what went wrong, why, and how to fix it.
"""

from __future__ import annotations


class GeostoryError(Exception):
    """Base class of every error geostory raises on purpose."""


class InputError(GeostoryError, ValueError):
    """The article given cannot be read as text."""


class IngestError(InputError):
    """A file, HTML page or URL could not be turned into an Article."""


class StoryFormatError(GeostoryError, ValueError):
    """A Story JSON document does not follow the schema."""


class GazetteerError(GeostoryError):
    """The offline gazetteer index is missing, corrupt or cannot be built."""


class LibraryError(GeostoryError):
    """The story library (SQLite) cannot be opened or written."""


class GeocodingError(GeostoryError):
    """An online geocoding provider failed."""


class GeocoderUnavailable(GeocodingError, ConnectionError):
    """An online provider could not be reached (network down, timeout, 5xx, 429)."""


class GeocoderConfigError(GeocodingError, ValueError):
    """The geocoder settings cannot work: unknown provider, missing API key or user agent."""
