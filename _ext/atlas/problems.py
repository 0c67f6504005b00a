"""Located, actionable warnings: one per problem, naming file:line, the need id and the fix.

Every check in Atlas reports through :func:`report`, so the build log, ``make check``
and the tests all see one format::

    src/x.md:12: WARNING: DGM-X: field ':published:' is invalid: … Fix: … [atlas.field]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema_rs
from sphinx.util import logging

logger = logging.getLogger("atlas")

Location = tuple[str, int | None] | Any


def report(location: Location, need_id: str | None, problem: str, fix: str, rule: str) -> None:
    """Log one warning (``atlas.<rule>``); ``make check`` turns it into a failure."""
    subject = f"{need_id}: " if need_id else ""
    logger.warning(
        "%s%s. Fix: %s", subject, problem, fix, location=location, type="atlas", subtype=rule
    )


_validators: dict[str, Any] = {}


def schema_errors(schema: Mapping[str, Any], value: Any) -> list[str]:
    """The messages of ``value`` against a field's JSON schema (empty when valid).

    The same schema is given to sphinx-needs, so the directive's check and the
    registry's agree on what a valid value is.
    """
    key = repr(schema)
    if key not in _validators:
        _validators[key] = jsonschema_rs.validator_for(dict(schema), validate_formats=True)
    return [error.message for error in _validators[key].iter_errors(value)]
