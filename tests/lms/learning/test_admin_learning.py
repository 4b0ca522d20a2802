from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from lms.models import ApiToken, CreditRecord, CreditSource
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db


def test_issue_api_token_prints_a_key_that_is_stored_only_as_a_hash(django_user_model):
    user = django_user_model.objects.create_user("host", password="pw-host-123")
    out = StringIO()
    call_command("issue_api_token", "host", name="党校平台", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert len(key) > 30 and token.key_hash == ApiToken.hash(key)
    assert key not in token.key_hash


def test_administrators_can_look_up_the_ledger_and_edit_credit_rules(admin_client):
    cadre = make_cadre(name="李秀英")
    CreditRecord.objects.create(
        cadre=cadre,
        title="睡眠与压力",
        hours=Decimal("1.5"),
        earned_on="2026-03-01",
        source=CreditSource.ONLINE,
    )
    ledger = admin_client.get(reverse("wagtailsnippets_lms_creditrecord:list"))
    assert ledger.status_code == 200
    assert "睡眠与压力" in ledger.content.decode()

    rules = admin_client.get(
        reverse("wagtailsettings:edit", args=("lms", "creditpolicy")), follow=True
    )
    assert rules.status_code == 200
    targets = admin_client.get(reverse("wagtailsnippets_lms_annualtarget:list"))
    assert "县处级及以上" in targets.content.decode()
