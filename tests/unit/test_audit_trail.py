"""What each use case writes to the audit log, on the real container (in-memory adapters): the
actor it was given, the action, the target's id and facts, never a message's text or a note;
written in the use case's own transaction, so a change and its entry commit or vanish together.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from adapters.storage.audit import SqlAlchemyAuditRepository
from core.accounts import Author
from core.audit import AuditEntry, AuditQuery, field_list
from core.campaigns.audience import NewCampaign
from core.conversations import Reply
from core.errors import Invalid, NotFound
from core.fans import FanChanges
from core.fans.records import Platform
from core.imports.records import ImportOptions
from core.inbound.events import EventType, FanRef, InboundEvent, PpvPurchased
from core.messaging import PermanentFailure
from core.messaging.records import MessageStatus
from core.messaging.writer import NewMessage
from tests.support.authors import CHATTER, OTHER_CHATTER
from tests.support.world import World

ALICE, BOB = "creator-a", "creator-b"
MANAGER = Author.member("u-manager")
TEXT = "a text nobody else may read"


async def audit(w: World, account: str = ALICE, **query) -> list[AuditEntry]:
    return (await (await w.use("list_audit")).execute(account, AuditQuery(**query))).items


def said(entry: AuditEntry) -> tuple:
    return entry.actor, entry.action, entry.target


async def test_a_send_names_its_message_and_author_and_never_its_text(w: World):
    fan = await w.fan(ALICE)
    send = await w.use("send_message")

    receipt = await send.execute(ALICE, NewMessage(fan.id, TEXT), author=CHATTER)

    [entry] = await audit(w)
    assert said(entry) == (CHATTER, "message.send", str(receipt.message_id))
    assert entry.detail["fanId"] == fan.id
    assert TEXT not in repr(entry)
    message = await (await w.use("get_message")).execute(ALICE, receipt.message_id)
    assert message.author == CHATTER
    assert await audit(w, BOB) == []


async def test_a_scheduled_send_and_a_reply_are_audited_as_sends(w: World):
    fan = await w.fan(ALICE)
    send_at = w.clock.now() + timedelta(hours=1)
    later = await (await w.use("send_message")).execute(
        ALICE, NewMessage(fan.id, TEXT, send_at=send_at), author=CHATTER
    )
    written = await (await w.use("get_message")).execute(ALICE, later.message_id)

    reply = await (await w.use("send_in_conversation")).execute(
        ALICE, written.conversation_id, Reply("hi"), author=OTHER_CHATTER
    )

    replied, scheduled = await audit(w)
    assert said(scheduled) == (CHATTER, "message.schedule", str(later.message_id))
    assert scheduled.detail["sendAt"] == send_at.isoformat()
    assert said(replied) == (OTHER_CHATTER, "message.send", str(reply.message_id))


async def test_a_batch_is_one_entry_with_its_counts(w: World):
    fan = await w.fan(ALICE)
    batch = [NewMessage(fan.id, TEXT), NewMessage(fan.id, ""), NewMessage(fan.id, "b")]

    results = await (await w.use("send_batch")).execute(ALICE, batch, author=CHATTER)

    assert [r.error is None for r in results] == [True, False, True]
    [entry] = await audit(w)
    assert said(entry) == (CHATTER, "message.send_batch", None)
    assert entry.detail == {"count": 2, "scheduled": 0, "refused": 1}


async def test_a_send_refused_writes_no_entry(w: World):
    with pytest.raises(NotFound):
        await (await w.use("send_message")).execute(ALICE, NewMessage(9, "hi"), author=CHATTER)
    assert await audit(w) == []


async def test_a_send_whose_entry_cannot_be_written_is_not_written_either(
    w: World, monkeypatch: pytest.MonkeyPatch
):
    fan = await w.fan(ALICE)

    async def broken(self, entries):
        raise RuntimeError("the audit log is unwritable")

    monkeypatch.setattr(SqlAlchemyAuditRepository, "add", broken)
    with pytest.raises(RuntimeError):
        await (await w.use("send_message")).execute(ALICE, NewMessage(fan.id, "hi"), author=CHATTER)
    monkeypatch.undo()

    assert (await w.queue.stats()).depth == 0
    assert (await (await w.use("queue_status")).execute(ALICE)).backlog == 0
    assert await audit(w) == []


async def test_a_retry_is_the_retriers_and_the_message_keeps_its_author(w: World):
    fan = await w.fan(ALICE)
    receipt = await (await w.use("send_message")).execute(
        ALICE, NewMessage(fan.id, "hi"), author=CHATTER
    )
    w.gateway.script(PermanentFailure("blocked"))
    await w.drain()

    await (await w.use("retry_failed")).execute(ALICE, receipt.message_id, actor=MANAGER)
    await w.drain()

    retried, _ = await audit(w)
    assert said(retried) == (MANAGER, "message.retry", str(receipt.message_id))
    message = await (await w.use("get_message")).execute(ALICE, receipt.message_id)
    assert (message.status, message.author) == (MessageStatus.SENT, CHATTER)


async def test_an_unsend_says_what_became_of_the_message(w: World):
    fan = await w.fan(ALICE)
    send = await w.use("send_message")
    unsend = await w.use("unsend_message")
    sent = await send.execute(ALICE, NewMessage(fan.id, "one"), author=CHATTER)
    await w.drain()
    waiting = await send.execute(
        ALICE, NewMessage(fan.id, "two", send_at=w.clock.now() + timedelta(hours=1)),
        author=CHATTER,
    )  # fmt: skip

    await unsend.execute(ALICE, sent.message_id, actor=MANAGER)
    await unsend.execute(ALICE, waiting.message_id, actor=MANAGER)

    cancelled, unsent = await audit(w, action="message.unsend")
    assert said(unsent) == (MANAGER, "message.unsend", str(sent.message_id))
    assert unsent.detail["outcome"] == "unsent"
    assert said(cancelled)[2] == str(waiting.message_id)
    assert cancelled.detail["outcome"] == "cancelled"


async def test_a_campaigns_life_is_audited_and_its_messages_are_the_campaigns(w: World):
    fans = [(await w.fan(ALICE, f"f{i}")).id for i in range(3)]
    accepted = await (await w.use("create_campaign")).execute(
        ALICE, NewCampaign("spring", TEXT, recipient_ids=tuple(fans)), actor=MANAGER
    )
    await (await w.use("background_fan_outs")).wait()
    campaign = accepted.campaign_id
    for name in ("pause_campaign", "resume_campaign", "cancel_campaign"):
        await (await w.use(name)).execute(ALICE, campaign, actor=MANAGER)

    entries = await audit(w)
    assert [said(e) for e in reversed(entries)] == [
        (MANAGER, action, str(campaign))
        for action in ("campaign.create", "campaign.pause", "campaign.resume", "campaign.cancel")
    ]
    assert entries[-1].detail == {"fans": 3, "scheduled": False}
    assert TEXT not in repr(entries)
    storage = await w.use("storage")
    async with storage.begin() as uow:
        page = await uow.messages.list_in_conversation(ALICE, 1, 10, 0)
    assert {m.author for m in page.items} == {Author.campaign(campaign)}


async def test_retrying_a_campaigns_failed_messages_counts_them(w: World):
    fan = await w.fan(ALICE)
    accepted = await (await w.use("create_campaign")).execute(
        ALICE, NewCampaign("spring", "hi", recipient_ids=(fan.id,)), actor=MANAGER
    )
    await (await w.use("background_fan_outs")).wait()
    w.gateway.script(PermanentFailure("blocked"))
    await (await w.use("tick")).execute()
    await w.drain()

    await (await w.use("retry_failed_campaign")).execute(ALICE, accepted.campaign_id, actor=CHATTER)

    [entry] = await audit(w, action="campaign.retry_failed")
    assert said(entry) == (CHATTER, "campaign.retry_failed", str(accepted.campaign_id))
    assert entry.detail == {"messages": 1}


async def test_an_import_is_audited_with_its_counts_and_a_dry_run_is_not(w: World):
    use_case = await w.use("import_fans_csv")
    data = b"handle,name\nalice,Alice\nbob,Bob\n,nobody\n"

    dry = await use_case.execute(
        ALICE, io.BytesIO(data), ImportOptions(dry_run=True), actor=MANAGER
    )
    report = await use_case.execute(ALICE, io.BytesIO(data), ImportOptions(), actor=MANAGER)

    assert dry.dry_run
    [entry] = await audit(w)
    assert said(entry) == (MANAGER, "import.csv", str(report.id))
    assert entry.detail == {
        "totalRows": 3, "inserted": 2, "updated": 0, "skipped": 0, "errors": 1,
    }  # fmt: skip


async def test_a_fan_change_names_the_fields_changed_never_their_values(w: World):
    fan = await w.fan(ALICE, "luna")
    update = await w.use("update_fan")
    secret = "likes cats; real name Jane"

    await update.execute(
        ALICE, fan.id, FanChanges(notes=secret, tags=frozenset({"vip"})), actor=CHATTER
    )
    await update.execute(ALICE, fan.id, FanChanges(notes=secret), actor=CHATTER)  # no change
    await (await w.use("delete_fan")).execute(ALICE, fan.id, actor=MANAGER)

    deleted, updated = await audit(w)
    assert said(updated) == (CHATTER, "fan.update", str(fan.id))
    assert updated.detail == {"fields": "tags,notes"}
    assert secret not in repr(updated)
    assert said(deleted) == (MANAGER, "fan.delete", str(fan.id))


def test_changed_fields_are_named_as_the_api_spells_them():
    assert field_list(["value_cents", "notes", "quiet_hours_end_at"]) == (
        "valueCents,notes,quietHoursEndAt"
    )
    assert field_list([]) == ""


async def test_a_purchase_credits_the_messages_author_and_is_the_bridges_entry(w: World):
    fan = await w.fan(ALICE, "luna")
    receipt = await (await w.use("send_message")).execute(
        ALICE, NewMessage(fan.id, "pic", price_cents=900), author=CHATTER
    )
    event = InboundEvent(
        "evt-1", EventType.PPV_PURCHASED, ALICE, datetime(2026, 1, 1, tzinfo=UTC),
        FanRef(Platform.ONLYFANS, "luna"), PpvPurchased(900, receipt.message_id),
    )  # fmt: skip

    await (await w.use("process_inbound_event")).execute(event)

    entry, _ = await audit(w)
    assert said(entry) == (Author.bridge(), "ppv.purchased", str(receipt.message_id))
    assert entry.detail == {
        "fanId": fan.id, "amountCents": 900, "creditedKind": "member", "creditedId": "u-chatter",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (AuditQuery(limit=0), "limit"),
        (AuditQuery(limit=201), "limit"),
        (AuditQuery(offset=-1), "offset"),
        (AuditQuery(member="u" * 129), "member"),
        (AuditQuery(action="message.\x00send"), "action"),
        (AuditQuery(action="x" * 65), "action"),
    ],
)
async def test_a_query_out_of_bounds_names_its_field(w: World, query: AuditQuery, field: str):
    with pytest.raises(Invalid) as raised:
        await (await w.use("list_audit")).execute(ALICE, query)
    assert raised.value.field == field
