"""Quick replies: a creator's canned answers (create, list, get, update, delete)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.checks import check_text
from core.errors import Invalid, NotFound
from core.models import MAX_CONTENT_LENGTH, MAX_QUICK_REPLY_TITLE_LENGTH, Page, QuickReply
from core.paging import check_page
from core.ports import Clock, Storage


def check_title(raw: str) -> str:
    title = check_text(raw.strip(), "title", MAX_QUICK_REPLY_TITLE_LENGTH)
    if not title:
        raise Invalid("title must not be empty", field="title")
    return title


def check_content(raw: str) -> str:
    # Kept as written (leading spaces and line breaks are the creator's), but never blank.
    content = check_text(raw, "content", MAX_CONTENT_LENGTH)
    if not content or not content.strip():
        raise Invalid("content must not be empty", field="content")
    return content


@dataclass(frozen=True, slots=True)
class QuickReplyChanges:
    """None leaves a field as it is: neither may be empty, so None never means 'clear'."""

    title: str | None = None
    content: str | None = None


class CreateQuickReply:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock

    async def execute(self, user_id: str, title: str, content: str) -> QuickReply:
        now = self._clock.now()
        reply = QuickReply(None, user_id, check_title(title), check_content(content), now, now)
        async with self._storage.begin() as uow:
            return await uow.quick_replies.add(reply)


class ListQuickReplies:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, limit: int = 50, offset: int = 0) -> Page[QuickReply]:
        check_page(limit, offset)
        async with self._storage.begin() as uow:
            return await uow.quick_replies.list(user_id, limit, offset)


class GetQuickReply:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, reply_id: int) -> QuickReply:
        async with self._storage.begin() as uow:
            reply = await uow.quick_replies.get(user_id, reply_id)
        if reply is None:
            raise NotFound(f"quick reply {reply_id} not found")
        return reply


class UpdateQuickReply:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock

    async def execute(self, user_id: str, reply_id: int, changes: QuickReplyChanges) -> QuickReply:
        # Validate before reading, so bad input is a 400 even for an id that does not exist.
        title = None if changes.title is None else check_title(changes.title)
        content = None if changes.content is None else check_content(changes.content)
        async with self._storage.begin() as uow:
            current = await uow.quick_replies.get(user_id, reply_id)
            if current is None:
                raise NotFound(f"quick reply {reply_id} not found")
            updated = replace(
                current,
                title=current.title if title is None else title,
                content=current.content if content is None else content,
                updated_at=self._clock.now(),
            )
            await uow.quick_replies.update(updated)
        return updated


class DeleteQuickReply:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def execute(self, user_id: str, reply_id: int) -> None:
        async with self._storage.begin() as uow:
            if not await uow.quick_replies.delete(user_id, reply_id):
                raise NotFound(f"quick reply {reply_id} not found")
