"""/api/crm/automations: create, read, list, replace, enable, disable, delete; bad bodies are a
400 naming the field; another creator's automation is a 404 everywhere; the analytics list the
automations with their figures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Api
from tests.support.automations import welcome

URL = "/api/crm/automations"
A, B = "creator-a", "creator-b"


async def create(api: Api, body: dict[str, Any], user: str = A) -> dict[str, Any]:
    response = await api.client.post(URL, json=body, headers=api.auth(user))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_create_read_list_replace_and_delete(api: Api) -> None:
    winback = {
        "name": "Win-back",
        "trigger": {"type": "fan.inactive", "inactiveDays": 14},
        "segment": {"tagsAny": ["vip"], "minValueCents": 5000},
        "steps": [{"variants": ["miss you", "where did you go?"], "jitterSeconds": 600}],
    }
    first = await create(api, welcome(0, 3600, jitter_s=60, enabled=False))
    second = await create(api, winback)

    got = await api.client.get(f"{URL}/{second['id']}", headers=api.auth(A))
    listed = await api.client.get(URL, headers=api.auth(A))
    replaced = await api.client.put(f"{URL}/{first['id']}", json=winback, headers=api.auth(A))
    deleted = await api.client.delete(f"{URL}/{second['id']}", headers=api.auth(A))
    after = await api.client.get(URL, headers=api.auth(A))

    assert first["enabled"] is False
    assert first["steps"] == [
        {"variants": ["welcome-1"], "delaySeconds": 0, "jitterSeconds": 60, "priceCents": None},
        {"variants": ["welcome-2"], "delaySeconds": 3600, "jitterSeconds": 60, "priceCents": None},
    ]
    assert first["trigger"] == {"type": "fan.subscribed", "subscribers": "any"}
    assert got.json() == second
    assert second["trigger"] == {"type": "fan.inactive", "inactiveDays": 14}
    assert second["segment"]["tagsAny"] == ["vip"]
    assert second["figures"] == {
        "runsStarted": 0, "running": 0, "completed": 0, "stoppedByReply": 0,
        "stoppedOtherwise": 0, "messagesSent": 0, "revenueCents": 0, "replyRate": 0.0,
    }  # fmt: skip
    assert [a["id"] for a in listed.json()["items"]] == [first["id"], second["id"]]
    assert listed.json()["total"] == 2
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["name"], replaced.json()["enabled"]) == ("Win-back", False)
    assert deleted.status_code == 204
    assert [a["id"] for a in after.json()["items"]] == [first["id"]]


async def test_enable_and_disable(api: Api) -> None:
    automation = await create(api, welcome(0))
    path = f"{URL}/{automation['id']}"

    disabled = await api.client.post(f"{path}/disable", headers=api.auth(A))
    enabled = await api.client.post(f"{path}/enable", headers=api.auth(A))

    assert (disabled.status_code, disabled.json()["enabled"]) == (200, False)
    assert (enabled.status_code, enabled.json()["enabled"]) == (200, True)


async def test_another_creators_automation_is_404_everywhere(api: Api) -> None:
    automation = await create(api, welcome(0))
    path = f"{URL}/{automation['id']}"
    auth = api.auth(B)

    answers = [
        await api.client.get(path, headers=auth),
        await api.client.put(path, json=welcome(5), headers=auth),
        await api.client.post(f"{path}/enable", headers=auth),
        await api.client.post(f"{path}/disable", headers=auth),
        await api.client.delete(path, headers=auth),
    ]

    assert [a.status_code for a in answers] == [404] * 5
    assert (await api.client.get(URL, headers=auth)).json()["total"] == 0
    still = await api.client.get(path, headers=api.auth(A))
    assert still.json()["enabled"] is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"steps": []}, "steps"),
        ({"steps": [{"variants": ["hi"]}] * 6}, "steps"),
        ({"steps": [{"variants": []}]}, "steps[0].variants"),
        ({"steps": [{"variants": ["hi"], "delaySeconds": -1}]}, "steps[0].delaySeconds"),
        ({"steps": [{"variants": ["hi"], "jitterSeconds": 86_401}]}, "steps[0].jitterSeconds"),
        ({"steps": [{"variants": ["hi"], "priceCents": -5}]}, "steps[0].priceCents"),
        ({"steps": [{"variants": ["hi"], "colour": "red"}]}, "colour"),
        (
            {"steps": [{"variants": ["ok"]}, {"variants": ["pay by paypal"]}]},
            "steps[1].variants[0]",
        ),
        ({"trigger": {"type": "fan.inactive"}}, "inactiveDays"),
        ({"trigger": {"type": "fan.inactive", "inactiveDays": 0}}, "trigger.inactiveDays"),
        ({"trigger": {"type": "fan.purchased"}}, "trigger"),
        ({"trigger": {"type": "ppv.purchased", "subscribers": "new"}}, "subscribers"),
        ({"segment": {"minValueCents": 9, "maxValueCents": 1}}, "segment.maxValueCents"),
        ({"enabled": "yes"}, "enabled"),
    ],
)
async def test_a_bad_body_is_a_400_naming_the_field(
    api: Api, change: dict[str, Any], field: str
) -> None:
    body = {**welcome(0), **change}

    created = await api.client.post(URL, json=body, headers=api.auth(A))

    assert created.status_code == 400, created.text
    assert field in created.json()["error"]
    assert (await api.client.get(URL, headers=api.auth(A))).json()["total"] == 0


async def test_the_analytics_list_each_automation_with_its_figures(api: Api) -> None:
    automation = await create(api, welcome(0))

    answer = await api.client.get("/api/onlyfans/analytics", headers=api.auth(A))

    assert answer.status_code == 200
    [row] = answer.json()["automations"]
    assert (row["id"], row["name"], row["trigger"], row["enabled"]) == (
        automation["id"], "Welcome", "fan.subscribed", True,
    )  # fmt: skip
    assert row["figures"]["runsStarted"] == 0
    other = await api.client.get("/api/onlyfans/analytics", headers=api.auth(B))
    assert other.json()["automations"] == []
