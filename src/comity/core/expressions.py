"""Database expressions shared by the apps, on both SQLite and PostgreSQL."""

from typing import Any

from django.db.models import Aggregate, CharField


class JoinedCodes(Aggregate):
    """A group's codes joined by "," (in no particular order): GROUP_CONCAT on SQLite,
    STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)
