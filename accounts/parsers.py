"""The one request format: a JSON object whose text the database can store.

Its size is bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE (see config.errors).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


def _storable(value) -> bool:
    """False where a string holds a lone surrogate, which no database encoding accepts."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = json.loads(stream.read())
            storable = _storable(data)
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply")) from None
        if not isinstance(data, dict):
            raise ParseError(_("JSON parse error - the body must be a JSON object"))
        if not storable:
            raise ParseError(_("JSON parse error - the body holds an invalid unicode escape"))
        return data


class ExactContentNegotiation(DefaultContentNegotiation):
    """A body is parsed only when its Content-Type names the parser's type exactly, and the
    answer is JSON.

    DRF matches wildcards both ways, so ``*/*`` or ``application/*`` would be read
    as JSON; here they, like every other type, get a 415. Parameters such as
    ``charset`` are allowed.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        """A view with one format answers in it whatever the Accept header says (RFC 9110
        lets a server disregard it), without parsing the header on every request; views
        with several (the docs') negotiate as DRF does."""
        if len(renderers) == 1 and format_suffix is None:
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)

    def select_parser(self, request, parsers):
        media_type = request.content_type.partition(";")[0].strip().lower()
        return next((parser for parser in parsers if parser.media_type == media_type), None)
