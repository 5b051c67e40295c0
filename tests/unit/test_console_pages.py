"""The console's pure helpers: where a sign-in may lead, and which menu item a page is under."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.accounts import Author, Caller, Role
from entrypoints.http.console.login import HOME, safe_next
from entrypoints.http.console.pages import MENU, current_item, menu_of


@given(st.text())
def test_after_sign_in_it_never_leaves_the_site(target: str) -> None:
    went = safe_next(target)
    assert went.startswith("/")
    assert not went.startswith(("//", "/\\"))
    assert went in (target, HOME)


def test_a_path_of_this_site_is_kept() -> None:
    assert safe_next("/fans?search=a") == "/fans?search=a"


def test_a_page_belongs_to_the_longest_menu_path_it_is_under() -> None:
    assert current_item(list(MENU), "/fans/import").path == "/fans/import"
    assert current_item(list(MENU), "/fans/42").path == "/fans"
    assert current_item(list(MENU), "/fansy") is None


def test_the_menu_follows_the_permission_table() -> None:
    def caller(role: Role) -> Caller:
        return Caller("acct", role, Author.member("u1"), "u1", "s1")

    # Settings: chatters read the account's sending rules (getSettings), managers change them.
    assert [i.label for i in menu_of(caller(Role.CHATTER))] == ["Inbox", "Fans", "Settings"]
    assert [i.label for i in menu_of(caller(Role.MANAGER))] == [i.label for i in MENU]
    assert menu_of(None) == []
