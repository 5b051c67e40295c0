"""Quick reply use cases: validation names the field, updates keep what they do not name."""

from __future__ import annotations

import pytest

from core.errors import Invalid, NotFound
from core.quick_replies.use_cases import QuickReplyChanges
from tests.support.world import World


async def test_a_reply_is_trimmed_kept_as_written_and_updated_in_part(w: World) -> None:
    created = await (await w.use("create_quick_reply")).execute(
        "creator-a", "  Thanks ", "  Thank you!\n"
    )
    assert (created.title, created.content) == ("Thanks", "  Thank you!\n")
    w.clock.advance(5)

    updated = await (await w.use("update_quick_reply")).execute(
        "creator-a", created.id, QuickReplyChanges(content="Merci")
    )
    assert (updated.title, updated.content) == ("Thanks", "Merci")
    assert (updated.created_at, updated.updated_at) == (created.created_at, w.clock.now())
    assert await (await w.use("get_quick_reply")).execute("creator-a", created.id) == updated


@pytest.mark.parametrize(
    ("title", "content", "field"),
    [
        ("", "x", "title"),
        ("x" * 101, "x", "title"),
        ("ok", "\n", "content"),
        ("ok", "x" * 5001, "content"),
    ],
)
async def test_bad_replies_name_the_field(w: World, title: str, content: str, field: str) -> None:
    with pytest.raises(Invalid) as raised:
        await (await w.use("create_quick_reply")).execute("creator-a", title, content)
    assert raised.value.field == field


async def test_another_creators_reply_is_not_found(w: World) -> None:
    created = await (await w.use("create_quick_reply")).execute("creator-a", "Hi", "Hello")
    for name, args in [
        ("get_quick_reply", ()),
        ("update_quick_reply", (QuickReplyChanges(title="x"),)),
        ("delete_quick_reply", ()),
    ]:
        with pytest.raises(NotFound):
            await (await w.use(name)).execute("creator-b", created.id, *args)
    listed = await (await w.use("list_quick_replies")).execute("creator-b")
    assert (listed.items, listed.total) == ([], 0)
