"""The Atlas data model, declared once: need types, their fields and their typed links.

Everything else reads this module: the directives take their options and required
fields from it, the validators their JSON schemas and fix hints, and sphinx-needs its
``needs_types`` / ``needs_fields`` / ``needs_links`` (see :func:`needs_settings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .quantities import QUALIFIERS, VALUE_PATTERN

DATE = {"type": "string", "format": "date"}
UTC_DATETIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$",
}
# An incident's start when its sources give the day but no time of day.
UTC_DATETIME_OR_DATE = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z)?$",
}
DURATION = {"type": "string", "minLength": 2, "pattern": r"^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$"}
LEVEL = {"type": "string", "enum": ["A", "B", "C"]}
VERDICT = {"type": "string", "enum": ["pass", "fail"]}
GATE_STATUS = {"type": "string", "enum": ["pass", "fail", "pending"]}

SOURCE_KINDS = ["postmortem", "blog", "talk", "docs", "paper", "code", "filing"]
#: Kinds of source that may show no publication date: their accessed date dates them.
UNDATED_SOURCE_KINDS = ("docs", "code")
DIAGRAM_KINDS = [
    "architecture",
    "request-flow",
    "storage",
    "failure-domains",
    "scale-evolution",
    "cost",
    "novel-solutions",
    "operations",
    "incident",
    "debugging",
    "pattern",
    "migration",
    "performance",
    "capacity",
    "comparison",
]
INCIDENT_CATEGORIES = [
    "cascading-failure",
    "database-overload",
    "cache-stampede",
    "distributed-lock",
    "network-partition",
    "memory-leak",
    "dns",
    "load-balancer",
    "queue-backlog",
    "regional-failure",
    "config-change",
    "capacity",
    "dependency-failure",
    "security",
]
#: What set an incident off (the explorer's "trigger kind" facet).
TRIGGER_KINDS = [
    "config-change",
    "deploy",
    "human-command",
    "capacity",
    "hardware",
    "dependency",
    "security",
    "software-bug",
]
#: Where a symptom shows up: the areas of the "What are you seeing?" index.
AREAS = ["service-latency", "data", "runtime-infrastructure", "network", "security"]
#: Diagrams of a failure that must name the signal a responder sees (3 AM test).
SIGNAL_DIAGRAM_KINDS = ("failure-domains", "operations", "incident")
#: The eight diagrams every system must have.
MANDATORY_DIAGRAM_KINDS = DIAGRAM_KINDS[:8]


#: The four quality gates' need fields and how they read.
GATE_FIELDS = (
    ("gate_reality", "production reality"),
    ("gate_visual", "visual consistency"),
    ("gate_learning", "learning efficiency"),
    ("gate_3am", "3 AM test"),
)


@dataclass(frozen=True)
class FieldSpec:
    """One need field: its JSON schema (shared with sphinx-needs) and how to fix a bad value."""

    name: str
    label: str
    schema: Mapping[str, Any]
    hint: str
    flag: bool = False
    #: Set by the build (the quality gates), never written by an author.
    computed: bool = False


@dataclass(frozen=True)
class LinkSpec:
    """One typed link: which need types it may point to, and its labels both ways."""

    name: str
    outgoing: str
    incoming: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class NeedKind:
    """One need type: its directive, id prefix, fields and links."""

    directive: str
    title: str
    prefix: str
    color: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    required_links: tuple[str, ...] = ()
    optional_links: tuple[str, ...] = ()
    #: Field-schema narrowings for this type only (e.g. the enum of ``kind``).
    narrowed: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def links(self) -> tuple[str, ...]:
        return self.required_links + self.optional_links

    def schema(self, name: str) -> Mapping[str, Any]:
        return self.narrowed.get(name, FIELDS[name].schema)


def _text(name: str, label: str, hint: str = "") -> FieldSpec:
    return FieldSpec(name, label, {"type": "string", "minLength": 1}, hint or f"give the {label}")


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec(
            "url",
            "URL",
            {"type": "string", "pattern": r"^https?://[^\s<>\"'`]+$"},
            "give the http:// or https:// address of the document",
        ),
        _text("publisher", "publisher", "name the organisation that published it, e.g. Discord"),
        FieldSpec("published", "published", DATE, "write the date as YYYY-MM-DD"),
        # Said instead of ``published`` when the copy read shows no date: never guess one.
        _text(
            "published_unknown",
            "publication date not shown",
            "say that the copy read shows no date and what the text itself dates",
        ),
        FieldSpec("accessed", "accessed", DATE, "write the date you read it as YYYY-MM-DD"),
        FieldSpec("kind", "kind", {"type": "string", "minLength": 1}, "use one of the kinds"),
        _text("organization", "organisation", "name the organisation, e.g. Stripe"),
        _text("domain", "domain", "say what the system does, e.g. payments"),
        _text("tier", "tier"),
        FieldSpec(
            "value",
            "value",
            {"type": "string", "pattern": VALUE_PATTERN},
            "write a plain number such as 1.2, or a range such as 40–125, and put the scale "
            "in :unit: and words such as 'about' in :qualifier:",
        ),
        FieldSpec(
            "qualifier",
            "qualifier",
            {"type": "string", "enum": list(QUALIFIERS)},
            "use the source's own qualifier",
        ),
        _text(
            "locator",
            "locator",
            "say where in the source the figure stands: a section heading, a timeline entry, "
            "a page or slide, a video time",
        ),
        _text("unit", "unit", "give the unit, e.g. million msg/s"),
        FieldSpec("as_of", "as of", DATE, "write the date the figure was true as YYYY-MM-DD"),
        FieldSpec("validation", "validation", LEVEL, "use A, B or C (see About this handbook)"),
        FieldSpec(
            "historical",
            "historical",
            {"type": "boolean"},
            "write :historical: with no value",
            flag=True,
        ),
        _text("note", "note"),
        _text(
            "first_hand",
            "first-hand for",
            "name the organisation(s) whose own publication this is, comma-separated",
        ),
        FieldSpec(
            "read_via",
            "read via",
            {"type": "string", "pattern": r"^https?://[^\s<>\"'`]+$"},
            "give the http:// or https:// address of the copy that was read",
        ),
        _text(
            "signal",
            "signal",
            "name what shows this failure to a responder: an error message, metric or alert",
        ),
        _text("caption", "caption"),
        _text("alt", "text alternative", "describe the diagram in one sentence"),
        FieldSpec(
            "started",
            "started",
            UTC_DATETIME_OR_DATE,
            "write the UTC start as YYYY-MM-DDTHH:MMZ (convert local time); the date alone,"
            " YYYY-MM-DD, only with ':start_time_unknown:'",
        ),
        _text(
            "start_time_unknown",
            "time of day not stated",
            "say why no source gives the time of day (which sources were read, what they say)",
        ),
        FieldSpec(
            "ended",
            "ended",
            UTC_DATETIME_OR_DATE,
            "write the UTC end as YYYY-MM-DDTHH:MMZ, or the date alone if no source gives a time",
        ),
        FieldSpec("duration", "duration", DURATION, "write it like 4h17m, 43s or 2d6h"),
        _text(
            "end_unknown",
            "end not stated",
            "say why no source gives the end (which sources were read, what they say instead)",
        ),
        FieldSpec(
            "category",
            "category",
            {"type": "string", "enum": INCIDENT_CATEGORIES},
            "use one of the categories",
        ),
        FieldSpec(
            "trigger_kind",
            "trigger kind",
            {"type": "string", "enum": TRIGGER_KINDS},
            "name what set it off",
        ),
        _text("impact", "impact", "say who or what was affected and how much"),
        _text("trigger", "trigger", "say what set the failure off"),
        _text("root_cause", "root cause", "name the causes the post-mortem gives"),
        _text("detection", "detection", "say how and when the failure was noticed"),
        _text("resolution", "resolution", "say what ended it"),
        _text("scenario", "scenario", "say which failure this playbook handles"),
        _text("symptom", "symptom", "say what the responder sees first, in their words"),
        FieldSpec(
            "area",
            "area",
            {"type": "string", "enum": AREAS},
            "name where the symptom shows up",
        ),
        _text("technologies", "technologies", "list the technologies it covers, comma-separated"),
        _text("problem", "problem", "say what goes wrong without the pattern"),
        _text("solution", "solution", "say what the pattern does about it"),
        _text("tradeoffs", "trade-offs", "say what the pattern costs"),
        _text("avoid_when", "when not to use it", "say when the pattern does more harm than good"),
        _text("symptoms", "symptoms", "say how the anti-pattern shows in production"),
        _text("lure", "why teams fall into it", "say why it looks like a good idea at the time"),
        _text("fix", "fix", "say what to do instead"),
        _text("migrated_from", "from", "name what was migrated away from"),
        _text("migrated_to", "to", "name what it was migrated to"),
        FieldSpec("began", "began", DATE, "write the date the migration began as YYYY-MM-DD"),
        FieldSpec("completed", "completed", DATE, "write the date it was completed as YYYY-MM-DD"),
        _text("phases", "phases", "name the phases in order, separated by ' → '"),
        _text("downtime", "downtime", "say how downtime was avoided (or how much there was)"),
        _text("rollback", "rollback plan", "say how the team could go back at each phase"),
        _text("outcome", "outcome", "say what the migration achieved, with figures as metrics"),
        _text("tools", "tools", "list the tools the steps use, comma-separated"),
        FieldSpec("rto", "RTO", DURATION, "write the recovery-time objective like 5m or 1h"),
        FieldSpec("review_learning", "learning review", VERDICT, "write pass or fail"),
        FieldSpec("review_3am", "3 AM review", VERDICT, "write pass or fail"),
        _text("reviewer", "reviewer", "name who reviewed it"),
        FieldSpec("reviewed", "reviewed", DATE, "write the review date as YYYY-MM-DD"),
        *(FieldSpec(name, label, GATE_STATUS, "", computed=True) for name, label in GATE_FIELDS),
        *(
            # The machine part of a gate alone, apart from the reviewer's verdict.
            FieldSpec(f"{name}_checks", f"{label}, machine checks", VERDICT, "", computed=True)
            for name, label in GATE_FIELDS
        ),
        FieldSpec("gate_notes", "gate notes", {"type": "string"}, "", computed=True),
        # What the body of a playbook (or guide) lacks for the 3 AM test, found when it is read.
        FieldSpec("response_problems", "response problems", {"type": "string"}, "", computed=True),
        # The signals a playbook or guide lists, for the "What are you seeing?" index.
        FieldSpec("signals", "signals", {"type": "string"}, "", computed=True),
        FieldSpec("stale", "stale", {"type": "boolean"}, "", computed=True),
    )
}

#: Options a reviewer adds to record a verdict.
REVIEW_FIELDS = ("reviewer", "reviewed")

LINKS: dict[str, LinkSpec] = {
    spec.name: spec
    for spec in (
        LinkSpec("sources", "sources", "rests on it", ("source",)),
        LinkSpec("system", "system", "described by", ("system",)),
        LinkSpec("playbooks", "playbooks", "used by", ("playbook",)),
        LinkSpec("diagrams", "diagrams", "shown in", ("diagram",)),
        LinkSpec("mitigates", "mitigates", "mitigated by", ("incident",)),
        LinkSpec("derived_from", "derived from", "copied or retold by", ("source",)),
        LinkSpec("seen_in", "seen in", "diagnosed with", ("incident",)),
        LinkSpec("examples", "examples", "shows the anti-pattern", ("incident",)),
        LinkSpec("fixed_by", "fixed by", "fixes", ("pattern",)),
        LinkSpec("implemented_by", "implemented by", "implements", ("system",)),
        LinkSpec("related", "related patterns", "related to", ("pattern",)),
    )
}

KINDS: dict[str, NeedKind] = {
    kind.directive: kind
    for kind in (
        NeedKind(
            "source",
            "Source",
            "SRC-",
            "#6c757d",
            # ``published`` is checked by the source directive: documentation and code pages
            # are living documents that often show no date (see UNDATED_SOURCE_KINDS).
            required=("url", "publisher", "kind", "accessed"),
            optional=("published", "published_unknown", "first_hand", "read_via"),
            optional_links=("derived_from",),
            narrowed={"kind": {"type": "string", "enum": SOURCE_KINDS}},
        ),
        NeedKind(
            "system",
            "System",
            "SYS-",
            "#0066CC",
            required=("organization", "domain"),
            optional=("tier",),
        ),
        NeedKind(
            "metric",
            "Metric",
            "MET-",
            "#FF8800",
            required=("value", "unit", "as_of", "locator", "validation"),
            optional=("qualifier", "historical", "note", "organization"),
            required_links=("sources",),
            optional_links=("system",),
        ),
        NeedKind(
            "diagram",
            "Diagram",
            "DGM-",
            "#00AA00",
            required=("kind", "validation"),
            optional=(
                "caption",
                "alt",
                "signal",
                "organization",
                "review_learning",
                "review_3am",
                *REVIEW_FIELDS,
            ),
            required_links=("sources",),
            optional_links=("system", "playbooks"),
            narrowed={"kind": {"type": "string", "enum": DIAGRAM_KINDS}},
        ),
        NeedKind(
            "incident",
            "Incident",
            "INC-",
            "#CC0000",
            required=(
                "organization",
                "started",
                "category",
                "trigger_kind",
                "impact",
                "trigger",
                "root_cause",
                "detection",
                "resolution",
                "validation",
            ),
            optional=(
                "ended",
                "duration",
                "end_unknown",
                "start_time_unknown",
                "review_3am",
                *REVIEW_FIELDS,
            ),
            required_links=("sources",),
            optional_links=("system", "playbooks", "diagrams"),
        ),
        NeedKind(
            "playbook",
            "Playbook",
            "PBK-",
            "#7a3db8",
            required=("scenario", "tools", "rto", "validation"),
            optional=("area", "organization", "review_3am", *REVIEW_FIELDS),
            optional_links=("mitigates", "sources"),
        ),
        NeedKind(
            "guide",
            "Debugging guide",
            "GDE-",
            "#1f6f8b",
            required=("symptom", "area", "technologies", "validation"),
            optional=("organization", "review_3am", *REVIEW_FIELDS),
            required_links=("sources",),
            optional_links=("playbooks", "seen_in", "diagrams"),
        ),
        NeedKind(
            "pattern",
            "Pattern",
            "PAT-",
            "#4a5bbf",
            required=("problem", "solution", "tradeoffs", "avoid_when", "validation"),
            optional=("organization",),
            required_links=("sources", "implemented_by"),
            optional_links=("diagrams", "related"),
        ),
        NeedKind(
            "antipattern",
            "Anti-pattern",
            "ANT-",
            "#a14d00",
            required=("symptoms", "lure", "fix", "validation"),
            optional=("organization",),
            required_links=("sources", "examples"),
            optional_links=("fixed_by",),
        ),
        NeedKind(
            "migration",
            "Migration",
            "MIG-",
            "#2e6b30",
            required=(
                "organization",
                "migrated_from",
                "migrated_to",
                "began",
                "phases",
                "downtime",
                "rollback",
                "outcome",
                "validation",
            ),
            optional=("completed",),
            required_links=("sources",),
            optional_links=("system", "diagrams"),
        ),
    )
}

ID_PATTERN = r"^({})[A-Z0-9][A-Z0-9-]*$".format("|".join(k.prefix for k in KINDS.values()))


def needs_settings() -> dict[str, Any]:
    """The sphinx-needs configuration that this model implies (config name → value)."""
    needs_types = []
    for kind in KINDS.values():
        entry: dict[str, Any] = {
            "directive": kind.directive,
            "title": kind.title,
            "prefix": kind.prefix,
            "color": kind.color,
            "style": "node",
        }
        if kind.narrowed:
            entry["fields"] = {name: {"schema": dict(s)} for name, s in kind.narrowed.items()}
        needs_types.append(entry)
    needs_fields = {
        spec.name: {"description": spec.label, "schema": dict(spec.schema), "nullable": True}
        for spec in FIELDS.values()
    }
    needs_links = {
        spec.name: {
            "outgoing": spec.outgoing,
            "incoming": spec.incoming,
            "target_types": list(spec.targets),
        }
        for spec in LINKS.values()
    }
    return {
        "needs_types": needs_types,
        "needs_fields": needs_fields,
        "needs_links": needs_links,
        "needs_id_regex": ID_PATTERN,
        "needs_id_required": True,
    }
