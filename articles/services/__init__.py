"""Every change of state of a story goes through here, one module per sub-domain.

Each service is atomic, asks the permission policy (``articles.permissions``), checks the optimistic
``version``, writes a Revision (a full snapshot) and an AuditEntry, and fires signals only after
commit. Callers keep using ``from articles import services; services.transition(...)``: the public
names of every module are re-exported here.

* ``editing``: create_article, edit_article (update_article), add_correction, credits and tags
* ``transitions``: transition
* ``revisions``: snapshot, record_revision, restore_revision
* ``locks``: acquire/renew/release_lock, force_unlock, lock_holder; StaleVersion, LockedByOther
* ``sharing``: revoke_share_links
* ``scheduler``: publish_due
* ``wire``: create_from_wire, prepare_wire_story, bulk_create_from_wire, apply_wire_update,
  flag_wire_update, withdraw_from_wire
* ``audit``: audit, record_refusal, refusals_audited
"""

from articles.permissions import Refused
from articles.services.audit import (
    audit,
    record_refusal,
    refusals_audited,
)
from articles.services.editing import (
    CreditInput,
    add_correction,
    clean_wire_text,
    create_article,
    edit_article,
    make_slug,
    resolve_tags,
    set_credits,
    set_tags,
    update_article,
)
from articles.services.locks import (
    LockedByOther,
    StaleVersion,
    acquire_lock,
    force_unlock,
    lock_for_update,
    lock_holder,
    lock_timeout,
    release_lock,
    renew_lock,
)
from articles.services.revisions import (
    record_revision,
    restore_revision,
    snapshot,
)
from articles.services.scheduler import (
    PUBLISH_DUE_MARK,
    DueResult,
    publish_due,
)
from articles.services.sharing import (
    revoke_share_links,
)
from articles.services.transitions import (
    REASON_REQUIRED,
    transition,
)
from articles.services.wire import (
    NewWireStory,
    apply_wire_update,
    bulk_create_from_wire,
    create_from_wire,
    flag_wire_update,
    insert_objects,
    insert_rows,
    prepare_wire_story,
    withdraw_from_wire,
)

__all__ = [
    "CreditInput",
    "DueResult",
    "LockedByOther",
    "NewWireStory",
    "PUBLISH_DUE_MARK",
    "REASON_REQUIRED",
    "Refused",
    "StaleVersion",
    "acquire_lock",
    "add_correction",
    "apply_wire_update",
    "audit",
    "bulk_create_from_wire",
    "clean_wire_text",
    "create_article",
    "create_from_wire",
    "edit_article",
    "flag_wire_update",
    "force_unlock",
    "insert_objects",
    "insert_rows",
    "lock_for_update",
    "lock_holder",
    "lock_timeout",
    "make_slug",
    "prepare_wire_story",
    "publish_due",
    "record_refusal",
    "record_revision",
    "refusals_audited",
    "release_lock",
    "renew_lock",
    "resolve_tags",
    "restore_revision",
    "revoke_share_links",
    "set_credits",
    "set_tags",
    "snapshot",
    "transition",
    "update_article",
    "withdraw_from_wire",
]
