"""What people give to join IPX, register or edit an organisation or invite a colleague (an API
token's: ``accounts.tokens``): typed, frozen values, checked once.

Each ``parse`` is the one place that turns what a page form or the API received into the
value a service takes, and raises one ``ValidationFailed`` naming every bad field, so a form
shows all of them at once. An e-mail address or a Unified Social Credit Code registered on
IPX already is one of those problems. ``OrganisationValues`` carries an organisation's fields
as given (all for a new one, those an edit changes); ``OrganisationInput.parse_change``
checks an edit against the organisation as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from ipx.accounts.models import Membership, Organisation, User
from ipx.accounts.regions import Province, RegionKind, is_country_code
from ipx.core.errors import ValidationFailed
from ipx.core.inputs import UNSET, Unset, as_text, given_fields
from ipx.core.validation import FieldErrors, clean_choice, clean_email, clean_text, clean_url

LANGUAGES = ("en", "zh-hans", "zh-hant")
# Fields that identify the legal body; once verified, only the operator changes them.
IDENTITY_FIELDS = ("name", "kind", "region_kind", "province", "country", "uscc")


# --- People ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class UserInput:
    """A person signing up."""

    email: str
    password: str = field(repr=False)
    full_name: str
    preferred_language: str = "en"

    @classmethod
    def read(cls, *, email: object, password: object, full_name: object, preferred_language: object,
             errors: FieldErrors) -> UserInput:
        """The person's details; each problem goes to ``errors``."""
        clean_mail = clean_email(email, field="email", errors=errors)
        name = clean_text(full_name, field="full_name", errors=errors, max_length=150, label=_("Full name"))
        language = str(preferred_language or "en")
        if language not in LANGUAGES:
            errors.add("preferred_language", _("Choose English, Simplified or Traditional Chinese."))
        # Whether the address has an account is not a field error: sign-up answers the same
        # either way (``services.user_sign_up``), so that it does not tell who is a member.
        secret = "" if password is None else str(password)
        try:
            validate_password(secret, User(email=clean_mail, full_name=name))
        except ValidationError as exc:
            errors.add("password", " ".join(exc.messages))
        return cls(email=clean_mail, password=secret, full_name=name, preferred_language=language)

    @classmethod
    def parse(cls, *, email: object, password: object, full_name: object,
              preferred_language: object = "en") -> UserInput:
        errors = FieldErrors()
        person = cls.read(email=email, password=password, full_name=full_name,
                          preferred_language=preferred_language, errors=errors)
        errors.raise_if_any()
        return person


# --- Organisations ---------------------------------------------------------------------------

# GB 32100-2015 puts the administrative division (GB/T 2260) where the code was given in its
# third to eighth characters; the first two of those are a province's code, or 10 for the
# national authorities. A code keeps its division for life, wherever the organisation moves,
# so it is not compared with the organisation's province.
DIVISION_PROVINCES = frozenset({*Province.values, "10"})


def check_uscc(value: str, *, field: str = "uscc") -> str:
    """A Unified Social Credit Code, checked with python-stdnum (GB 32100-2015: length,
    characters, check character) and for a division in a province."""
    try:
        code = str(uscc_number.validate(value))
        if code[2:4] in DIVISION_PROVINCES:
            return code
        message = _("The Unified Social Credit Code's third and fourth digits name no province of the mainland; "
                    "check for a typing error.")
    except InvalidLength:
        message = _("A Unified Social Credit Code has 18 characters.")
    except InvalidChecksum:
        message = _("The Unified Social Credit Code's check character is wrong; check for a typing error.")
    except InvalidFormat:
        message = _("The Unified Social Credit Code has characters that are not allowed.")
    except StdnumError:
        message = _("This is not a valid Unified Social Credit Code.")
    raise ValidationFailed.for_field(field, message)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationValues:
    """An organisation's fields as given, not yet checked; UNSET for those not given."""

    name: str | Unset = UNSET
    name_en: str | Unset = UNSET
    kind: str | Unset = UNSET
    region_kind: str | Unset = UNSET
    province: str | Unset = UNSET
    city: str | Unset = UNSET
    country: str | Unset = UNSET
    uscc: str | Unset = UNSET
    website: str | Unset = UNSET
    description: str | Unset = UNSET

    @classmethod
    def read(cls, values: Mapping[str, object]) -> OrganisationValues:
        """The fields present in ``values`` (a form's cleaned data, an API body) as text;
        other names are ignored."""

        def given(name: str) -> str | Unset:
            return as_text(values[name]) if name in values else UNSET

        return cls(name=given("name"), name_en=given("name_en"), kind=given("kind"),
                   region_kind=given("region_kind"), province=given("province"), city=given("city"),
                   country=given("country"), uscc=given("uscc"), website=given("website"),
                   description=given("description"))

    def given(self) -> dict[str, object]:
        return given_fields(self)


