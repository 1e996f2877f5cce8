"""Audit actions are a typed enumeration (#19 item 7): the kind of an event or a step, which used to
be spelt into the action's code, is in the entry's detail, and the entries written before say so."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comity.core.choices import AuditAction
from comity.core.models import AuditEntry
from comity.core.services import audit

BEFORE, AFTER = [("core", "0003_audit_detail")], [("core", "0004_audit_actions")]
OLD = ["request.event.sent", "asset.frozen", "asset.valuation", "foreign_order.recognised", "request.create"]


@pytest.mark.django_db(transaction=True)
def test_entries_written_before_keep_their_kind_in_detail():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("core", "AuditEntry")
        for action in OLD:
            old.objects.create(action=action, object_type="cooperation.request", object_id="1")
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("core", "AuditEntry")
        rows = list(new.objects.order_by("pk").values_list("action", "detail"))
        assert rows == [
            ("request.event", {"kind": "sent"}),
            ("asset.step", {"kind": "frozen"}),
            ("asset.valuation", {}),
            ("foreign_order.step", {"kind": "recognised"}),
            ("request.create", {}),
        ]
        assert {action for action, _ in rows} <= set(AuditAction.values)
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)  # and back, for a rollback of the upgrade
        back = executor.loader.project_state(BEFORE).apps.get_model("core", "AuditEntry")
        assert list(back.objects.order_by("pk").values_list("action", flat=True)) == OLD
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_an_action_outside_the_enumeration_is_refused_and_writes_nothing(peru):
    # The column takes any text (so that a new action needs no migration): the service guards it.
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError):
        audit(actor=peru.officer, action="request.teleport", obj=peru.authority)  # type: ignore[arg-type]
    assert AuditEntry.objects.count() == before
    audit(actor=peru.officer, action=AuditAction.AUTHORITY_UPDATE, obj=peru.authority)
    assert AuditEntry.objects.latest("pk").action == "authority.update"
