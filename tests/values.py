"""Values shared by tests."""

from __future__ import annotations

STRONG = "Velvet-Harbor-Quartz-71"
"""A password every policy accepts, for tests that are not about the policy."""

# The admin center's live login test after a reset, as the result page words it: (result,
# text of the server's reply). Before the IMAP and SMTP listeners ran, these were
# ("failed", "The IMAP listener is not running.") and
# ("failed", "The SMTP submission listener is not running."): the verifier says so honestly.
LOGIN_TEST_IMAP = ("passed", "Logged in")
LOGIN_TEST_SMTP = ("passed", "235 2.7.0 Authentication successful")
# With "Require password change at next sign-in" the listeners must refuse the new password
# with their must-change answer, and the test passes when they do.
LOGIN_TEST_MUST_CHANGE_IMAP = ("passed", "[EXPIRED]")
LOGIN_TEST_MUST_CHANGE_SMTP = ("passed", "535")