def _region(values: Mapping[str, object], region_kind: str, errors: FieldErrors) -> tuple[str, str]:
    """The province of a mainland body or the country of an overseas one; none for the others."""
    province = str(values.get("province") or "").strip()
    country = str(values.get("country") or "").strip().upper()
    if region_kind == RegionKind.MAINLAND:
        if province not in Province.values:
            errors.add("province", _("Choose the province of a mainland organisation."))
        return province, ""
    if region_kind == RegionKind.OVERSEAS:
        if not is_country_code(country):
            errors.add("country", _("Choose the country of an overseas organisation (ISO code such as DE)."))
        return "", country
    return "", ""


def _uscc(values: Mapping[str, object], kind: str, region_kind: str, errors: FieldErrors,
          current: Organisation | None) -> str | None:
    raw = str(values.get("uscc") or "").strip().upper().replace(" ", "").replace("-", "")
    if raw and region_kind and region_kind != RegionKind.MAINLAND:
        errors.add("uscc", _("Only mainland organisations have a Unified Social Credit Code; leave it empty."))
    elif raw:
        try:
            uscc = check_uscc(raw)
        except ValidationFailed as exc:
            errors.collect(exc)
            return None
        taken = Organisation.objects.filter(uscc=uscc)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            errors.add("uscc", _("An organisation with this Unified Social Credit Code is already registered."))
        return uscc
    elif region_kind == RegionKind.MAINLAND and kind != Organisation.Kind.INDIVIDUAL:
        errors.add("uscc", _("Mainland organisations must give their Unified Social Credit Code."))
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationInput:
    """An organisation's checked details, as its row stores them."""

    name: str
    name_en: str = ""
    kind: str
    region_kind: str
    province: str = ""
    city: str = ""
    country: str = ""
    uscc: str | None = None
    website: str = ""
    description: str = ""

    def columns(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def read(cls, values: Mapping[str, object], *, errors: FieldErrors,
             current: Organisation | None = None) -> OrganisationInput:
        """The details in ``values`` (by field name); each problem goes to ``errors``.
        ``current`` is the organisation being edited, whose own code is not a clash."""
        name = clean_text(values.get("name"), field="name", errors=errors, max_length=200, label=_("Name"))
        name_en = clean_text(values.get("name_en"), field="name_en", errors=errors, required=False,
                             max_length=200)
        kind = clean_choice(values.get("kind"), Organisation.Kind, field="kind", errors=errors)
        region_kind = clean_choice(values.get("region_kind"), RegionKind, field="region_kind", errors=errors)
        city = clean_text(values.get("city"), field="city", errors=errors, required=False, max_length=100)
        province, country = _region(values, region_kind, errors)
        return cls(
            name=name, name_en=name_en, kind=kind, region_kind=region_kind, province=province, city=city,
            country=country, uscc=_uscc(values, kind, region_kind, errors, current),
            website=clean_url(values.get("website"), field="website", errors=errors),
            description=clean_text(values.get("description"), field="description", errors=errors,
                                   required=False, max_length=5000),
        )

    @classmethod
    def parse(cls, values: OrganisationValues) -> OrganisationInput:
        """A new organisation."""
        errors = FieldErrors()
        organisation = cls.read(values.given(), errors=errors)
        errors.raise_if_any()
        return organisation

    @classmethod
    def parse_change(cls, organisation: Organisation, changes: OrganisationValues) -> OrganisationInput:
        """``organisation`` as it would be after ``changes``, checked as a whole; fields the
        changes leave out keep their values. A verified body's identity stays as verified."""
        given = changes.given()
        current = {name: getattr(organisation, name) for name in (f.name for f in fields(cls))}
        errors = FieldErrors()
        edited = cls.read(current | given, errors=errors, current=organisation)
        if organisation.is_verified:
            for name in IDENTITY_FIELDS:
                if name in given and getattr(edited, name) != current[name]:
                    errors.add(name, _("This detail was verified; ask the operator to change it."))
        errors.raise_if_any()
        return edited


@dataclass(frozen=True, slots=True)
class RegistrationInput:
    """Sign-up of a person together with their organisation."""

    user: UserInput
    organisation: OrganisationInput

    @classmethod
    def parse(cls, *, email: object, password: object, full_name: object, preferred_language: object,
              organisation: OrganisationValues) -> RegistrationInput:
        """Both checked together: every bad field of either is named at once."""
        errors = FieldErrors()
        person = UserInput.read(email=email, password=password, full_name=full_name,
                                preferred_language=preferred_language, errors=errors)
        body = OrganisationInput.read(organisation.given(), errors=errors)
        errors.raise_if_any()
        return cls(user=person, organisation=body)


# --- Invitations ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class InvitationInput:
    email: str
    role: str

    @classmethod
    def parse(cls, *, email: object, role: object) -> InvitationInput:
        errors = FieldErrors()
        invitation = cls(email=clean_email(email, field="email", errors=errors),
                         role=clean_choice(role, Membership.Role, field="role", errors=errors))
        errors.raise_if_any()
        return invitation
