"""Pages of a user's sessions: keyset pages, an opaque cursor, and the RFC 8288 ``Link`` header.

The list stays a JSON list; the next page is ``Link: <…?cursor=…>; rel="next"``,
absent on the last page. A cursor names the last session of a page by its
(last_used_at, id), the order of the list, so a page is read through an index
from there on, in the same time however many sessions come before or after it.
A cursor is no secret: it only says where to go on in the caller's own list.
"""

import base64
import binascii
import uuid
from datetime import datetime
from urllib.parse import urlencode

from django.utils.dateparse import parse_datetime

SESSIONS_PAGE_SIZE = 50
CURSOR_PARAMETER = "cursor"

Position = tuple[datetime, uuid.UUID]


def cursor_encode(position: Position) -> str:
    last_used_at, session_id = position
    text = f"{last_used_at.isoformat()}|{session_id.hex}"
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def cursor_decode(cursor: str) -> Position | None:
    """The position a cursor names; None for anything this module did not make."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, session_id = text.partition("|")
        last_used_at = parse_datetime(stamp)
        position = (last_used_at, uuid.UUID(hex=session_id))
    except (ValueError, binascii.Error, UnicodeError, TypeError):
        return None
    if last_used_at is None or last_used_at.tzinfo is None:
        return None
    return position


def next_link(request, position: Position) -> str:
    query = urlencode({CURSOR_PARAMETER: cursor_encode(position)})
    return f'<{request.build_absolute_uri(request.path)}?{query}>; rel="next"'
