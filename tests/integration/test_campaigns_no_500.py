"""Whatever a client sends to the bulk endpoint (or to the audience count), on SQLite and
PostgreSQL: never a 500, and a 400 names the field and writes nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import DATABASES, Api, open_api_on
from tests.integration.test_no_500 import fields_named, huge_ints, texts

BULK = "/api/messages/bulk"
AUDIENCE = "/api/crm/campaigns/audience"
CAMPAIGNS = "/api/crm/campaigns"
SEGMENT_FIELDS = [
    "tagsAny", "tagsAll", "tagsNone", "minValueCents", "maxValueCents", "platform",
    "excludeFanIds", "excludeMessagedWithinHours", "excludeUnread",
]  # fmt: skip
FIELDS = ["campaignName", "content", "mediaUrls", "priceCents", "priority", "recipientIds"]
scalars = st.none() | st.booleans() | st.integers() | huge_ints | st.floats(allow_nan=False) | texts
values = scalars | st.lists(scalars | st.integers(1, 5), max_size=3)
segments = st.dictionaries(st.sampled_from(SEGMENT_FIELDS), values, max_size=4) | scalars
bodies = st.fixed_dictionaries(
    {},
    optional={
        **{name: values for name in FIELDS},
        "campaignName": st.just("spring") | texts,
        "content": st.just("hi") | texts,
        "segment": segments,
    },
)


@pytest.fixture(params=DATABASES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    async for built in open_api_on(request.param, API_RATE_PER_MINUTE="100000"):
        await built.fan("creator-a", "luna")
        yield built


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies)
async def test_any_bulk_body_gets_an_answer_below_500(api: Api, body: dict) -> None:
    before = (await api.client.get(CAMPAIGNS, headers=api.auth("creator-a"))).json()["total"]
    response = await api.client.post(
        BULK,
        content=json.dumps(body),
        headers={**api.auth("creator-a"), "content-type": "application/json"},
    )
    assert response.status_code < 500, (body, response.text)
    after = (await api.client.get(CAMPAIGNS, headers=api.auth("creator-a"))).json()["total"]
    if response.status_code >= 400:
        assert set(response.json()) == {"error", "detail"}
        assert after == before  # nothing half-written
    else:
        assert response.status_code == 202
        assert after == before + 1


audiences = st.fixed_dictionaries(
    {}, optional={"recipientIds": values, "segment": segments}
) | st.dictionaries(st.sampled_from(FIELDS), values, max_size=2)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=audiences)
async def test_any_audience_body_gets_a_count_or_a_400(api: Api, body: dict) -> None:
    response = await api.client.post(
        AUDIENCE,
        content=json.dumps(body),
        headers={**api.auth("creator-a"), "content-type": "application/json"},
    )
    assert response.status_code in (200, 400), (body, response.text)
    if response.status_code == 400:
        assert set(response.json()) == {"error", "detail"}
        if not strict_json(body):  # nothing a JSON decoder may accept: no field to name
            assert "malformed" in response.json()["error"], response.text
        else:
            assert fields_named(response), response.text
    else:
        assert response.json()["fans"] in (0, 1)  # creator-a has one fan


def strict_json(body: dict) -> bool:
    """Whether `json.dumps(body)` is JSON as RFC 8259 has it: Python writes an infinite float as
    `Infinity` and a lone surrogate as its escape, and a strict decoder refuses both."""
    try:
        json.dumps(body, ensure_ascii=False, allow_nan=False).encode()
    except (UnicodeEncodeError, ValueError):
        return False
    return True


# An audience the bulk send refuses, and the audience count too (test_campaign_audience_api).
BAD_AUDIENCES = [
    pytest.param({"recipientIds": [0]}, "recipientIds", id="id-zero"),
    pytest.param({"segment": {"tagsAny": ["a\x00"]}}, "segment.tagsAny", id="nul-tag"),
    pytest.param(
        {"segment": {"minValueCents": 5, "maxValueCents": 1}},
        "segment.maxValueCents",
        id="max-below-min",
    ),
    pytest.param(
        {"segment": {"excludeMessagedWithinHours": 0}},
        "segment.excludeMessagedWithinHours",
        id="zero-hours",
    ),
    pytest.param({"segment": {"platform": "myspace"}}, "segment.platform", id="platform"),
    pytest.param({"recipientIds": [1] * 100_001}, "recipientIds", id="too-many-ids"),
]
BAD = [
    pytest.param({"campaignName": ""}, "campaignName", id="empty-name"),
    pytest.param({"campaignName": "x" * 201}, "campaignName", id="long-name"),
    pytest.param({"content": "hi\x00"}, "content", id="nul-content"),
    pytest.param({"priceCents": 2**63}, "priceCents", id="price-past-bigint"),
    pytest.param({"recipientIds": []}, "recipientIds", id="no-audience"),
    *BAD_AUDIENCES,
]


@pytest.mark.parametrize(("change", "field"), BAD)
async def test_a_bad_bulk_body_is_a_400_naming_the_field(api: Api, change: dict, field: str):
    body = {"campaignName": "spring", "content": "hi", "recipientIds": [1], **change}
    response = await api.client.post(BULK, json=body, headers=api.auth("creator-a"))
    assert response.status_code == 400, response.text
    named = fields_named(response)
    assert any(name.removeprefix("$.").startswith(field) for name in named), named
