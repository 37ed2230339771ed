"""The plan's search: what it looks in for each strategy action, and how it matches.

Each strategy action has a search document (SearchDocument): its reference, its words and
its sub-points (weighted highest), then the words of its progress updates. On PostgreSQL
the document is a `tsvector` in the English configuration with a GIN index, so a search is
an index lookup ranked by `ts_rank`, however large the plan. SQLite, the development
default, has no full-text search of that kind: there the document is kept as plain text and
every word searched for must appear in it.

Documents are kept up to date by signals (actions/apps.py) whenever an action, a sub-point
or a progress update is saved or deleted, including from fixtures and the admin;
`refresh_all()` rebuilds every document after bulk loads that bypass signals (the
benchmark's synthetic plans).
"""

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet

from .models import ProgressUpdate, SearchDocument, StrategyAction, SubPoint

CONFIG = "english"
CHUNK = 1000
RESULTS_MAX = 1000

# The whole rebuild in one statement on PostgreSQL: set-based SQL builds a million updates'
# vectors in seconds, where doing it row by row through the ORM would take minutes.
_POSTGRES_REFRESH = """
INSERT INTO actions_searchdocument (strategy_action_id, text, vector)
SELECT a.id, '',
       setweight(to_tsvector(%(config)s, concat_ws(' ', a.reference, a.text, sp.words)), 'A')
       || setweight(to_tsvector(%(config)s, coalesce(u.words, '')), 'B')
FROM actions_strategyaction a
LEFT JOIN LATERAL (
    SELECT string_agg(s.text, ' ') AS words FROM actions_subpoint s
    WHERE s.strategy_action_id = a.id
) sp ON true
LEFT JOIN LATERAL (
    SELECT string_agg(concat_ws(' ', p.narrative, p.next_steps), ' ') AS words
    FROM actions_progressupdate p WHERE p.strategy_action_id = a.id
) u ON true
WHERE a.id = ANY(%(ids)s)
ON CONFLICT (strategy_action_id) DO UPDATE SET vector = EXCLUDED.vector, text = ''
"""


def is_full_text() -> bool:
    return connection.vendor == "postgresql"


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _plain_documents(ids: list[int]) -> list[SearchDocument]:
    words: dict[int, list[str]] = {}
    for pk, reference, text in StrategyAction.objects.filter(pk__in=ids).values_list(
        "pk", "reference", "text"
    ):
        words[pk] = [reference, text]
    for pk, text in SubPoint.objects.filter(strategy_action__in=ids).values_list(
        "strategy_action_id", "text"
    ):
        words[pk].append(text)
    updates = ProgressUpdate.objects.filter(strategy_action__in=ids).order_by()
    for pk, narrative, next_steps in updates.values_list(
        "strategy_action_id", "narrative", "next_steps"
    ):
        words[pk] += [narrative, next_steps]
    return [
        SearchDocument(strategy_action_id=pk, text=" ".join(w for w in parts if w))
        for pk, parts in words.items()
    ]


def refresh(action_ids: Iterable[int]) -> None:
    """Rebuild the search documents of these strategy actions (ids of deleted ones are
    ignored: their documents went with them)."""
    ids = sorted(set(action_ids))
    for chunk in _chunks(ids):
        if is_full_text():
            with connection.cursor() as cursor:
                cursor.execute(_POSTGRES_REFRESH, {"config": CONFIG, "ids": chunk})
        else:
            SearchDocument.objects.bulk_create(
                _plain_documents(chunk),
                update_conflicts=True,
                unique_fields=["strategy_action"],
                update_fields=["text"],
            )


def refresh_all() -> None:
    """Rebuild every strategy action's search document."""
    refresh(StrategyAction.objects.values_list("pk", flat=True))


def matching(queryset: QuerySet[StrategyAction], words: str) -> QuerySet[StrategyAction]:
    """The actions among `queryset` whose document matches `words`, the best match first.

    Bounded by design: the search takes the first RESULTS_MAX matches in plan order and ranks
    those, so a word that is in nearly every action costs no more than a rare one (a search
    engine's "more than 1,000 results"); the page says when the cap is reached. On PostgreSQL
    a match is full-text (stemmed, so "volunteers" finds "volunteering"; the reference is
    among the words) and ranked by `ts_rank`, the action's own words weighing most. On
    SQLite every word must appear in the document, or the words be the reference, and the
    matches keep plan order.
    """
    if is_full_text():
        query = SearchQuery(words, config=CONFIG, search_type="websearch")
        found = Q(search_document__vector=query)
    else:
        found = Q(reference__iexact=words)
        every_word = Q()
        for word in words.split():
            every_word &= Q(search_document__text__icontains=word)
        found |= every_word
    # The ids first, in a query of their own: given them as a subquery, PostgreSQL's planner
    # guessed badly and joined every action before picking the few.
    first = queryset.filter(found).order_by("plan_position").values_list("pk", flat=True)
    results = queryset.filter(pk__in=list(first[:RESULTS_MAX]))
    if is_full_text():
        rank = SearchRank(F("search_document__vector"), query)
        results = results.annotate(rank=rank).order_by("-rank", "plan_position")
    return results
