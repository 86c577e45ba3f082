"""Registry numbers, checked against the real vectors in shared/data/identifiers."""

from __future__ import annotations

import csv

import pytest
from stdnum.cn import uscc

from ipx.accounts.inputs import DIVISION_PROVINCES, check_uscc
from ipx.catalog import identifiers
from ipx.core.errors import ValidationFailed
from ipx.testing.shared_data import SHARED_DATA

IDENTIFIERS = SHARED_DATA / "identifiers"


def _application_rows() -> list[dict[str, str]]:
    with (IDENTIFIERS / "cn_patent_application_numbers_real.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _valid_usccs() -> list[str]:
    lines = (IDENTIFIERS / "uscc_valid_python_stdnum.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_vector_files_hold_what_the_issue_names() -> None:
    assert len(_application_rows()) == 11
    assert len(_valid_usccs()) == 200


def test_all_200_real_usccs_are_valid() -> None:
    for code in _valid_usccs():
        assert check_uscc(code) == code


@pytest.mark.parametrize(
    ("code", "message_part"),
    [
        ("91110000600037341N", "check character"),
        ("A1110000600037341L", "not allowed"),
        ("9111000060003IOZSV", "not allowed"),
        ("12345", "18 characters"),
    ],
)
def test_the_4_invalid_usccs_are_refused_with_a_reason(code: str, message_part: str) -> None:
    with open(IDENTIFIERS / "uscc_invalid_python_stdnum.tsv", encoding="utf-8") as handle:
        assert code in handle.read()
    with pytest.raises(ValidationFailed) as refused:
        check_uscc(code)
    assert message_part in refused.value.fields["uscc"]


def test_a_code_whose_division_is_in_no_province_is_refused_though_its_check_character_fits() -> None:
    # The real codes' divisions are all in provinces (34: Anhui, 62: Gansu, ...).
    assert {code[2:4] for code in _valid_usccs()} <= DIVISION_PROVINCES
    for division in ("000000", "190300", "400300", "990300"):
        body = f"91{division}MA5F00001"
        with pytest.raises(ValidationFailed) as refused:
            check_uscc(body + uscc.calc_check_digit(body))
        assert "third and fourth digits name no province" in refused.value.fields["uscc"]
    national = "91100000MA5F00001"  # given by a national authority
    assert check_uscc(national + uscc.calc_check_digit(national)).startswith("91100000")


@pytest.mark.parametrize("row", _application_rows(), ids=lambda row: row["application_number"])
def test_real_application_numbers_are_valid(row: dict[str, str]) -> None:
    number = identifiers.parse_cn_application_number(row["application_number"])
    assert str(number) == row["application_number"].removeprefix("CN")
    assert number.check == row["check_digit"]


@pytest.mark.parametrize("row", _application_rows(), ids=lambda row: row["application_number"])
def test_each_changed_check_character_is_refused(row: dict[str, str]) -> None:
    digits, check = row["application_number"].removeprefix("CN").split(".")
    for wrong in "0123456789X":
        if wrong == check:
            continue
        with pytest.raises(ValidationFailed) as refused:
            identifiers.parse_cn_application_number(f"{digits}.{wrong}")
        assert "check character" in refused.value.fields["application_number"]
        assert f"the digits give {check}" in refused.value.fields["application_number"]


@pytest.mark.parametrize("row", _application_rows(), ids=lambda row: row["publication_number"])
def test_real_publication_numbers_parse_with_their_kind(row: dict[str, str]) -> None:
    number, kind = identifiers.parse_cn_publication_number(row["publication_number"])
    assert number == row["publication_number"]
    expected = {"U": "utility_model", "A": "invention", "B": "invention"}[row["publication_number"][-1]]
    assert kind == expected
    assert identifiers.parse_cn_application_number(row["application_number"]).kind == expected


def test_application_number_forms() -> None:
    assert str(identifiers.parse_cn_application_number("ZL 2021 2 1635235.X")) == "202121635235.X"
    assert str(identifiers.parse_cn_application_number("202121635235x")) == "202121635235.X"
    check = identifiers.patent_check_character("98123456")
    old = identifiers.parse_cn_application_number(f"98123456.{check}")
    assert old.year == 1998
    assert old.kind == "invention"


@pytest.mark.parametrize(
    ("value", "message_part"),
    [
        ("2021216352", "not a CN patent application number"),
        ("202141635235.1", "kind digit 4"),
        ("209921635235.1", "filing year 2099"),
        ("hello", "not a CN patent application number"),
    ],
)
def test_malformed_application_numbers(value: str, message_part: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        identifiers.parse_cn_application_number(value)
    assert message_part in refused.value.message


def test_trademark_and_nice_classes() -> None:
    assert identifiers.parse_trademark_number(" 12345678 ") == "12345678"
    assert identifiers.parse_nice_classes("9, 35；42") == [9, 35, 42]
    with pytest.raises(ValidationFailed, match="numbered 1 to 45"):
        identifiers.parse_nice_classes("46")
    with pytest.raises(ValidationFailed, match="1 to 9 digits"):
        identifiers.parse_trademark_number("0123")


def test_copyright_numbers() -> None:
    assert identifiers.parse_software_copyright_number("2020sr0123456") == "2020SR0123456"
    assert identifiers.parse_work_copyright_number("国作登字-2021-F-00012345") == "国作登字-2021-F-00012345"
    with pytest.raises(ValidationFailed, match="2020SR0123456"):
        identifiers.parse_software_copyright_number("2020-0123456")
    with pytest.raises(ValidationFailed):
        identifiers.parse_software_copyright_number("1980SR0123456")


@pytest.mark.django_db
def test_ipc_codes_are_checked_against_the_table() -> None:
    from ipx.catalog.reference import check_ipc_code

    assert check_ipc_code("h04l 29/06") == "H04L29/06"
    assert check_ipc_code("B64U101/30") == "B64U101/30"
    assert check_ipc_code("H04N5/225") == "H04N5/225"  # an earlier edition's group, subclass known
    assert check_ipc_code("C01G") == "C01G"  # from the supplement
    with pytest.raises(ValidationFailed, match="not in the IPC"):
        check_ipc_code("H01Z99/00")
    with pytest.raises(ValidationFailed, match="not an IPC code"):
        check_ipc_code("Z01A")
