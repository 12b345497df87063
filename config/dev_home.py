"""The page at / in debug: where the docs, the admin and the example front end are."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.html import format_html

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cookie-JWT auth API (debug)</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; }}</style>
</head><body>
<h1>Cookie-JWT auth API</h1>
<p>Running in debug. This page exists only with <code>DJANGO_DEBUG=1</code>.</p>
<ul>
<li><a href="/swagger/">Swagger UI</a> and <a href="/redoc/">ReDoc</a>: the API reference;
  the schema is <a href="/swagger.json">/swagger.json</a></li>
<li><a href="/admin/">The admin</a> (<code>make superuser</code> creates an account)</li>
<li><a href="{frontend}">The example front end</a> at <code>FRONTEND_URL</code>
  (start it with <code>make example</code>)</li>
<li><a href="/healthz/">Health check</a></li>
</ul>
<p>A front end on any <code>http://localhost:&lt;port&gt;</code> may call this API in debug;
  keep its host name the same as the API's (<code>localhost</code> with <code>localhost</code>).</p>
</body></html>
"""


def dev_home(request):
    if not settings.DEBUG:
        raise Http404
    return HttpResponse(format_html(_PAGE, frontend=f"{settings.FRONTEND_URL}/"))
