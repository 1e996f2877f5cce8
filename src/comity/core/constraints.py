"""Model constraints validated as Django validates them, without a query where the row in hand
decides: `Model.validate_constraints` asks the database about every constraint, one query (and a
savepoint) each, even for a check that only compares the row's own values, or a conditional unique
constraint whose condition the row does not meet. The database enforces every constraint anyway;
this only spares the questions whose answer is already known, and asks Django for the rest."""

import datetime
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP


class Undecided(Exception):
    """The condition uses something this module does not evaluate: the database decides."""


# Values compared in Python as the database compares them (strings only for equality: ordering
# them depends on the database's collation).
ORDERED = (int, Decimal, datetime.date, datetime.datetime)
COMPARISONS = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _concrete_field(model: type[models.Model], name: str) -> models.Field | None:
    """The model's stored, not generated, field of that name."""
    for field in model._meta.concrete_fields:
        if field.name == name:
            return None if getattr(field, "generated", False) else field
    return None


def _value(instance: models.Model, name: str, exclude: Collection[str]) -> Any:
    if name in exclude:
        raise Undecided(name)  # Django skips a constraint on an excluded field
    field = _concrete_field(type(instance), name)
    if field is None or field.model is not type(instance):
        raise Undecided(name)
    value = getattr(instance, field.attname)
    if hasattr(value, "resolve_expression"):
        raise Undecided(name)  # an expression the database computes
    return value


def _lookup(instance: models.Model, key: str, wanted: Any, exclude: Collection[str]) -> bool | None:
    """One `field__lookup=value` of a Q, in SQL's three values (None: NULL)."""
    name, _sep, lookup = key.partition(LOOKUP_SEP)
    lookup = lookup or "exact"
    value = _value(instance, name, exclude)
    if isinstance(wanted, F):
        other = _value(instance, wanted.name, exclude)
    elif hasattr(wanted, "resolve_expression"):
        raise Undecided(key)
    else:
        other = wanted
    if lookup == "isnull" and isinstance(wanted, bool):
        return (value is None) == wanted
    if lookup == "exact" and other is None and not isinstance(wanted, F):
        return value is None  # Django reads `field=None` as IS NULL
    if value is None or other is None:
        return None
    if type(value) is not type(other):
        raise Undecided(key)  # the database might convert one to the other
    if lookup == "exact" and isinstance(value, str | bool | int | Decimal | datetime.date):
        return value == other
    if lookup in COMPARISONS and isinstance(value, ORDERED) and not isinstance(value, bool):
        return COMPARISONS[lookup](value, other)
    raise Undecided(key)


def evaluate(condition: Q, instance: models.Model, exclude: Collection[str] = ()) -> bool | None:
    """A constraint's condition on the row in hand, as SQL evaluates it: True, False, or None for
    NULL; `Undecided` when it uses anything but exact, isnull and comparisons of the model's own
    fields with constants or with each other."""
    results: list[bool | None] = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(evaluate(child, instance, exclude))
        elif isinstance(child, tuple) and len(child) == 2:
            results.append(_lookup(instance, child[0], child[1], exclude))
        else:
            raise Undecided(repr(child))
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        result = True if True in results else None if None in results else False
    else:
        raise Undecided(condition.connector)
    if condition.negated:
        return None if result is None else not result
    return result


def _clashes(
    constraint: models.UniqueConstraint, model: type[models.Model], instance: models.Model, using: str
) -> bool | None:
    """Whether another row clashes with the row in hand under a conditional unique constraint
    whose condition the row meets, by one plain query; None when Django's own validation must
    decide (expressions, generated fields, NULLs not distinct)."""
    if constraint.expressions or constraint.nulls_distinct is False:
        return None
    lookups = {}
    for name in constraint.fields:
        field = _concrete_field(model, name)
        if field is None:
            return None
        value = getattr(instance, field.attname)
        if value is None or (value == "" and connections[using].features.interprets_empty_strings_as_nulls):
            return False  # NULL equals nothing: no clash (as Django says)
        lookups[name] = value
    others = model._default_manager.using(using).filter(**lookups)
    pk = instance._get_pk_val(model._meta)
    if not instance._state.adding and pk is not None:
        others = others.exclude(pk=pk)
    return others.filter(constraint.condition).exists()


def _validate(
    constraint: models.BaseConstraint,
    model: type[models.Model],
    instance: models.Model,
    exclude: Collection[str] | None,
    using: str,
) -> None:
    excluded = set(exclude or ())
    try:
        if isinstance(constraint, models.CheckConstraint):
            # NULL passes a CHECK; Django's own check says so where it coalesces (SQLite, PostgreSQL).
            result = evaluate(Q(constraint.condition), instance, excluded)
            if result is True or (
                result is None and connections[using].features.supports_comparing_boolean_expr
            ):
                return
        elif isinstance(constraint, models.UniqueConstraint) and constraint.condition is not None:
            if any(name in excluded for name in constraint.fields):
                raise Undecided("excluded")
            meets = evaluate(constraint.condition, instance, excluded)
            # A row outside the condition is outside the partial index: it clashes with nothing.
            if meets is False or (meets is True and _clashes(constraint, model, instance, using) is False):
                return
    except Undecided:
        pass
    # Not decided here, or broken: Django validates it and words the error, as it always did.
    constraint.validate(model, instance, exclude=exclude, using=using)  # type: ignore[attr-defined]


def validate_constraints(instance: models.Model, exclude: Collection[str] | None = None) -> None:
    """`Model.validate_constraints`, the same errors gathered the same way, asking the database
    only what the row in hand does not decide."""
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict[str, list[ValidationError]] = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                _validate(constraint, model_class, instance, exclude, using)
            except ValidationError as error:
                fields: tuple[str, ...] = tuple(getattr(constraint, "fields", ()))
                if getattr(error, "code", None) == "unique" and len(fields) == 1:
                    errors.setdefault(fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
