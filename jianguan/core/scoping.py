"""One mechanism decides what a user may read and write, for every selector, API view, HTML view and export.

Rules (issue #2):
- staff read and write their own department's records;
- upper levels read lower levels' records inside their region;
- oversight roles (justice bureau, business-environment and joint-meeting offices) read every
  department's records inside their region;
- registries that are shared directories (entities) are readable across the whole jurisdiction;
- nobody reads another region's non-public records. Out-of-scope objects are 404s, never leaks.

A model opts in by declaring ``scope_rule = ScopeRule(...)`` and using ``ScopedQuerySet``.
The user side is the small ``UserScope`` value, built by the accounts app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q

from jianguan.core.exceptions import NotPermitted, OutOfScope

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"


@dataclass(frozen=True)
class UserScope:
    """What one user may reach: computed once per request from role and department."""

    unrestricted: bool = False
    department_id: int | None = None
    department_level: int | None = None  # 1 province, 2 city, 3 county
    region_prefix: str = ""
    reads_whole_region: bool = False  # oversight roles read every department in the region
    permissions: frozenset[str] = field(default_factory=frozenset)  # "entities.entity:change"

    def can(self, action: str, model: type[models.Model] | models.Model) -> bool:
        return self.can_label(action, model._meta.label_lower)

    def can_label(self, action: str, label: str) -> bool:
        return self.unrestricted or f"{label}:{action}" in self.permissions


ANONYMOUS_SCOPE = UserScope()


class HasScope(Protocol):
    is_authenticated: bool

    @property
    def scope(self) -> UserScope: ...


def scope_of(user: Any) -> UserScope:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS_SCOPE
    return user.scope  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ScopeRule:
    """How a model's rows map to departments and regions.

    owner: path to the owning department ("department"), or "self" for the Department model.
    region: path to a Region foreign key or to its code (e.g. "region__code"), for registries readable
        across a jurisdiction; rows whose code starts with the user's jurisdiction prefix are readable.
    public: rows that anyone, even anonymous, may read (published lists).
    extra_edit: more rows a user may edit (e.g. entities of which their department is competent).
    extra_read: more rows a user may read (e.g. joint plans their department takes part in).
    """

    owner: str | None = "department"
    region: str | None = None
    public: Q | None = None
    all_authenticated_read: bool = False
    extra_edit: Callable[[UserScope], Q] | None = None
    extra_read: Callable[[UserScope], Q] | None = None

    def _owner(self, suffix: str) -> str:
        if self.owner == "self":
            return suffix
        return f"{self.owner}__{suffix}" if suffix != "pk" else f"{self.owner}_id"

    def read_q(self, scope: UserScope) -> Q | None:
        """None means every row; Q() with no match is expressed as pk__in=[]."""
        if scope.unrestricted:
            return None
        q = Q(pk__in=[])
        if self.public is not None:
            q |= self.public
        if scope.department_id is None:
            return q
        if self.all_authenticated_read:
            return None
        if self.owner is not None:
            q |= Q(**{self._owner("pk"): scope.department_id})
            # region__code compiles to the department's own region_id column (no join to Region).
            in_region = {self._owner("region__code__startswith"): scope.region_prefix}
            if scope.reads_whole_region:
                q |= Q(**in_region)
            elif scope.department_level is not None:
                q |= Q(**in_region, **{self._owner("level__gt"): scope.department_level})
        if self.region is not None:
            q |= Q(**{f"{self.region}__startswith": scope.region_prefix})
        if self.extra_read is not None:
            q |= self.extra_read(scope)
        return q

    def edit_q(self, scope: UserScope) -> Q | None:
        if scope.unrestricted:
            return None
        if scope.department_id is None:
            return Q(pk__in=[])
        q = Q(pk__in=[])
        if self.owner is not None:
            q |= Q(**{self._owner("pk"): scope.department_id})
        if self.extra_edit is not None:
            q |= self.extra_edit(scope)
        return q


M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    """QuerySet with visible_to(user) and editable_by(user)."""

    def _rule(self) -> ScopeRule:
        rule = getattr(self.model, "scope_rule", None)
        if not isinstance(rule, ScopeRule):
            raise TypeError(f"{self.model.__name__} has no scope_rule")
        return rule

    def visible_to(self, user: Any) -> ScopedQuerySet[M]:
        scope = scope_of(user)
        rule = self._rule()
        if scope.department_id is not None and not scope.can(VIEW, self.model):
            return self.none()
        q = rule.read_q(scope)
        return self if q is None else self.filter(q)

    def editable_by(self, user: Any, action: str = CHANGE) -> ScopedQuerySet[M]:
        scope = scope_of(user)
        if not scope.can(action, self.model):
            return self.none()
        q = self._rule().edit_q(scope)
        return self if q is None else self.filter(q)


def get_visible(qs: ScopedQuerySet[M], user: Any, **lookup: Any) -> M:
    """The object if the user may see it; otherwise OutOfScope (a 404), with the denial audited."""
    try:
        return qs.visible_to(user).get(**lookup)
    except ObjectDoesNotExist:
        if qs.model._base_manager.filter(**lookup).exists():
            from jianguan.core import audit

            audit.record(
                actor=user,
                action="access.denied",
                target_type=qs.model._meta.label_lower,
                target_id=str(next(iter(lookup.values()), "")),
                after={"reason": "out_of_scope"},
            )
        raise OutOfScope() from None


def ensure_can_edit(obj: models.Model, user: Any, action: str = CHANGE) -> None:
    """Raise NotPermitted (403, audited) unless the user may change this object."""
    manager = type(obj)._default_manager
    qs = manager.all()
    if isinstance(qs, ScopedQuerySet) and qs.editable_by(user, action).filter(pk=obj.pk).exists():
        return
    from jianguan.core import audit

    audit.record(actor=user, action="permission.denied", target=obj, after={"action": action})
    raise NotPermitted()


def ensure_can(user: Any, action: str, model: type[models.Model]) -> None:
    """Raise NotPermitted (403, audited) unless the user's role allows this action on this model."""
    if scope_of(user).can(action, model):
        return
    from jianguan.core import audit

    audit.record(
        actor=user,
        action="permission.denied",
        target_type=model._meta.label_lower,
        after={"action": action},
    )
    raise NotPermitted()
