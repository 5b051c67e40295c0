"""The seams the feature layout relies on: what one definition serves, and what fails at start."""

from __future__ import annotations

from dataclasses import fields

import pytest
from litestar import get
from litestar.di import NamedDependency
from litestar.exceptions import ImproperlyConfiguredException

from core.campaigns import CampaignStatus
from core.fans import NewFan
from core.imports import StagedFan
from core.messaging.consume import STOPPED_CAMPAIGNS
from core.messaging.records import MessageStatus
from entrypoints.config import Settings
from entrypoints.container import build_container
from entrypoints.http.app import create_app


def test_a_staged_import_row_is_a_row_number_and_the_fields_of_a_new_fan():
    assert StagedFan._fields == ("row", *(f.name for f in fields(NewFan)))


def test_the_consumer_names_campaign_states_as_campaigns_do():
    assert {
        CampaignStatus.PAUSED.value: MessageStatus.HELD,
        CampaignStatus.CANCELLED.value: MessageStatus.CANCELLED,
    } == STOPPED_CAMPAIGNS


def test_every_provider_of_the_container_is_a_handler_dependency_by_its_name():
    container = build_container(Settings.from_env({}, dev=True))
    app = create_app(container)
    assert {"send_message", "create_campaign", "get_analytics"} <= set(app.dependencies)


def test_a_handler_naming_no_provider_stops_the_app_from_being_built():
    @get("/typo")
    async def typo(send_mesage: NamedDependency[object]) -> str:
        return "never"

    container = build_container(Settings.from_env({}, dev=True))
    app = create_app(container)
    with pytest.raises(ImproperlyConfiguredException, match="send_mesage"):
        app.register(typo)
