"""Search engines whose answers are kept in the shared cache until the index changes: Whoosh
(on the web machine's disk, the embedded default) and PostgreSQL full-text search (shared by
every process that reaches the database: ``PostgresEngine``, see docs/search.md).

A listing page asked Whoosh twice (the count, then the page), about 90 ms a request with 2,000
products: more than half of a category page's time. The index changes only when it is written
(``update_index``, a product saved through the backend), so an answer is kept under the index's
version, which every write through the backend replaces (at once, and again on commit): the
next search after a write asks the engine again, in every process. What a page shows of stock
and price is read from the database on every request, never from the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import Case, Count, F, FloatField, Q, Value, When, Window
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from haystack.backends import (
    BaseEngine,
    BaseSearchBackend,
    BaseSearchQuery,
    SearchNode,
    log_query,
    whoosh_backend,
)
from haystack.constants import DJANGO_CT, DJANGO_ID
from haystack.exceptions import SearchBackendError, SkipDocument
from haystack.inputs import BaseInput
from haystack.models import SearchResult
from haystack.utils import get_identifier, get_model_ct
from haystack.utils.app_loading import haystack_get_model

from config.cache import CacheVersion, digest

VERSION = CacheVersion("search:index-version")
#: How long an answer is kept unless the index changes first (bounds the cache's size).
TTL = 600


class KeptAnswers:
    """Keeps a backend's search answers per query and index version; a write replaces the
    version."""

    #: Whether answers are kept in a cache of this process only (local memory). Not for an
    #: index other processes write: the version they replace would not be seen here.
    kept_in_local_memory = True

    def search(self, query_string, **kwargs):
        if not self.kept_in_local_memory and isinstance(caches["default"], LocMemCache):
            return super().search(query_string, **kwargs)
        asked = (type(self).__name__, self.connection_alias, query_string, kwargs)
        key = f"search:answer:{VERSION.current()}:{digest(asked)}"
        answer = cache.get(key)
        if answer is None:
            answer = super().search(query_string, **kwargs)
            cache.set(key, answer, TTL)
        return answer

    def update(self, *args, **kwargs):
        super().update(*args, **kwargs)
        VERSION.changed()

    def remove(self, *args, **kwargs):
        super().remove(*args, **kwargs)
        VERSION.changed()

    def clear(self, *args, **kwargs):
        super().clear(*args, **kwargs)
        VERSION.changed()


class WhooshSearchBackend(KeptAnswers, whoosh_backend.WhooshSearchBackend):
    pass


class WhooshEngine(whoosh_backend.WhooshEngine):
    backend = WhooshSearchBackend


# --- PostgreSQL full-text search ----------------------------------------------------------

#: The text search configuration: English stemming and stop words ("lamps" finds "Lamp").
CONFIG = "english"
NUMERIC = {"integer", "float"}
RANGE = re.compile(r"^\[(\S+) TO (\S+)\]$")
NARROW = re.compile(r"^(\w+):\((.*)\)$|^(\w+):(.*)$")


@dataclass(frozen=True)
class Term:
    """One condition of a Haystack query: a field, a lookup (``exact``, ``in``, ``gte``...,
    ``content`` for words) and a value."""

    field: str
    lookup: str
    value: object


@dataclass(frozen=True)
class Where:
    """Terms and nested ``Where``s joined by AND or OR, maybe negated: Haystack's query tree
    as plain data (its repr is the same in every process, for the kept answers' key)."""

    connector: str
    negated: bool
    children: tuple


class PostgresSearchQuery(BaseSearchQuery):
    """Hands the backend the query tree itself rather than a query string to parse again."""

    def build_query(self):
        return self._where(self.query_filter)

    def _where(self, node: SearchNode) -> Where:
        children = []
        for child in node.children:
            if isinstance(child, SearchNode):
                children.append(self._where(child))
            else:
                expression, value = child
                field, lookup = node.split_expression(expression)
                children.append(Term(field, lookup, plain(value)))
        return Where(node.connector, node.negated, tuple(children))

    def build_query_fragment(self, field, filter_type, value):
        return Term(field, filter_type, plain(value))


def plain(value):
    """A filter's value as plain data: the words as the shopper typed them for an input."""
    if isinstance(value, BaseInput):
        return str(value.query_string)
    if isinstance(value, set | frozenset):
        return tuple(sorted(plain(v) for v in value))
    if isinstance(value, list | tuple):
        return tuple(plain(v) for v in value)
    return value


def as_json(value):
    """A prepared field's value as JSON: numbers stay numbers (for ranges and ordering),
    dates become ISO text (which sorts as the dates do)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [as_json(v) for v in value]
    return value


class PostgresBackend(BaseSearchBackend):
    """A Haystack backend on PostgreSQL's full-text search, over ``search.Document`` rows.

    Words are matched with ``websearch_to_tsquery`` (words are all required, "quoted phrases",
    -word) on the English configuration, ranked by ``ts_rank`` with the title weighing most.
    Filters, narrowing, field and query facets, ordering and counts work on the fields the
    search index prepared (kept as JSON). No spelling suggestions, highlighting or
    more-like-this: the shop uses none of them.
    """

    def update(self, index, iterable, commit=True):
        from apps.search.models import Document

        content_field = index.get_content_field()
        rows = {}
        for obj in iterable:
            try:
                prepared = index.full_prepare(obj)
            except SkipDocument:
                continue
            rows[prepared[DJANGO_ID]] = Document(
                django_ct=prepared[DJANGO_CT],
                django_id=prepared[DJANGO_ID],
                title=str(prepared.get("title") or ""),
                body=str(prepared.get(content_field) or ""),
                fields={k: as_json(v) for k, v in prepared.items() if k != content_field},
            )
        if not rows:
            return
        with transaction.atomic(using=self.database):
            Document.objects.using(self.database).bulk_create(
                rows.values(),
                update_conflicts=True,
                unique_fields=["django_ct", "django_id"],
                update_fields=["title", "body", "fields", "indexed_at"],
            )
            Document.objects.using(self.database).filter(
                django_ct=get_model_ct(index.get_model()), django_id__in=list(rows)
            ).update(
                words=SearchVector("title", weight="A", config=CONFIG)
                + SearchVector("body", weight="B", config=CONFIG)
            )

    def remove(self, obj_or_string, commit=True):
        from apps.search.models import Document

        django_ct, _, django_id = get_identifier(obj_or_string).rpartition(".")
        Document.objects.using(self.database).filter(
            django_ct=django_ct, django_id=django_id
        ).delete()

    def clear(self, models=None, commit=True):
        from apps.search.models import Document

        documents = Document.objects.using(self.database).all()
        if models is not None:
            documents = documents.filter(django_ct__in=[get_model_ct(m) for m in models])
        documents.delete()

    @property
    def database(self) -> str:
        return self.connection_options.get("DATABASE", "default")

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.connection_options = connection_options

    @log_query
    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        facets=None,
        query_facets=None,
        narrow_queries=None,
        models=None,
        limit_to_registered_models=None,
        result_class=None,
        **kwargs,
    ):
        from apps.search.models import Document

        if not isinstance(query_string, Where):
            raise SearchBackendError("PostgresBackend takes the query built by its SearchQuery")
        documents = Document.objects.using(self.database).filter(self._condition(query_string))
        for narrow in narrow_queries or ():
            documents = documents.filter(self._narrowing(narrow))
        if models:
            documents = documents.filter(django_ct__in=[get_model_ct(m) for m in models])
        elif limit_to_registered_models is not False:
            documents = documents.filter(django_ct__in=self.build_models_list())

        words = [t.value for t in terms(query_string) if self._is_words(t.field)]
        if words:
            query = reduce(and_, (searched(w) for w in words))
            documents = documents.annotate(score=SearchRank(F("words"), query, normalization=1))
        else:
            documents = documents.annotate(score=Value(0.0, output_field=FloatField()))
        page = list(
            documents.annotate(hits=Window(Count("*")))
            .order_by(*self._ordering(sort_by, ranked=bool(words)))
            .only("django_ct", "django_id", "body", "fields")[start_offset:end_offset]
        )
        hits = page[0].hits if page else (documents.count() if start_offset else 0)
        answer = {"results": self._results(page, result_class), "hits": hits}
        if facets or query_facets:
            answer["facets"] = self._facets(documents, facets or {}, query_facets or [])
        answer["spelling_suggestion"] = None
        return answer

    # -- the query tree as SQL conditions --

    def _fields(self):
        from haystack import connections

        return connections[self.connection_alias].get_unified_index().all_searchfields()

    def _is_words(self, field: str) -> bool:
        from haystack import connections

        unified = connections[self.connection_alias].get_unified_index()
        return field in ("content", unified.document_field)

    def _condition(self, where: Where) -> Q:
        parts = [
            self._condition(c) if isinstance(c, Where) else self._term(c) for c in where.children
        ]
        condition = reduce(and_ if where.connector == "AND" else or_, parts, Q())
        return ~condition if where.negated else condition

    def _term(self, term: Term) -> Q:
        if self._is_words(term.field):
            return Q(words=searched(term.value))
        if term.field in (DJANGO_CT, DJANGO_ID):
            values = term.value if term.lookup in ("in", "range") else [term.value]
            return Q(**{f"{term.field}__in": [str(v) for v in values]})
        field = self._fields().get(term.field)
        if field is None:  # a field no index has: nothing matches
            return Q(pk__in=[])
        if field.is_multivalued:
            values = term.value if term.lookup == "in" else [term.value]
            return reduce(
                or_, (Q(**{f"fields__{term.field}__contains": [jsonable(v)]}) for v in values), Q()
            ) or Q(pk__in=[])
        column = self._column(term.field)
        try:
            value = self._typed(term.field, term.value, term.lookup)
        except (TypeError, ValueError):  # "abc" for a number: nothing has it
            return Q(pk__in=[])
        lookup = {
            "content": "iexact" if isinstance(value, str) else "exact",
            "exact": "exact",
            "in": "in",
            "range": "range",
            "gt": "gt",
            "gte": "gte",
            "lt": "lt",
            "lte": "lte",
            "startswith": "istartswith",
            "endswith": "iendswith",
            "contains": "icontains",
            "fuzzy": "icontains",
        }[term.lookup]
        return Q(column.output_field.get_lookup(lookup)(column, value))

    def _column(self, field: str):
        if field in ("score",):
            return F("score")
        kind = getattr(self._fields().get(field), "field_type", None)
        if kind in NUMERIC:
            return Cast(KT(f"fields__{field}"), FloatField())
        return KT(f"fields__{field}")

    def _typed(self, field: str, value, lookup: str):
        if lookup in ("in", "range"):
            return [self._typed(field, v, "exact") for v in value]
        kind = getattr(self._fields().get(field), "field_type", None)
        if kind in NUMERIC:
            return float(value)
        if kind == "boolean" or isinstance(value, bool):
            return "true" if str(value).lower() in ("true", "1") else "false"
        if isinstance(value, datetime | date):
            return value.isoformat()
        return str(value)

    def _narrowing(self, narrow: str) -> Q:
        """Oscar's and Haystack's narrowing strings: ``field:("a" OR "b")``,
        ``price:([0 TO 20] OR [60 TO *])``, ``django_ct:catalogue.product``."""
        match = NARROW.match(narrow.strip())
        if match is None:  # e.g. a field name with a space, typed into the address: nothing
            return Q(pk__in=[])
        field = match.group(1) or match.group(3)
        values = (match.group(2) or match.group(4)).split(" OR ")
        return reduce(or_, (self._narrowed(field, v.strip()) for v in values), Q())

    def _narrowed(self, field: str, value: str) -> Q:
        bounds = RANGE.match(value)
        if bounds is None:
            return self._term(Term(field, "exact", value.strip('"')))
        low, high = bounds.groups()
        condition = Q()
        if low != "*":
            condition &= self._term(Term(field, "gte", low))
        if high != "*":
            condition &= self._term(Term(field, "lte", high))
        return condition

    def _ordering(self, sort_by, *, ranked: bool) -> list:
        order = []
        for name in sort_by or ():
            column = self._column(name.lstrip("-"))
            desc = name.startswith("-")
            order.append(column.desc(nulls_last=True) if desc else column.asc(nulls_last=True))
        if ranked:
            order.append(F("score").desc())
        return [*order, "pk"]  # otherwise in the order indexed, as Whoosh answers

    # -- answers --

    def _results(self, page, result_class) -> list:
        from haystack import connections

        unified = connections[self.connection_alias].get_unified_index()
        result_class = result_class or SearchResult
        results = []
        for document in page:
            app_label, model_name = document.django_ct.split(".")
            model = haystack_get_model(app_label, model_name)
            index = unified.get_index(model)
            stored = {
                name: index.fields[name].convert(value) if name in index.fields else value
                for name, value in document.fields.items()
                if name not in (DJANGO_CT, DJANGO_ID)
            }
            stored[index.get_content_field()] = document.body
            results.append(
                result_class(app_label, model_name, document.django_id, document.score, **stored)
            )
        return results

    def _facets(self, documents, facets, query_facets) -> dict:
        """Every facet's counts in one query: the matches are counted per combination of the
        facets' values (few: a product class, a rating, a price range), then added up."""
        columns = {f"field_{i}": KT(f"fields__{name}") for i, name in enumerate(facets)}
        for i, (field, query) in enumerate(query_facets):
            condition = self._narrowed(field, query)
            columns[f"query_{i}"] = Case(When(condition, then=Value(1)), default=Value(0))
        counted = documents.order_by().values(**columns).annotate(matches=Count("*"))
        fields = {name: {} for name in facets}
        known = self._fields()
        queries = {f"{self._facet_for(field)}:{query}": 0 for field, query in query_facets}
        for row in counted:
            for i, name in enumerate(facets):
                value = row[f"field_{i}"]
                if value is not None and name in known:
                    value = known[name].convert(value)
                fields[name][value] = fields[name].get(value, 0) + row["matches"]
            for i, (field, query) in enumerate(query_facets):
                queries[f"{self._facet_for(field)}:{query}"] += row[f"query_{i}"] * row["matches"]
        return {
            "fields": {
                name: sorted(
                    counts.items(), key=lambda item: (item[0] is None, -item[1], str(item[0]))
                )
                for name, counts in fields.items()
            },
            "dates": {},
            "queries": queries,
        }

    def _facet_for(self, field: str) -> str:
        """``price`` for Haystack's ``price_exact``: the name Oscar's facets look up."""
        return getattr(self._fields().get(field), "facet_for", None) or field


def searched(words: str) -> SearchQuery:
    return SearchQuery(words, config=CONFIG, search_type="websearch")


def terms(where: Where):
    """The terms a match needs (not those under a NOT): the words rank the results."""
    if where.negated:
        return
    for child in where.children:
        if isinstance(child, Where):
            yield from terms(child)
        else:
            yield child


def jsonable(value):
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return as_json(value)


class PostgresSearchBackend(KeptAnswers, PostgresBackend):
    """Answers kept only in a shared cache (Redis): a worker's index write is seen at once."""

    kept_in_local_memory = False


class PostgresEngine(BaseEngine):
    backend = PostgresSearchBackend
    query = PostgresSearchQuery
