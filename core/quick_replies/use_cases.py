"""Quick replies: a creator's canned answers (create, list, get, update, delete)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.checks import check_text
from core.errors import Invalid, found, removed
from core.messaging import MAX_CONTENT_LENGTH
from core.paging import Page, check_page
from core.ports import Clock
from core.quick_replies.ports import QuickReplyStorage
from core.quick_replies.records import MAX_QUICK_REPLY_TITLE_LENGTH, QuickReply


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


@dataclass(frozen=True, slots=True)
class CreateQuickReply:
    storage: QuickReplyStorage
    clock: Clock

    async def execute(self, user_id: str, title: str, content: str) -> QuickReply:
        now = self.clock.now()
        reply = QuickReply(None, user_id, check_title(title), check_content(content), now, now)
        async with self.storage.begin() as uow:
            return await uow.quick_replies.add(reply)


@dataclass(frozen=True, slots=True)
class ListQuickReplies:
    storage: QuickReplyStorage

    async def execute(self, user_id: str, limit: int = 50, offset: int = 0) -> Page[QuickReply]:
        check_page(limit, offset)
        async with self.storage.begin() as uow:
            return await uow.quick_replies.list(user_id, limit, offset)


@dataclass(frozen=True, slots=True)
class GetQuickReply:
    storage: QuickReplyStorage

    async def execute(self, user_id: str, reply_id: int) -> QuickReply:
        async with self.storage.begin() as uow:
            reply = found(await uow.quick_replies.get(user_id, reply_id), "quick reply", reply_id)
        return reply


@dataclass(frozen=True, slots=True)
class UpdateQuickReply:
    storage: QuickReplyStorage
    clock: Clock

    async def execute(self, user_id: str, reply_id: int, changes: QuickReplyChanges) -> QuickReply:
        # Validate before reading, so bad input is a 400 even for an id that does not exist.
        title = None if changes.title is None else check_title(changes.title)
        content = None if changes.content is None else check_content(changes.content)
        async with self.storage.begin() as uow:
            current = found(await uow.quick_replies.get(user_id, reply_id), "quick reply", reply_id)
            updated = replace(
                current,
                title=current.title if title is None else title,
                content=current.content if content is None else content,
                updated_at=self.clock.now(),
            )
            await uow.quick_replies.update(updated)
        return updated


@dataclass(frozen=True, slots=True)
class DeleteQuickReply:
    storage: QuickReplyStorage

    async def execute(self, user_id: str, reply_id: int) -> None:
        async with self.storage.begin() as uow:
            removed(await uow.quick_replies.delete(user_id, reply_id), "quick reply", reply_id)
