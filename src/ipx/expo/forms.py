"""Forms of the expo's pages; each hands typed values to one service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ipx.core.forms import AmountField, DayField, ServiceForm
from ipx.core.money import MAX_AMOUNT, Currency
from ipx.expo.inputs import EditionInput
from ipx.expo.models import Event, Exhibit, IpType, Zone


class EditionForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(label=_("Short name"), max_length=60,
                           help_text=_("Lower-case letters, digits and hyphens, e.g. gba-2021; used in addresses."))
    start_date = DayField(label=_("First day"))
    end_date = DayField(label=_("Last day"))
    organisers = forms.CharField(label=_("Organisers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("One a line."))
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    on_site = forms.BooleanField(label=_("Held on site"), required=False, initial=True)
    online = forms.BooleanField(label=_("Held online"), required=False, initial=True)

    def edition_input(self) -> EditionInput:
        data = self.cleaned_data
        return EditionInput(slug=data["slug"], name=data["name"], start_date=data["start_date"],
                            end_date=data["end_date"], organisers=data["organisers"], venue=data["venue"],
                            on_site=data["on_site"], online=data["online"])


class RecordsUploadForm(ServiceForm):
    # Empty files reach the service, which says why it refuses them like any other.
    file = forms.FileField(label=_("Records (CSV)"), allow_empty_file=True,
                           help_text=_("UTF-8 or GBK, with the columns ref, edition, date, kind, ip_type, amount, "
                                       "currency, fx_rate_to_cny, items, start_price, sold, evidence."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt"}))


class HallForm(ServiceForm):
    name = forms.CharField(label=_("Hall"), max_length=200)
    slug = forms.SlugField(label=_("Short name of the hall"), max_length=60, required=False,
                           help_text=_("Left empty, made from the name."))
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)


class ZoneForm(ServiceForm):
    name = forms.CharField(label=_("Zone"), max_length=200)
    slug = forms.SlugField(label=_("Short name of the zone"), max_length=60, required=False,
                           help_text=_("Left empty, made from the name."))
    kind = forms.ChoiceField(label=_("Kind of zone"), choices=Zone.Kind.choices)
    hall_id = forms.TypedChoiceField(label=_("In hall"), coerce=int, required=False, empty_value=None)


class EventForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind of event"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    stream_url = forms.URLField(label=_("Stream link"), required=False, assume_scheme="https")
    hall_id = forms.TypedChoiceField(label=_("Hall of the event"), coerce=int, required=False, empty_value=None)


class RegisterForm(ServiceForm):
    organisation_id = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    online = forms.BooleanField(label=_("Exhibit online"), required=False, initial=True)
    on_site = forms.BooleanField(label=_("Exhibit on site"), required=False)
    introduction = forms.CharField(label=_("Booth introduction"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))


# The operators' forms of an exhibitor and an event; their bounds are the API's, so a page and
# the API refuse the same input, and what the service checks it says itself.

class BoothForm(ServiceForm):
    hall_id = forms.TypedChoiceField(label=_("Hall of the booth"), coerce=int, required=False, empty_value=None)
    booth = forms.CharField(label=_("Booth number"), max_length=20, required=False,
                            help_text=_("E.g. A-12; left empty, the exhibitor has no booth yet."))


class ViewersForm(ServiceForm):
    viewers = forms.IntegerField(label=_("Viewers"), max_value=2**31 - 1,
                                 help_text=_("How many watched the live stream, once it has ended."))


class SigningForm(ServiceForm):
    parties = forms.CharField(label=_("Parties"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One party a line; at least two."))
    subject = forms.CharField(label=_("Subject of the agreement"), max_length=200, required=False)
    ip_type = forms.ChoiceField(label=_("IP type of the agreement"), choices=IpType.choices)
    amount = AmountField(label=_("Intended amount"), max_value=MAX_AMOUNT, max_digits=15, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    fx_rate_to_cny = forms.DecimalField(label=_("Rate to CNY"), required=False, max_digits=14, decimal_places=8,
                                        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                                        help_text=_("Yuan for one unit of the currency on the day of the "
                                                    "ceremony; required unless the amount is in CNY."))


class ExhibitForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind of exhibit"), choices=Exhibit.Kind.choices, initial=Exhibit.Kind.RIGHT,
                             widget=forms.RadioSelect)
    ip_type = forms.ChoiceField(label=_("IP type of the right"), required=False,
                                choices=[("", "—"), *IpType.choices],
                                help_text=_("A right's type; a product has none of its own."))
    listing_id = forms.TypedChoiceField(label=_("Listing shown"), coerce=int, required=False, empty_value=None,
                                        help_text=_("One of the exhibitor's published listings, if any."))
    title = forms.CharField(label=_("Title of the exhibit"), max_length=200, required=False,
                            help_text=_("Left empty, the listing's title."))
    zone_id = forms.TypedChoiceField(label=_("In zone"), coerce=int, required=False, empty_value=None,
                                     help_text=_("Left empty, shown in the exhibitor's booth."))
    # Products only; left empty, none.
    patents = forms.IntegerField(label=_("Patents the product involves"), required=False)
    trademarks = forms.IntegerField(label=_("Trademarks the product involves"), required=False)
    copyrights = forms.IntegerField(label=_("Copyrights the product involves"), required=False)
