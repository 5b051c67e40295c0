"""Signing in to the console in chromium, as a person does."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import Console, sign_in, submit_login
from tests.support.dev_server import Login


def test_the_login_page_asks_for_an_email_and_a_password(page: Page) -> None:
    page.goto("/login")

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_attribute("type", "password")
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()


def test_a_wrong_password_is_refused_on_the_page_and_lets_no_one_in(
    page: Page, console: Console
) -> None:
    submit_login(page, console, Login(console.owner.email, console.owner.password + "x"))

    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    expect(page.get_by_label("Email")).to_have_value(console.owner.email)
    page.goto("/inbox")
    expect(page).to_have_url(re.compile(r"/login\?next=/inbox$"))


@pytest.mark.parametrize("role", ["owner", "chatter"])
def test_a_demo_login_signs_in_and_lands_on_the_inbox(
    page: Page, console: Console, role: str
) -> None:
    sign_in(page, console, getattr(console, role))

    expect(page).to_have_url(f"{console.base_url}/inbox")
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
