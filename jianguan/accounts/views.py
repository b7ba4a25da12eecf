from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from jianguan.accounts import services
from jianguan.accounts.forms import LoginForm, TokenForm
from jianguan.accounts.models import ApiToken
from jianguan.core.views import ScopedPage


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class TokenPage(ScopedPage):
    def _render(self, request: Any, form: TokenForm, raw: str | None = None, status: int = 200) -> HttpResponse:
        tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
        return render(request, "accounts/tokens.html",
                      {"title": "API 令牌", "tokens": tokens, "form": form, "raw": raw}, status=status)

    def get(self, request: Any) -> HttpResponse:
        return self._render(request, TokenForm())

    def post(self, request: Any) -> HttpResponse:
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, user=request.user, pk=request.POST["revoke"])
            services.token_revoke(token, by=request.user)
            return redirect("accounts:tokens")
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=422)
        expires = timezone.now() + dt.timedelta(days=form.cleaned_data["days"])
        _, raw = services.token_create(user=request.user, name=form.cleaned_data["name"], expires_at=expires, by=request.user)
        return self._render(request, TokenForm(), raw=raw)


