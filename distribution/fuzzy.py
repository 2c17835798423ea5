"""Stage 4 of matching: fuzzy candidates for the keys the exact stages left, with rapidfuzz.

The candidates of a key are the registers' keys (:class:`~distribution.models.WorkKey`) in its *block*
(the first two letters of its normalized title and the first letter of its normalized artist), read in
one query for the whole chunk; a key's best candidate at :data:`ACCEPT` or above, with no other work as
close, is matched; from :data:`REVIEW` it goes to the CMO's review queue with its closest candidates;
below, it stays for the unmatched step. No database extension (pg_trgm) is used.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz, process

#: Similarity (0-100, rapidfuzz's normalized Indel ratio of the normalized keys) to accept a candidate.
ACCEPT = 94
#: Similarity from which a key goes to review with its candidates.
REVIEW = 80
#: Candidates kept for review.
KEEP = 5

Target = tuple[int | None, int | None]


def match_fuzzy(cursor: Any, ids: list[int]) -> tuple[int, int]:
    """Score the chunk's keys ``ids`` still pending against their blocks; write the accepted and the ones
    for review. Returns (accepted, sent to review)."""
    cursor.execute(
        "SELECT k.id, k.nkey, k.block FROM distribution_usagekey k "
        "WHERE k.id = ANY(%s) AND k.status = 'pending' AND k.block <> ''",
        [ids],
    )
    keys = cursor.fetchall()
    if not keys:
        return 0, 0
    cursor.execute(
        "SELECT block, nkey, work_id, recording_id FROM distribution_workkey WHERE block = ANY(%s)",
        [sorted({block for _, _, block in keys})],
    )
    choices: dict[str, list[str]] = defaultdict(list)
    targets: dict[str, list[Target]] = defaultdict(list)
    for block, nkey, work_id, recording_id in cursor.fetchall():
        choices[block].append(nkey)
        targets[block].append((work_id, recording_id))
    decided: list[tuple[int, str, int | None, int | None, int, list[int]]] = []
    for key_id, nkey, block in keys:
        if block not in choices:
            continue
        found = process.extract(nkey, choices[block], scorer=fuzz.ratio, limit=KEEP * 3, score_cutoff=REVIEW)
        if not found:
            continue
        best_score = found[0][1]
        best = targets[block][found[0][2]]
        ranked: list[int] = []
        rivals = False
        for _, score, index in found:
            target = targets[block][index]
            ident = target[1] or target[0]
            if ident is not None and ident not in ranked:
                ranked.append(ident)
            if target != best and score >= best_score - 2:
                rivals = True
        score = int(best_score)
        if best_score >= ACCEPT and not rivals:
            decided.append((key_id, "matched", best[0], best[1], score, ranked[:KEEP]))
        else:
            decided.append((key_id, "review", None, None, score, ranked[:KEEP]))
    if not decided:
        return 0, 0
    cursor.execute(
        """
        UPDATE distribution_usagekey k
           SET status = d.status, work_id = d.work_id, recording_id = d.recording_id, stage = 4,
               score = d.score, candidates = string_to_array(d.candidates, ',')::bigint[]
          FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::bigint[], %s::int[], %s::text[])
               AS d(id, status, work_id, recording_id, score, candidates)
         WHERE k.id = d.id AND k.status = 'pending'
        """,
        [
            [row[0] for row in decided],
            [row[1] for row in decided],
            [row[2] for row in decided],
            [row[3] for row in decided],
            [row[4] for row in decided],
            [",".join(map(str, row[5])) for row in decided],
        ],
    )
    accepted = sum(1 for row in decided if row[1] == "matched")
    return accepted, len(decided) - accepted
