from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from registers.models import Share
from tests import factories as f


@pytest.mark.smoke
def test_a_work_with_two_authors_is_registered_with_shares_summing_to_100(personas):
    work = f.make_work(
        personas.holder,
        (personas.holder_party, "CA", {"PR": Decimal("50"), "MR": Decimal("50")}),
        (personas.other_party, "A", {"PR": Decimal("50"), "MR": Decimal("50")}),
        title="Менің елім",
    )
    assert work.shares.count() == 4
    assert "menin elim" in work.__class__.objects.get(pk=work.pk).search_text


@pytest.mark.smoke
def test_the_database_refuses_shares_that_do_not_sum_to_100(personas):
    work = f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}))
    with pytest.raises(IntegrityError), transaction.atomic():
        Share.objects.filter(work=work).update(percent=Decimal("90"))
        with transaction.get_connection().cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
