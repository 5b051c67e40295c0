"""The inbox: where chatters spend their day."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from entrypoints.http.console.pages import AnyRequest, acting_as, render


@get("/inbox", opt=acting_as("listConversations"), include_in_schema=False)
async def inbox_page(request: AnyRequest) -> Template:
    return render(request, "inbox.html")


ROUTES = [inbox_page]
