"""Member pages: sign-up, log-in, the organisation's details, its verification and
invitations (API tokens: ``accounts.token_pages``). Thin: a form, one service, a redirect."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipx.accounts import notices, selectors, services
from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.current import choose_organisation, current_membership
from ipx.accounts.forms import (
    InvitationForm,
    LoginForm,
    OrganisationFields,
    RegistrationForm,
    RejectionForm,
)
from ipx.accounts.inputs import LANGUAGES
from ipx.accounts.models import Organisation
from ipx.accounts.passwords.views import SIGNED_UP_EMAIL
from ipx.accounts.security import lockout
from ipx.accounts.workflow import ORGANISATION
from ipx.core.errors import ApplicationError, NotFound, PermissionDenied
from ipx.core.ids import parse_id
from ipx.core.redirects import local_url


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Sign-up of a person together with their organisation."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in LANGUAGES else "en"
            registration = form.registration(preferred_language=language)
            services.registration_submit(registration=registration)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            # The same answer whether the address was new (an account and a confirmation link)
            # or had an account already (a mail to its owner): nobody is signed in by it.
            request.session[SIGNED_UP_EMAIL] = registration.user.email
            return redirect("accounts:registered")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["email"].lower(),
                            password=form.cleaned_data["password"])
        if user is None and lockout.refused(request):
            return lockout.refusal_response(request)
        if user is None:
            # One message for an unknown address and a wrong password.
            form.add_error(None, _("The e-mail address or password is wrong."))
        else:
            login(request, user)
            return redirect(local_url(request, next_url, reverse("web:my_organisation")))
    return render(request, "accounts/login.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:home")


@login_required
@require_POST
def choose(request: AuthenticatedRequest) -> HttpResponse:
    organisation_id = parse_id(request.POST.get("organisation_id"))
    if organisation_id is None or not choose_organisation(request, organisation_id):
        messages.error(request, _("You are not a member of that organisation."))
    return redirect(local_url(request, request.POST.get("next"), reverse("web:my_organisation")))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedRequest) -> HttpResponse:
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    organisation = current.organisation
    allowed = ORGANISATION.allowed_actions(organisation, request.user)
    initial = {name: getattr(organisation, name) or "" for name in OrganisationFields.base_fields}
    form = OrganisationFields(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(organisation_id=organisation.pk, actor=request.user,
                                         changes=form.organisation_values(changed_from=initial))
            # The button is shown only when resubmitting is allowed; a stale one is ignored.
            if request.POST.get("resubmit") and "resubmit" in allowed:
                services.organisation_resubmit(organisation_id=organisation.pk, actor=request.user)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:my_organisation")
    return render(request, "accounts/organisation_edit.html",
                  {"form": form, "organisation": organisation, "allowed_actions": allowed},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def verification_queue(request: AuthenticatedRequest) -> HttpResponse:
    """Organisations awaiting the operator, oldest first."""
    if not request.user.is_operator:
        raise PermissionDenied(_("Only operators may see the verification queue."))
    page = Paginator(selectors.organisations_awaiting_verification(), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/verification_queue.html", {"page": page})


@login_required
@require_GET
def organisation(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """An organisation's verification: its status, its history and the steps the user may
    take now (operators verify or reject, administrators resubmit)."""
    found = selectors.organisation_for_review(request.user, organisation_id)
    return _organisation_page(request, found, RejectionForm())


def _organisation_page(request: AuthenticatedRequest, organisation: Organisation, rejection: RejectionForm,
                       status: int = 200) -> HttpResponse:
    return render(request, "accounts/organisation.html", {
        "organisation": organisation,
        "allowed_actions": ORGANISATION.allowed_actions(organisation, request.user),
        "history": notices.history(selectors.organisation_events(organisation)[:50]),
        "rejection": rejection,
    }, status=status)


def _verify(request: AuthenticatedRequest, organisation_id: int) -> Organisation:
    return services.organisation_verify(organisation_id=organisation_id, operator=request.user)


def _resubmit(request: AuthenticatedRequest, organisation_id: int) -> Organisation:
    return services.organisation_resubmit(organisation_id=organisation_id, actor=request.user)


_STEPS: dict[str, tuple[Callable[[AuthenticatedRequest, int], Organisation], Promise]] = {
    "verify": (_verify, gettext_lazy("Verified")),
    "resubmit": (_resubmit, gettext_lazy("Resubmitted for verification")),
}


@login_required
@require_POST
def organisation_action(request: AuthenticatedRequest, organisation_id: int, name: str) -> HttpResponse:
    """One step of the verification; the service decides, a refusal is shown on the page."""
    found = selectors.organisation_for_review(request.user, organisation_id)
    if name == "reject":
        form = RejectionForm(request.POST)
        try:
            # The service checks who rejects before the reason; its refusal lands on the form.
            services.organisation_reject(organisation_id=found.pk, operator=request.user,
                                         reason=request.POST.get("reason", ""))
        except ApplicationError as exc:
            if not exc.fields:  # not theirs to do (now): said above the page, as for the other steps
                messages.error(request, exc.message)
                return redirect("accounts:organisation", found.pk)
            form.add_service_error(exc)
            return _organisation_page(request, found, form, status=exc.status)
        messages.success(request, _("Rejected"))
        return redirect("accounts:organisation", found.pk)
    if name not in _STEPS:
        raise NotFound(_("Unknown action."))
    run, done = _STEPS[name]
    try:
        run(request, found.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
    return redirect("accounts:organisation", found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedRequest) -> HttpResponse:
    current, _memberships = current_membership(request)
    if current is None:
        return redirect("web:my_organisation")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(organisation_id=current.organisation_id, inviter=request.user,
                                       invitation=form.invitation())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("web:my_organisation")
    return render(request, "accounts/invite.html", {"form": form, "organisation": current.organisation},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: AuthenticatedRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            choose_organisation(request, membership.organisation_id)
            messages.success(request, _("You joined %(name)s.") % {"name": membership.organisation.name})
            return redirect("web:my_organisation")
    return render(request, "accounts/accept_invitation.html", {"token": token})
