"""The signed-in pages a member works on, with the keyboard alone, as ``test_keyboard`` walks
the public ones: Tab from the top reaches the skip link first, then every shown control in the
order of the page, and leaves the page at its end (no trap); each control shows its focus.
Each page is walked once, the languages taken in turn (the order of controls is the page's
structure, the same in each language; the turns still meet every language's words and widths), by
home's administrator (who sees the most buttons and forms) unless another role sees a page
that looks different: the trustee's side of a securitisation, an investor's subscription,
an appraiser's and a bank's forms, an outsider's objection, the expo's operator."""

from __future__ import annotations

import pytest

from ..public_pages import LANGUAGES
from .checks import PHONE, open_in
from .conftest import SignedIn, Site
from .test_keyboard import tab_through

pytestmark = [pytest.mark.browser]

# Pages of ``member_pages.SIGNED_IN_PAGES``, by their key ("role: name").
PAGES = (
    "admin: deal", "admin: statement", "admin: negotiation selling", "admin: finance", "admin: loan running",
    # Finance: a valuation, a loan's and a pool's pages, insurance; the appraiser's and the bank's forms.
    "admin: valuation signed off", "admin: new valuation", "admin: new loan", "admin: loan offered", "admin: pool",
    "admin: insurance", "admin: insurance quote form", "admin: insurance policy in force",
    "agent: valuation being valued", "agent: income approach", "bank: loan offer",
    # The securitisation: home as originator and servicer, the bank as trustee, an investor.
    "admin: securitisation", "admin: new securitisation", "admin: new receivable", "admin: receivable",
    "admin: securitisation serviced", "admin: securitisation pool", "admin: securitisation structure",
    "admin: securitisation projections", "admin: securitisation collections", "admin: securitisation period",
    "bank: securitisation serviced", "outsider: securitisation on offer",
    # The data-IP registry: the registrant's pages and an outsider's objection.
    "admin: dataip products", "admin: dataip new product", "admin: dataip draft", "admin: dataip registered",
    "admin: dataip change form", "outsider: dataip objection form",
    # The expo: a member's registration; the operator's back-office (the editions, an edition laid
    # out, an exhibitor's booth and exhibits, a live stream's viewers, a ceremony's agreements).
    "admin: expo registration", "operator: expo back-office", "operator: expo edition", "operator: expo exhibitor",
    "operator: expo live stream", "operator: expo signing ceremony",
)
CASES = [(key, LANGUAGES[number % len(LANGUAGES)]) for number, key in enumerate(PAGES)]


@pytest.mark.parametrize(("key", "language"), CASES,
                         ids=[f"{key.replace(': ', '-')}-{language}" for key, language in CASES])
def test_every_control_of_a_signed_in_page_is_reached_by_tab_and_shows_its_focus(
        key: str, language: str, signed_in: SignedIn, site: Site) -> None:
    role = key.split(": ", 1)[0]
    page = open_in(signed_in(role, language), site.url + site.paths[key], language)
    # A statement or a thread has many rows of links: room for all of them before "a trap".
    problems = tab_through(page, limit=600)
    assert not problems, f"{key} ({language}):\n" + "\n".join(problems)


# On a phone the tables reflow into cards and the header folds into its menu: pages with the
# most rows and forms are walked at that width too (what is folded away is not in the walk).
ON_A_PHONE = ("admin: statement", "admin: deal", "admin: securitisation serviced", "admin: securitisation structure",
              "bank: securitisation serviced", "admin: dataip registered", "operator: expo edition",
              "operator: expo exhibitor")


@pytest.mark.parametrize("key", ON_A_PHONE, ids=[key.replace(": ", "-") + "-phone" for key in ON_A_PHONE])
def test_every_control_of_a_signed_in_page_is_reached_by_tab_on_a_phone(
        key: str, signed_in: SignedIn, site: Site) -> None:
    page = open_in(signed_in(key.split(": ", 1)[0], "en"), site.url + site.paths[key], "en", PHONE)
    problems = tab_through(page, limit=600)
    assert not problems, f"{key} (phone):\n" + "\n".join(problems)
