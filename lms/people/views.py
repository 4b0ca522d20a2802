"""Account pages on the site: signing in, changing one's own password."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lms.people.passwords import SESSION_FLAG, password_changed_by_owner
from lms.people.roles import landing_url


class LoginView(auth_views.LoginView):
    """The site's sign-in; without a `next`, each role lands where its work is."""

    template_name = "theme/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, new one twice, the validators), in the
    site's theme; it also ends a required change (lms.people.passwords)."""

    template_name = "theme/password_change.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "next": self.request.GET.get("next", ""),
            "required": bool(self.request.session.get(SESSION_FLAG)),
        }

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed_by_owner(form.user)
        self.request.session.pop(SESSION_FLAG, None)
        messages.success(self.request, _("Your password has been changed."))
        return response

    def get_success_url(self):
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return landing_url(self.request.user)
