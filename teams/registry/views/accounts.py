"""A volunteer's account on their phone: the invitation link and the reset by SMS code.

After either, the volunteer is signed in on that phone for SESSION_COOKIE_AGE, long
enough for a campaign, and lands on their shifts. Both pages are limited per client
address, and so are wrong links and codes (lib.ratelimit.link_page).
"""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lib.client_address import client_ip
from lib.ratelimit import count_wrong_link, link_page
from notifications.phones import InvalidPhone, normalise_mobile
from teams.registry.accounts import (
    TooManyRequests,
    forget_reset_code,
    send_reset_code,
    user_for_activation,
    user_for_reset_code,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"


class PhoneField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return normalise_mobile(value).e164
        except InvalidPhone as error:
            raise forms.ValidationError(str(error), code="invalid_phone") from None


class ResetRequestForm(forms.Form):
    phone = PhoneField(label=gettext_lazy("Phone number"), max_length=30)


class ResetCodeForm(forms.Form):
    phone = PhoneField(label=gettext_lazy("Phone number"), max_length=30)
    code = forms.RegexField(
        label=gettext_lazy("Code from the SMS"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": gettext_lazy("The code has 6 digits.")},
    )


def too_many_requests(request):
    return render(request, "teams/account_too_many.html", status=429)


def sign_in(request, user):
    login(request, user, backend=BACKEND)
    return redirect("teams:my_shifts")


@require_http_methods(["GET", "POST"])
@link_page("account-activate")
def account_activate(request, uidb64: str, token: str):
    """The page behind the invitation SMS: set a password, and be signed in."""
    user = user_for_activation(uidb64, token)
    if user is None:
        count_wrong_link(request)
        return render(request, "teams/account_link_invalid.html", status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return sign_in(request, form.save())
    return render(request, "teams/account_activate.html", {"form": form})


@require_http_methods(["GET", "POST"])
def account_reset(request):
    """Ask for a code by SMS; the answer is the same whether the number is known or not."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            send_reset_code(phone, client_ip(request))
        except TooManyRequests:
            return too_many_requests(request)
        query = urlencode({"phone": phone})
        return redirect(f"{reverse('teams:account_reset_code')}?{query}")
    return render(request, "teams/account_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
@link_page("account-reset-code")
def account_reset_code(request):
    """The code from the SMS and a new password; a wrong code uses up one try."""
    if request.method == "GET":
        form = ResetCodeForm(initial={"phone": request.GET.get("phone", "")})
        return render(
            request,
            "teams/account_reset_code.html",
            {"form": form, "password_form": SetPasswordForm(None)},
        )
    form = ResetCodeForm(request.POST)
    password_form = SetPasswordForm(None)
    if form.is_valid():
        phone = form.cleaned_data["phone"]
        user = user_for_reset_code(phone, form.cleaned_data["code"])
        if user is None:
            count_wrong_link(request)
            form.add_error("code", _("This code is wrong or has expired. Ask for a new one."))
        else:
            password_form = SetPasswordForm(user, request.POST)
            if password_form.is_valid():
                forget_reset_code(phone)
                return sign_in(request, password_form.save())
    return render(
        request,
        "teams/account_reset_code.html",
        {"form": form, "password_form": password_form},
    )
