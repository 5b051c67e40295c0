"""Who acts in tests: the author a send records and the actor an audit entry names.

Use cases take them explicitly; most tests act as the service credential does (the shared-secret
token), and the authorship tests as members of the account.
"""

from __future__ import annotations

from core.accounts import Author

SERVICE = Author.service()
CHATTER = Author.member("u-chatter")
OTHER_CHATTER = Author.member("u-other")
