"""Forms with a second authorised person: both identities are recorded (two-person rule)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from armstrace.core.factories import RecordForm
from armstrace.core.models import User


class SecondPersonMixin(forms.Form):
    """The second person types their own user name and password at the same terminal."""

    second_username = forms.CharField(label=_("Second authorised person: user name"), required=False)
    second_password = forms.CharField(label=_("Second authorised person: password"), required=False,
                                      widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        name, password = data.get("second_username", ""), data.get("second_password", "")
        self.second_person = None
        if name or password:
            user = User.objects.filter(username=name, is_active=True).first()
            if user is None or not user.check_password(password):
                raise forms.ValidationError(_("The second person's user name or password is wrong."))
            self.second_person = user
        if hasattr(self, "instance"):
            # The model's own validation (run by the form) checks the two-person rule.
            self.instance.second_person = self.second_person
        return data

    def save_kwargs(self) -> dict[str, Any]:
        return {"second_person": self.second_person} if self.second_person else {}


class MovementForm(SecondPersonMixin, RecordForm):
    pass
