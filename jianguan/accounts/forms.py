from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone


class LoginForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            locked = getattr(self.request, "login_locked_until", None)
            if locked is not None:
                until = timezone.localtime(locked).strftime("%H:%M")
                raise forms.ValidationError(f"连续登录失败次数过多，账户已锁定至 {until}，请稍后再试", code="locked") from None
            raise forms.ValidationError("用户名或密码错误", code="invalid_login") from None


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=80)
    days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=365, initial=90)
