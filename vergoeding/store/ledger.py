"""The write side of the administration seen as one thing: organisations
(:mod:`~vergoeding.store.organisations`), experts and declarations
(:mod:`~vergoeding.store.experts`), engagements (:mod:`~vergoeding.store.engagements`), hour
entries and corrections (:mod:`~vergoeding.store.entries`, an import's batch in
:mod:`~vergoeding.store.entries_bulk`), approval and locked periods
(:mod:`~vergoeding.store.approval`); labels, audit and helpers in :mod:`vergoeding.store.base`.
This module only re-exports their public names, so ``ledger.add_entry`` and ``ledger.LABELS``
work for callers that see the ledger as one thing.

Every public function takes a :class:`~sqlalchemy.Connection`; the caller owns the
transaction (one command or one import = one transaction). A function validates
everything first and writes only when all is well, so a refusal leaves nothing behind.
Every change writes an ``audit_log`` row (who, when, what); a BSN never enters the log.
"""

from __future__ import annotations

from vergoeding.store.approval import approve, lock_period, unlock_period
from vergoeding.store.base import LABELS, STATUS_LABELS, audit, next_code
from vergoeding.store.engagements import (
    EngagementData,
    add_engagement,
    edit_engagement,
    engagement_data,
    normalise_engagement,
)
from vergoeding.store.entries import (
    EntryData,
    EntryResult,
    add_entry,
    correct_entry,
    dedupe_key,
    is_locked,
    locked_period_on,
    minutes_on_day,
)
from vergoeding.store.entries_bulk import BulkResult, add_entries
from vergoeding.store.experts import (
    DeclarationData,
    ExpertData,
    add_declaration,
    add_expert,
    edit_expert,
    expert_data,
    normalise_expert,
)
from vergoeding.store.organisations import (
    OrganisationData,
    add_organisation,
    edit_organisation,
    normalise_organisation,
    organisation_data,
)
from vergoeding.store.rejections import reject
from vergoeding.store.rows import unit_of

__all__ = [
    "LABELS", "STATUS_LABELS", "BulkResult", "DeclarationData", "EngagementData", "EntryData", "EntryResult",
    "ExpertData", "OrganisationData", "add_declaration", "add_engagement", "add_entries", "add_entry",
    "add_expert", "add_organisation", "approve", "audit", "correct_entry", "dedupe_key", "edit_engagement",
    "edit_expert", "edit_organisation", "engagement_data", "expert_data", "is_locked", "lock_period",
    "locked_period_on", "minutes_on_day", "next_code", "normalise_engagement", "normalise_expert", "reject",
    "normalise_organisation", "organisation_data", "unit_of", "unlock_period",
]
