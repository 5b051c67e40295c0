"""Path and query parameters every CRM controller declares the same way.

An id outside 1 … 2^63-1 (a BIGINT) or an offset past MAX_OFFSET is a 400 naming the parameter,
not a database error: the core's `check_page` says the same of offsets for other callers.
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from core.checks import MAX_ID
from core.fans.records import MAX_SEARCH_LENGTH
from core.paging import MAX_OFFSET, MAX_PAGE_SIZE
from entrypoints.http.schemas import NO_NUL

PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE)]
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)]
# A list's search: what the core accepts (no NUL, within its length), stated in the contract.
Search = Annotated[str | None, QueryParameter(max_length=MAX_SEARCH_LENGTH, pattern=NO_NUL)]
