"""Reading the demo's copies of the real data sets (no database)."""

from __future__ import annotations

from collections import Counter

from stdnum.cn import uscc

from ipx.accounts.models import Organisation
from ipx.accounts.regions import RegionKind
from ipx.demo import sources
from ipx.demo.organisations import CNIPA_HOLDER_KEY, ORGANISATIONS, assign_usccs, spec
from ipx.demo.patents import assign_holders, patent_records
from ipx.demo.sources import PatentRecord, merge_ipc, split_pages


def test_the_page_header_at_the_end_of_the_claims_is_cut_off() -> None:
    claims = "1.一种开采方法。\n2.根据权利要求1所述的方法。CN112774704A说明书1/4页"

    assert split_pages(claims) == ("1.一种开采方法。\n2.根据权利要求1所述的方法。", "")


def test_claims_pages_are_kept_and_the_description_after_them_dropped() -> None:
    claims = ("1.一种装置，包括底座CN113914863A权利要求书2/2页和支架。"
              "CN113914863A说明书1/4页[0001]本发明涉及采矿。")

    lead, more = split_pages(claims)

    assert lead + more == "1.一种装置，包括底座和支架。"


def test_an_abstract_that_runs_on_into_the_claims_gives_both() -> None:
    abstract = ("本发明公开了一种掏槽方法。CN108151594A权利要求书1/2页1.一种掏槽方法，包括步骤1"
                "CN108151594A权利要求书2/2页和步骤2。CN108151594A说明书1/4页技术领域")

    assert split_pages(abstract) == ("本发明公开了一种掏槽方法。", "1.一种掏槽方法，包括步骤1和步骤2。")


def test_full_text_documents_keep_their_real_number_and_lose_every_page_header() -> None:
    records = list(sources.read_kppatent())

    assert len(records) == 667
    numbers = [record.data["publication_number"] for record in records]
    assert len(set(numbers)) == 667
    assert all(sources.PUBLICATION_NUMBER_RE.fullmatch(number) for number in numbers)
    for record in records:
        assert not sources.PUBLICATION_NUMBER_RE.search(record.data["claims"] + record.data["abstract"])
        assert record.data["claims"]
    first = records[0]
    assert first.data["publication_number"] == "CN113914863A"
    assert first.data["claims"].endswith("采用麻袋装填充填料浆将间柱联络道(5)封堵。")
    assert first.data["legal_status"] == "pending"  # an A document is a published application


def test_title_rows_carry_their_ipc_subclasses_and_grants_their_grant_number() -> None:
    rows = list(sources.read_titles_ipc())

    assert len(rows) == 2435
    assert rows[0].data == {
        "title": "一种水电站高压输电线路驱鸟保护装置", "publication_number": "CN114081026A",
        "grant_number": "", "ipc_codes": ["A01M", "G06F", "H02G"], "legal_status": "pending",
    }
    utility_model = next(row for row in rows if row.data["publication_number"].endswith("U"))
    assert utility_model.data["grant_number"] == utility_model.data["publication_number"]
    assert utility_model.data["legal_status"] == "in_force"


def test_cnipa_records_are_complete() -> None:
    records = list(sources.read_cnipa())

    assert len(records) == 10
    assert sources.cnipa_applicant() == "中科大数据研究院"
    granted = records[0].data
    assert (granted["application_number"], granted["publication_number"], granted["grant_date"]) == (
        "CN202223220665.2", "CN218751475U", "20230328")
    pending = next(r.data for r in records if r.data["publication_number"] == "CN116245100A")
    assert (pending["grant_date"], pending["legal_status"]) == ("", "审中-实质审查")


def test_a_document_in_both_sets_is_loaded_once_with_the_rows_ipc_codes() -> None:
    document = PatentRecord("kppatent", "test9", {"publication_number": "CN1A", "title": "甲"})
    row = PatentRecord("titles-ipc", "row 2", {"publication_number": "CN1A", "ipc_codes": ["A01B"]})
    other = PatentRecord("titles-ipc", "row 3", {"publication_number": "CN2U", "ipc_codes": ["B65G"]})
    full_text = [document]

    assert merge_ipc(full_text, [row, other]) == [other]
    assert full_text[0].data == {"publication_number": "CN1A", "title": "甲", "ipc_codes": ["A01B"]}


def test_every_mainland_organisation_gets_its_own_valid_code() -> None:
    codes = assign_usccs(ORGANISATIONS, sources.read_usccs())

    mainland = [org.key for org in ORGANISATIONS if org.needs_uscc]
    assert sorted(codes) == sorted(mainland)
    assert len(set(codes.values())) == len(codes)
    assert all(uscc.is_valid(code) for code in codes.values())
    # Where the sample has a code from the organisation's province, it gets that one.
    assert codes["owner"][2:4] == spec("owner").province == "44"
    assert codes[CNIPA_HOLDER_KEY][2:4] == "41"
    assert codes == assign_usccs(ORGANISATIONS, sources.read_usccs())


def test_holders_are_chosen_by_ipc_section_and_the_same_every_time() -> None:
    records = patent_records()

    holders = assign_holders(records)

    assert holders == assign_holders(records)
    by_key = {org.key: org for org in ORGANISATIONS}
    for record, key in zip(records, holders, strict=True):
        if record.source == "cnipa":
            assert key == CNIPA_HOLDER_KEY
        elif record.ipc_section:
            assert record.ipc_section in by_key[key].ipc_sections
    shares = Counter(holders)
    assert set(shares) == {org.key for org in ORGANISATIONS if org.holds_patents} | {CNIPA_HOLDER_KEY}
    assert shares["university"] > shares["inventor-fs"]  # weights: a university holds more


def test_the_organisations_cover_every_kind_and_region() -> None:
    assert {org.kind for org in ORGANISATIONS} == set(Organisation.Kind.values)
    assert {org.region_kind for org in ORGANISATIONS} == set(RegionKind.values)
    assert len({org.key for org in ORGANISATIONS}) == len(ORGANISATIONS)
