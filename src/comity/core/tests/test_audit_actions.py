"""Audit actions are a typed enumeration (#19 item 7): the kind of an event or a step, which used to
be spelt into the action's code, is in the entry's detail, and the entries written before say so."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comity.core.choices import AuditAction

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
